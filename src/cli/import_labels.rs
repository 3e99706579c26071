//! `derail import-labels`: import labels from an annotated CSV into a dataset's label journal.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_with_bar};

#[derive(Args, Debug)]
pub struct ImportLabelsArgs {
    input: PathBuf,
    annotated: PathBuf,
    /// Import them as another coder's labels (layer `coder:NAME`), to compare and
    /// adjudicate, instead of into your own.
    #[arg(long, value_name = "NAME")]
    coder: Option<String>,
    #[command(flatten)]
    load: LoadArgs,
}

pub fn run(args: ImportLabelsArgs) -> Result<()> {
    let ImportLabelsArgs {
        input,
        annotated,
        coder,
        load,
    } = args;
    let ds = load_with_bar(&input, &load)?;
    let mut labels = crate::labels::Labels::open(&ds.source.path, &ds.source.fingerprint)?;
    let s = match &coder {
        Some(name) => labels.import_coder(&ds, &annotated, name)?,
        None => labels.import_annotated(&ds, &annotated)?,
    };
    eprintln!(
        "imported {} labels into {}, matched on {}; {} labelled rows matched no post",
        s.labelled,
        labels
            .journal_path()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        s.key.describe(),
        s.unmatched
    );
    Ok(())
}
