//! `derail generate`: generate a seeded takeover dataset in a real format, with its ground truth beside it.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

#[derive(Args, Debug)]
pub struct GenerateArgs {
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
}

pub fn run(args: GenerateArgs) -> Result<()> {
    let GenerateArgs {
        scenario,
        posts,
        format,
        seed,
        days,
        out,
    } = args;
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
