//! `derail inspect`: show how a file is read: format, column roles, rows loaded and rejected, time range, authors, top hashtags.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_many_with_bar, peak_rss_bytes};
use crate::summary::Summary;

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The input: a file, a folder, a quoted glob, or several of them (read as one
    /// dataset, in the order given).
    #[arg(required = true, num_args = 1..)]
    file: Vec<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// How many top hashtags to list.
    #[arg(long, default_value_t = 20)]
    top: usize,
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    slice: super::SliceArgs,
}

pub fn run(args: InspectArgs) -> Result<()> {
    let InspectArgs {
        file,
        json,
        top,
        mut load,
        slice,
    } = args;
    load.slice = slice.slice()?;
    let ds = load_many_with_bar(&file, &load)?;
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
