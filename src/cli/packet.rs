//! `derail packet`: write a sampling plan's posts, in the plan's order and without any of
//! derail's verdicts, as a CSV a second coder opens in derail (which then labels blind)
//! or in a spreadsheet; `import-labels --coder NAME` brings their labels back.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::{LoadArgs, load_with_bar};
use crate::labels::Labels;

#[derive(Args, Debug)]
pub struct PacketArgs {
    input: PathBuf,
    /// The moment's hashtag whose latest sampling plan to write.
    #[arg(long)]
    hashtag: String,
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    load: LoadArgs,
}

pub fn run(args: PacketArgs) -> Result<()> {
    let ds = load_with_bar(&args.input, &args.load)?;
    let labels = Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?
        .unwrap_or_else(Labels::in_memory);
    let tag = args.hashtag.trim_start_matches('#').to_lowercase();
    let plan = labels.plan_for(&tag).with_context(|| {
        format!("no sampling plan for #{tag}; draw one with `derail sample INPUT --hashtag {tag}`")
    })?;
    let s = crate::audit::packet::write_packet(&ds, plan, &args.out).map_err(anyhow::Error::msg)?;
    let missing = s.missing;
    eprintln!(
        "wrote {} posts of plan {} to {}{}; open it in derail to label it (blind), export it, and bring it back with `derail import-labels INPUT FILE --coder NAME`",
        s.written,
        plan.id,
        args.out.display(),
        if missing > 0 {
            format!(" ({missing} posts of the plan are no longer in the dataset)")
        } else {
            String::new()
        }
    );
    Ok(())
}
