//! The command line: `derail [FILE]` opens the app; the subcommands run headless.

pub mod agree;
pub mod analyze;
pub mod audit;
pub mod evaluate;
pub mod export;
pub mod generate;
pub mod import_labels;
pub mod inspect;
pub mod label;
pub mod packet;
pub mod progress_bar;
pub mod sample;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::load::LoadOptions;
use crate::load::Loaded;
use crate::load::mapping::MapOverride;
use crate::model::Format;
use crate::progress::Progress;
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
    /// The slice to load (set from [`SliceArgs`] by the commands that take one).
    #[arg(skip)]
    pub slice: crate::load::slice::Slice,
}

/// Load only a slice of a corpus: Parquet files are cut while read (row-group statistics,
/// column projection), other formats after reading.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SliceArgs {
    /// Load only the posts carrying this hashtag (with or without #).
    #[arg(long, value_name = "TAG")]
    pub hashtag: Option<String>,
    /// Load only posts at or after this time (ISO 8601 or a date; UTC unless it says).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Load only posts before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

impl SliceArgs {
    pub fn slice(&self) -> Result<crate::load::slice::Slice> {
        let tp = crate::time::TimeParser::default();
        let time = |flag: &str, v: &Option<String>| -> Result<Option<i64>> {
            match v {
                None => Ok(None),
                Some(s) => tp
                    .parse(s)
                    .map(|p| Some(p.ms))
                    .with_context(|| format!("--{flag} {s:?} is not a time derail can read (try 2020-06-04 or 2020-06-04T12:00:00Z)")),
            }
        };
        Ok(crate::load::slice::Slice {
            hashtag: self
                .hashtag
                .as_ref()
                .map(|t| t.trim_start_matches('#').to_string())
                .filter(|t| !t.is_empty()),
            since: time("since", &self.since)?,
            until: time("until", &self.until)?,
        })
    }
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
            slice: self.slice.clone(),
            ..Default::default()
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse a dataset: tags, near-duplicates, coordination, clusters and takeover moments.
    Analyze(analyze::AnalyzeArgs),
    /// Export an annotated CSV with the hand labels (and who set them, and when).
    Export(export::ExportArgs),
    /// Label posts from a script: reads commands on stdin (`set POST LABEL`, `clear POST`,
    /// `undo`, `redo`, `list`, `queue NAME` (the queue later labels come from), `layer adjudicated` (label into a layer; `layer` alone goes back to your own), `quit`) and prints `saved` once each change is durable.
    Label(label::LabelArgs),
    /// Import labels from an annotated CSV into a dataset's label journal.
    ImportLabels(import_labels::ImportLabelsArgs),
    /// Generate a dataset, analyse it and score the result against the ground truth.
    Evaluate(evaluate::EvaluateArgs),
    /// Agreement between labellers: Cohen's kappa, Krippendorff's alpha, confusion matrices, disagreements.
    Agree(agree::AgreeArgs),
    /// Generate a seeded takeover dataset in a real format, with its ground truth beside it.
    Generate(generate::GenerateArgs),
    /// Draw a stratified random sample of a takeover moment's window to label by hand (the plan is journaled).
    Sample(sample::SampleArgs),
    /// Audit the findings against hand labels: precision, recall, F1 and the true takeover share per moment, with 95 % intervals.
    Audit(audit::AuditArgs),
    /// Write a sampling plan's posts, blind, as a CSV for a second coder.
    Packet(packet::PacketArgs),
    /// Show how a file is read: format, column roles, rows loaded and rejected, time range, authors, top hashtags.
    Inspect(inspect::InspectArgs),
}

/// Loads a file with a terminal progress bar.
pub fn load_with_bar(file: &std::path::Path, load: &LoadArgs) -> Result<Loaded> {
    load_many_with_bar(std::slice::from_ref(&file.to_path_buf()), load)
}

/// Loads several files, folders or globs as one dataset, with a terminal progress bar.
pub fn load_many_with_bar(files: &[PathBuf], load: &LoadArgs) -> Result<Loaded> {
    let opts = load.options()?;
    let progress = Progress::new();
    let bar = progress_bar::TerminalBar::start(&progress);
    let ds = crate::load::folder::load_paths(files, &opts, &progress);
    drop(bar);
    Ok(ds?)
}

/// Loads a file and analyses it, each with a terminal progress bar.
pub fn load_and_analyze(
    input: &std::path::Path,
    load: &LoadArgs,
    config: Option<&std::path::Path>,
) -> Result<(Loaded, crate::analysis::Analysis)> {
    let cfg = match config {
        Some(p) => crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?,
        None => crate::analysis::AnalysisConfig::default(),
    };
    let ds = load_with_bar(input, load)?;
    let progress = Progress::new();
    let bar = progress_bar::TerminalBar::start(&progress);
    let an = crate::analysis::analyze(&ds, &cfg, &progress);
    drop(bar);
    let an = an.map_err(|_| anyhow::anyhow!("analysis cancelled"))?;
    Ok((ds, an))
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
        Some(Command::Analyze(args)) => analyze::run(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Label(args)) => label::run(args),
        Some(Command::ImportLabels(args)) => import_labels::run(args),
        Some(Command::Evaluate(args)) => evaluate::run(args),
        Some(Command::Agree(args)) => agree::run(args),
        Some(Command::Generate(args)) => generate::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Sample(args)) => sample::run(args),
        Some(Command::Audit(args)) => audit::run(args),
        Some(Command::Packet(args)) => packet::run(args),
        #[cfg(feature = "gui")]
        None => crate::app::run(cli.file),
        #[cfg(not(feature = "gui"))]
        None => anyhow::bail!(
            "this derail was built without the desktop app (feature `gui`); \
             run a subcommand such as `derail inspect FILE`, or see `derail --help`"
        ),
    }
}
