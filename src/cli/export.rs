//! `derail export`: export an annotated CSV with the hand labels (and who set them, and when).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_many_with_bar, progress_bar};
use crate::progress::Progress;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The input: a file, a folder, a quoted glob, or several of them (read as one
    /// dataset, in the order given).
    #[arg(required = true, num_args = 1..)]
    input: Vec<PathBuf>,
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
    /// Only the posts a query selects, as in the app's filter: `hashtag:TAG`, `from:TIME`,
    /// `to:TIME`, `cluster:N`, `dup:N`, `tag:NAME`, `label:NAME|none|any`, `author:HANDLE`,
    /// `moment:N`, `/REGEX/`, or text to search for.
    #[arg(long = "where", value_name = "QUERY")]
    where_: Option<String>,
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    slice: super::SliceArgs,
}

pub fn run(args: ExportArgs) -> Result<()> {
    let ExportArgs {
        input,
        out,
        config,
        neutralize_formulas,
        only_labelled,
        where_,
        mut load,
        slice,
    } = args;
    load.slice = slice.slice()?;
    let cfg = match &config {
        Some(p) => crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?,
        None => crate::analysis::AnalysisConfig::default(),
    };
    let ds = load_many_with_bar(&input, &load)?;
    let progress = Progress::new();
    let bar = progress_bar::TerminalBar::start(&progress);
    let an = crate::analysis::analyze(&ds, &cfg, &progress)
        .map_err(|_| anyhow::anyhow!("analysis cancelled"))?;
    drop(bar);
    let labels = crate::labels::Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?;
    let empty = crate::labels::Labels::in_memory();
    let l = labels.as_ref().unwrap_or(&empty);
    let mut filter = match &where_ {
        Some(q) => {
            crate::query::parse::parse_query(q, &ds, Some(&an), l).map_err(anyhow::Error::msg)?
        }
        None => crate::query::Filter::default(),
    };
    if only_labelled {
        filter.label = Some(crate::query::LabelFilter::Labelled);
    }
    let only = if filter.is_empty() {
        None
    } else {
        let column = crate::query::label_column(&ds, l);
        let mut rows = crate::query::compute_rows(
            &ds,
            Some(&an),
            &column,
            &filter,
            crate::query::Sort::default(),
        )
        .map_err(anyhow::Error::msg)?;
        rows.sort_unstable();
        Some(rows)
    };
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
