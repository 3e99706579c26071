//! `derail analyze`: analyse a dataset: tags, near-duplicates, coordination, clusters and takeover moments.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_many_with_bar, peak_rss_bytes, progress_bar, write_atomic};
use crate::progress::Progress;

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// The input: a file, a folder, a quoted glob, or several of them (read as one
    /// dataset, in the order given).
    #[arg(required = true, num_args = 1..)]
    input: Vec<PathBuf>,
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
    #[command(flatten)]
    slice: super::SliceArgs,
}

pub fn run(args: AnalyzeArgs) -> Result<()> {
    let AnalyzeArgs {
        input,
        config,
        out,
        report,
        timings,
        taggers,
        mut load,
        slice,
    } = args;
    load.slice = slice.slice()?;
    let total = std::time::Instant::now();
    let mut cfg = match &config {
        Some(p) => crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?,
        None => crate::analysis::AnalysisConfig::default(),
    };
    cfg.tags.taggers_dirs.extend(taggers);
    let t = std::time::Instant::now();
    let ds = load_many_with_bar(&input, &load)?;
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let progress = Progress::new();
    let bar = progress_bar::TerminalBar::start(&progress);
    let an = crate::analysis::analyze(&ds, &cfg, &progress);
    drop(bar);
    let an = an.map_err(|_| anyhow::anyhow!("analysis cancelled"))?;
    let labels = crate::labels::Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?;
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
