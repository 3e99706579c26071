//! The command line: `derail [FILE]` opens the app; the subcommands run headless.

pub mod progress_bar;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::load::mapping::MapOverride;
use crate::load::{LoadOptions, load_path};
use crate::model::{Dataset, Format};
use crate::progress::Progress;
use crate::summary::Summary;
use crate::time::NaiveZone;

#[derive(Parser, Debug)]
#[command(
    name = "derail",
    version,
    about = "A lab for hashtag takeovers: load post datasets, find takeover moments, label and export."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A dataset to open in the app (default: the bundled sample).
    pub file: Option<PathBuf>,
}

/// How to read an input file.
#[derive(Args, Debug, Clone, Default)]
pub struct LoadArgs {
    /// Set a column role by hand, e.g. --map text="Tweet Text" (repeatable; an empty column unmaps).
    #[arg(long = "map", value_name = "ROLE=COLUMN")]
    pub map: Vec<String>,
    /// The zone assumed for timestamps without one: UTC, +02:00, or an IANA name like Europe/Berlin.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Force the input format instead of detecting it (csv, twarc2, twarc2_flat, v1, v1_search, snscrape, bluesky, mastodon, jetstream, tap, zeeschuimer, telegram, telethon, reddit, tiktok, youtube, crowdtangle, json).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Reject rows with a field longer than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024)]
    pub max_field_bytes: usize,
}

