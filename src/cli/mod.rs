//! The command line: `derail [FILE]` opens the app; the subcommands run headless.

pub mod progress_bar;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::load::mapping::MapOverride;
use crate::load::{LoadOptions, load_path};
use crate::model::{Dataset, Format};
use crate::progress::Progress;
use crate::summary::Summary;
use crate::time::NaiveZone;

#[derive(Parser, Debug)]
#[command(name = "derail", version, about = "A lab for hashtag takeovers: load post datasets, find takeover moments, label and export.")]
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
    /// Force the input format instead of detecting it (csv, twarc2, twarc2_flat, v1, v1_search, snscrape, bluesky, mastodon).
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
        Some(Command::Inspect { file, json, top, load }) => {
            let ds = load_with_bar(&file, &load)?;
            let summary = Summary::of(&ds, top);
            if json {
                let mut v = serde_json::to_value(&summary)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("peak_rss_bytes".into(), serde_json::json!(peak_rss_bytes()));
                    o.insert("dataset_heap_bytes".into(), serde_json::json!(ds.heap_bytes()));
                }
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", summary.to_text());
                if let Some(rss) = peak_rss_bytes() {
                    println!("Peak memory  {} MB", rss >> 20);
                }
            }
            Ok(())
        }
        None => {
            if let Some(f) = cli.file {
                bail!("the app is not built into this binary yet; use `derail inspect {}`", f.display());
            }
            bail!("no command given; see `derail --help`")
        }
    }
}
