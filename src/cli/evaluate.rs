//! `derail evaluate`: generate a dataset, analyse it and score the result against the ground truth.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::load::load_path;
use crate::progress::Progress;

#[derive(Args, Debug)]
pub struct EvaluateArgs {
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
}

pub fn run(args: EvaluateArgs) -> Result<()> {
    let EvaluateArgs {
        scenario,
        posts,
        format,
        seed,
        config,
    } = args;
    use crate::generate::{GenConfig, Scenario, evaluate::evaluate, generate, writers};
    let scenario =
        Scenario::from_name(&scenario).with_context(|| format!("unknown scenario {scenario:?}"))?;
    let fmt = writers::OutFormat::from_name(&format)
        .with_context(|| format!("unknown format {format:?}"))?;
    let cfg = match &config {
        Some(p) => crate::analysis::AnalysisConfig::from_file(p).map_err(anyhow::Error::msg)?,
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
