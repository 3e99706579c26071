//! `derail export`: export an annotated CSV with the hand labels (and who set them, and when).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_with_bar, progress_bar};
use crate::progress::Progress;

#[derive(Args, Debug)]
pub struct ExportArgs {
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
}

pub fn run(args: ExportArgs) -> Result<()> {
    let ExportArgs {
        input,
        out,
        config,
        neutralize_formulas,
        only_labelled,
        load,
    } = args;
    let cfg = match &config {
        Some(p) => crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?,
        None => crate::analysis::AnalysisConfig::default(),
    };
    let ds = load_with_bar(&input, &load)?;
    let progress = Progress::new();
    let bar = progress_bar::TerminalBar::start(&progress);
    let an = crate::analysis::analyze(&ds, &cfg, &progress)
        .map_err(|_| anyhow::anyhow!("analysis cancelled"))?;
    drop(bar);
    let labels = crate::labels::Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?;
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