impl LoadArgs {
    pub fn options(&self) -> Result<LoadOptions> {
        let overrides = self
            .map
            .iter()
            .map(|m| MapOverride::parse(m).map_err(anyhow::Error::msg))
            .collect::<Result<Vec<_>>>()?;
        let naive_zone = match &self.tz {
            Some(z) => NaiveZone::parse(z).map_err(anyhow::Error::msg)?,
            None => NaiveZone::Utc,
        };
        let format = match &self.format {
            Some(f) => Some(Format::from_name(f).with_context(|| format!("unknown format {f:?}"))?),
            None => None,
        };
        Ok(LoadOptions {
            format,
            overrides,
            naive_zone,
            max_field_bytes: self.max_field_bytes,
            ..Default::default()
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse a dataset: tags, near-duplicates, coordination, clusters and takeover moments.
    Analyze {
        input: PathBuf,
        /// Analysis settings (TOML or JSON); missing keys take their defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The annotated CSV to write: every input column, then derail's columns.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The JSON report to write.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Extra folder of lexicon taggers (*.toml).
        #[arg(long)]
        taggers: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Export an annotated CSV with the hand labels (and who set them, and when).
    Export {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Neutralise cells that a spreadsheet would run as formulas (=, +, -, @).
        #[arg(long)]
        neutralize_formulas: bool,
        /// Only posts that have a label.
        #[arg(long)]
        only_labelled: bool,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Label posts from a script: reads commands on stdin (`set POST LABEL`, `clear POST`,
    /// `undo`, `redo`, `list`, `quit`) and prints `saved` once each change is durable.
    Label {
        input: PathBuf,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Import labels from an annotated CSV into a dataset's label journal.
    ImportLabels {
        input: PathBuf,
        annotated: PathBuf,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Generate a dataset, analyse it and score the result against the ground truth.
    Evaluate {
        #[arg(long, default_value = "mixed")]
        scenario: String,
        #[arg(long, default_value_t = 20_000)]
        posts: usize,
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Agreement between labellers: Cohen's kappa, Krippendorff's alpha, confusion matrices, disagreements.
    Agree {
        /// Two or more annotated CSVs (with derail_label).
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Generate a seeded takeover dataset in a real format, with its ground truth beside it.
    Generate {
        /// kpop (fancam flood), reclaim (photos and jokes), spam (crypto bots), mixed (all three), quiet (no takeover).
        #[arg(long, default_value = "kpop")]
        scenario: String,
        /// Number of posts.
        #[arg(long, default_value_t = 20_000)]
        posts: usize,
        /// csv, tcat, twarc2, twarc2_flat, v1, snscrape, bluesky, mastodon, jetstream, telegram, reddit.
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Days covered.
        #[arg(long, default_value_t = 3.0)]
        days: f64,
        /// Output file; the truth goes to OUT.truth.json and OUT.truth.csv.
        #[arg(long)]
        out: PathBuf,
    },
    /// Show how a file is read: format, column roles, rows loaded and rejected, time range, authors, top hashtags.
    Inspect {
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// How many top hashtags to list.
        #[arg(long, default_value_t = 20)]
        top: usize,
        #[command(flatten)]
        load: LoadArgs,
    },
}

/// Loads a file with a terminal progress bar.
pub fn load_with_bar(file: &std::path::Path, load: &LoadArgs) -> Result<Dataset> {
    let opts = load.options()?;
    let progress = Progress::new();
    let bar = progress_bar::TerminalBar::start(&progress);
    let ds = load_path(file, &opts, &progress);
    drop(bar);
    Ok(ds?)
}

/// Writes a file atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Peak resident memory of this process, in bytes (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024)
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Inspect {
            file,
            json,
            top,
            load,
        }) => {
            let ds = load_with_bar(&file, &load)?;
            let summary = Summary::of(&ds, top);
            if json {
                let mut v = serde_json::to_value(&summary)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("peak_rss_bytes".into(), serde_json::json!(peak_rss_bytes()));
                    o.insert(
                        "dataset_heap_bytes".into(),
                        serde_json::json!(ds.heap_bytes()),
                    );
                }
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", summary.to_text());
                if let Some(rss) = peak_rss_bytes() {
                    println!("Peak memory  {} MB", rss >> 20);
                }
            }
            // The process exits next, and the OS takes the dataset's memory back at once;
            // freeing its columns one by one first would only delay the exit.
            std::mem::forget(ds);
            Ok(())
        }
        Some(Command::Analyze {
            input,
            config,
            out,
            report,
            timings,
            taggers,
            load,
        }) => {
            let total = std::time::Instant::now();
            let mut cfg = match &config {
                Some(p) => {
                    crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?
                }
                None => crate::analysis::AnalysisConfig::default(),
            };
            cfg.tags.taggers_dirs.extend(taggers);
            let t = std::time::Instant::now();
            let ds = load_with_bar(&input, &load)?;
            let load_ms = t.elapsed().as_secs_f64() * 1000.0;
            let progress = Progress::new();
            let bar = progress_bar::TerminalBar::start(&progress);
            let an = crate::analysis::analyze(&ds, &cfg, &progress);
            drop(bar);
            let an = an.map_err(|_| anyhow::anyhow!("analysis cancelled"))?;
            let labels =
                crate::labels::Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?;
            if let Some(l) = &labels {
                for w in &l.warnings {
                    eprintln!("derail: warning: {w}");
                }
            }
            for w in &an.warnings {
                eprintln!("derail: warning: {w}");
            }
            let mut extra = Vec::new();
            if let Some(r) = &report {
                let t = std::time::Instant::now();
                let v = crate::analysis::report::build_report(&ds, &an);
                write_atomic(r, serde_json::to_string_pretty(&v)?.as_bytes())?;
                extra.push(("report".to_string(), t.elapsed().as_secs_f64() * 1000.0));
            }
            if let Some(o) = &out {
                let t = std::time::Instant::now();
                crate::export::export_annotated(
                    &ds,
                    Some(&an),
                    labels.as_ref(),
                    o,
                    &crate::export::ExportOptions::default(),
                    &Progress::new(),
                )?;
                extra.push(("export".to_string(), t.elapsed().as_secs_f64() * 1000.0));
            }
            eprintln!(
                "{} posts ({} rejected), {} clusters, {} near-duplicate groups, {} coordinated episodes, {} takeover moment(s)",
                ds.len(),
                ds.report.rejected,
                an.clusters.len(),
                an.dup_groups.len(),
                an.coordination.len(),
                an.moments.len()
            );
            for m in &an.moments {
                eprintln!(
                    "  #{}: {} → {} (peak {}), {:.0}% takeover posts, {:.0}% newcomers, score {:.0}",
                    m.display,
                    crate::time::format_iso(m.onset_ms),
                    crate::time::format_iso(m.end_ms),
                    crate::time::format_iso(m.peak_ms),
                    m.share * 100.0,
                    m.newcomer_share * 100.0,
                    m.score
                );
            }
            if timings {
                eprintln!("timings (ms):");
                eprintln!("  {:<16} {:>9.1}", "load", load_ms);
                for (s, ms) in an.timings.iter().chain(extra.iter()) {
                    eprintln!("  {:<16} {:>9.1}", s, ms);
                }
                eprintln!(
                    "  {:<16} {:>9.1}",
                    "total",
                    total.elapsed().as_secs_f64() * 1000.0
                );
                if let Some(rss) = peak_rss_bytes() {
                    eprintln!(
                        "  peak memory      {:>6} MB (input {} MB)",
                        rss >> 20,
                        ds.source.file_bytes >> 20
                    );
                }
            }
            Ok(())
        }
        Some(Command::Export {
            input,
            out,
            config,
            neutralize_formulas,
            only_labelled,
            load,
        }) => {
            let cfg = match &config {
                Some(p) => {
                    crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?
                }
                None => crate::analysis::AnalysisConfig::default(),
            };
            let ds = load_with_bar(&input, &load)?;
            let progress = Progress::new();
            let bar = progress_bar::TerminalBar::start(&progress);
            let an = crate::analysis::analyze(&ds, &cfg, &progress)
                .map_err(|_| anyhow::anyhow!("analysis cancelled"))?;
            drop(bar);
            let labels =
                crate::labels::Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?;
            let only = only_labelled.then(|| {
                (0..ds.len() as u32)
                    .filter(|&i| {
                        labels
                            .as_ref()
                            .is_some_and(|l| l.get(&ds.post_key(i as usize)).is_some())
                    })
                    .collect()
            });
            let opts = crate::export::ExportOptions {
                label_details: true,
                neutralize_formulas,
                only,
            };
            let s = crate::export::export_annotated(
                &ds,
                Some(&an),
                labels.as_ref(),
                &out,
                &opts,
                &Progress::new(),
            )?;
            eprintln!(
                "wrote {} rows ({} posts, {} rejected rows) to {}",
                s.rows,
                s.posts,
                s.rejected_rows,
                out.display()
            );
            Ok(())
        }
        Some(Command::Label { input, load }) => {
            use std::io::{BufRead, Write};
            let ds = load_with_bar(&input, &load)?;
            let mut labels = crate::labels::Labels::open(&ds.source.path, &ds.source.fingerprint)?;
            for w in &labels.warnings {
                eprintln!("derail: warning: {w}");
            }
            let keys: std::collections::HashSet<String> =
                (0..ds.len()).map(|i| ds.post_key(i)).collect();
            let stdin = std::io::stdin();
            let mut out = std::io::stdout();
            writeln!(
                out,
                "ready {} posts; journal {}",
                ds.len(),
                labels
                    .journal_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            )?;
            out.flush()?;
            for line in stdin.lock().lines() {
                let line = line?;
                let parts: Vec<&str> = line.split_whitespace().collect();
                let cmd = match parts.as_slice() {
                    ["set", post, label @ ..] if !label.is_empty() => {
                        let name = label.join(" ");
                        match labels.by_name(&name) {
                            Some(id) if keys.contains(*post) => {
                                Some(crate::labels::LabelCommand::Assign {
                                    posts: vec![post.to_string()],
                                    label: Some(id),
                                })
                            }
                            Some(_) => {
                                writeln!(out, "error: no post {post}")?;
                                None
                            }
                            None => {
                                writeln!(out, "error: no label {name:?}")?;
                                None
                            }
                        }
                    }
                    ["clear", post] => Some(crate::labels::LabelCommand::Assign {
                        posts: vec![post.to_string()],
                        label: None,
                    }),
                    ["undo"] => Some(crate::labels::LabelCommand::Undo),
                    ["redo"] => Some(crate::labels::LabelCommand::Redo),
                    ["list"] => {
                        for (k, e) in labels.iter() {
                            writeln!(
                                out,
                                "{k} {}",
                                labels.def(e.label).map(|d| d.name.as_str()).unwrap_or("?")
                            )?;
                        }
                        None
                    }
                    ["quit"] => break,
                    [] => None,
                    _ => {
                        writeln!(out, "error: unknown command {line:?}")?;
                        None
                    }
                };
                if let Some(c) = cmd {
                    match labels.apply(c) {
                        Ok(()) => writeln!(out, "saved")?,
                        Err(e) => writeln!(out, "error: {e}")?,
                    }
                }
                out.flush()?;
            }
            Ok(())
        }
        Some(Command::ImportLabels {
            input,
            annotated,
            load,
        }) => {
            let ds = load_with_bar(&input, &load)?;
            let mut labels = crate::labels::Labels::open(&ds.source.path, &ds.source.fingerprint)?;
            let (n, unmatched) = labels.import_annotated(&ds, &annotated)?;
            eprintln!(
                "imported {n} labels into {}; {unmatched} labelled rows matched no post",
                labels
                    .journal_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            );
            Ok(())
        }
        Some(Command::Evaluate {
            scenario,
            posts,
            format,
            seed,
            config,
        }) => {
            use crate::generate::{GenConfig, Scenario, evaluate::evaluate, generate, writers};
            let scenario = Scenario::from_name(&scenario)
                .with_context(|| format!("unknown scenario {scenario:?}"))?;
            let fmt = writers::OutFormat::from_name(&format)
                .with_context(|| format!("unknown format {format:?}"))?;
            let cfg = match &config {
                Some(p) => {
                    crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?
                }
                None => crate::analysis::AnalysisConfig::default(),
            };
            let (gen_posts, authors, truth) = generate(&GenConfig::new(scenario, posts, seed));
            let dir = tempfile::tempdir()?;
            let path = dir.path().join(format!("eval.{}", fmt.extension()));
            writers::write(&gen_posts, &authors, fmt, &path)?;
            let ds = load_path(
                &path,
                &crate::load::LoadOptions::default(),
                &Progress::new(),
            )?;
            let an = crate::analysis::analyze(&ds, &cfg, &Progress::new())
                .map_err(|_| anyhow::anyhow!("cancelled"))?;
            let ev = evaluate(&ds, &an, &gen_posts, &truth).map_err(anyhow::Error::msg)?;
            println!("{}", serde_json::to_string_pretty(&ev)?);
            Ok(())
        }
        Some(Command::Agree { files, json }) => {
            use crate::labels::agreement;
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            let codings = files
                .iter()
                .map(|f| agreement::read_annotated(f).map_err(anyhow::Error::msg))
                .collect::<Result<Vec<_>>>()?;
            let mut pairs = Vec::new();
            for a in 0..codings.len() {
                for b in a + 1..codings.len() {
                    pairs.push(agreement::compare(
                        &names[a],
                        &codings[a],
                        &names[b],
                        &codings[b],
                    ));
                }
            }
            let alpha = agreement::krippendorff_alpha(&codings);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "files": names,
                        "pairs": pairs,
                        "krippendorff_alpha": alpha,
                    }))?
                );
            } else {
                for p in &pairs {
                    println!("{} vs {}", p.a, p.b);
                    println!("  posts labelled by both: {}", p.common);
                    println!("  raw agreement: {:.3}", p.agreement);
                    match p.kappa {
                        Some(k) => println!("  Cohen's kappa: {k:.3}"),
                        None => {
                            println!("  Cohen's kappa: undefined (no overlap, or one label only)")
                        }
                    }
                    println!("  confusion matrix (rows: {}, columns: {}):", p.a, p.b);
                    let w = p.labels.iter().map(|l| l.len()).max().unwrap_or(4).max(4);
                    print!("  {:w$}", "");
                    for l in &p.labels {
                        print!(" {l:>w$}");
                    }
                    println!();
                    for (i, l) in p.labels.iter().enumerate() {
                        print!("  {l:w$}");
                        for c in &p.matrix[i] {
                            print!(" {c:>w$}");
                        }
                        println!();
                    }
                    println!("  disagreements to adjudicate: {}", p.disagreements.len());
                    for (k, x, y) in p.disagreements.iter().take(50) {
                        println!("    {k}: {x} / {y}");
                    }
                }
                if codings.len() > 2 {
                    match alpha {
                        Some(a) => {
                            println!("Krippendorff's alpha ({} labellers): {a:.3}", codings.len())
                        }
                        None => println!("Krippendorff's alpha: undefined"),
                    }
                }
            }
            Ok(())
        }
        Some(Command::Generate {
            scenario,
            posts,
            format,
            seed,
            days,
            out,
        }) => {
            use crate::generate::{GenConfig, Scenario, generate, writers};
            let scenario = Scenario::from_name(&scenario).with_context(|| {
                format!("unknown scenario {scenario:?}; use kpop, reclaim, spam, mixed or quiet")
            })?;
            let fmt = writers::OutFormat::from_name(&format).with_context(|| {
                format!(
                    "unknown format {format:?}; use one of {}",
                    writers::OutFormat::ALL.map(|f| f.name()).join(", ")
                )
            })?;
            let mut cfg = GenConfig::new(scenario, posts, seed);
            cfg.days = days;
            let (gen_posts, authors, truth) = generate(&cfg);
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the folder {}", dir.display()))?;
            }
            writers::write(&gen_posts, &authors, fmt, &out)
                .with_context(|| format!("writing {}", out.display()))?;
            let (tj, tc) = writers::write_truth(&gen_posts, &truth, &out)
                .with_context(|| format!("writing the truth beside {}", out.display()))?;
            eprintln!(
                "wrote {} posts ({} format, scenario {}) to {}; truth in {} and {}",
                gen_posts.len(),
                fmt.name(),
                scenario.name(),
                out.display(),
                tj.display(),
                tc.display()
            );
            for t in &truth.takeovers {
                eprintln!(
                    "  takeover of #{}: onset {}, peak {}, end {} ({} posts)",
                    t.hashtag, t.onset, t.peak, t.end, t.posts
                );
            }
            Ok(())
        }
        #[cfg(feature = "gui")]
        None => crate::app::run(cli.file),
        #[cfg(not(feature = "gui"))]
        None => anyhow::bail!(
            "this derail was built without the desktop app (feature `gui`); \
             run a subcommand such as `derail inspect FILE`, or see `derail --help`"
        ),
    }
}
