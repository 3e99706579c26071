//! `derail sample`: draw a stratified random sample of a takeover moment's window for
//! hand labelling; the plan is journaled with the labels and the queue printed.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::{LoadArgs, load_and_analyze};
use crate::audit::plan::{PlanRequest, Strata, draw};
use crate::labels::{Labels, now_ms};

#[derive(Args, Debug)]
pub struct SampleArgs {
    input: PathBuf,
    /// The moment's hashtag (with or without #).
    #[arg(long)]
    hashtag: String,
    /// The 95 % interval half-width wanted for a share in each stratum (0.1 = ±10 points).
    #[arg(long, default_value_t = 0.1)]
    half_width: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Split each verdict by cluster too.
    #[arg(long)]
    by_cluster: bool,
    /// Require blind labelling of the sample (derail's verdicts hidden in the app).
    #[arg(long)]
    blind: bool,
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print, instead of drawing a plan, the moment's posts closest to derail's decision,
    /// closest first (label them after `queue uncertain` in `derail label`; the audit
    /// leaves them out of its estimates).
    #[arg(long)]
    uncertain: bool,
    /// Print the plan as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    load: LoadArgs,
}

pub fn run(args: SampleArgs) -> Result<()> {
    if !(args.half_width > 0.0 && args.half_width <= 0.5) {
        anyhow::bail!(
            "--half-width must be above 0 and at most 0.5 (got {})",
            args.half_width
        );
    }
    let (ds, an) = load_and_analyze(&args.input, &args.load, args.config.as_deref())?;
    if args.uncertain {
        let tag = args.hashtag.trim_start_matches('#').to_lowercase();
        let k = an
            .moments
            .iter()
            .position(|m| m.hashtag == tag)
            .with_context(|| format!("no takeover moment on #{tag}"))?;
        let line = an.config.takeover.foreign_below;
        for i in crate::audit::uncertain_order(&ds, &an, k) {
            println!(
                "{}\t{:.3}",
                ds.post_key(i as usize),
                an.familiarity[i as usize] - line
            );
        }
        return Ok(());
    }
    let mut labels = Labels::open(&ds.source.path, &ds.source.fingerprint)?;
    for w in &labels.warnings {
        eprintln!("derail: warning: {w}");
    }
    let request = PlanRequest {
        hashtag: args.hashtag.clone(),
        half_width: args.half_width,
        seed: args.seed,
        strata: if args.by_cluster {
            Strata::VerdictAndCluster
        } else {
            Strata::Verdict
        },
        blind: args.blind,
    };
    let plan = draw(&ds, &an, &request, &labels.user, now_ms()).with_context(|| {
        let tags: Vec<String> = an
            .moments
            .iter()
            .map(|m| format!("#{}", m.display))
            .collect();
        format!(
            "no takeover moment on #{}; moments found: {}",
            args.hashtag.trim_start_matches('#'),
            if tags.is_empty() {
                "none".to_string()
            } else {
                tags.join(", ")
            }
        )
    })?;
    labels.add_plan(plan.clone())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        println!(
            "plan {}: {} posts drawn from {} in the window {} – {}; journal {}",
            plan.id,
            plan.size(),
            plan.strata.iter().map(|s| s.population).sum::<u64>(),
            crate::time::format_iso(plan.from_ms),
            crate::time::format_iso(plan.to_ms),
            labels
                .journal_path()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        for s in &plan.strata {
            println!(
                "  {:<40} {:>7} posts, {:>5} drawn",
                s.name,
                s.population,
                s.sample.len()
            );
        }
        println!("queue (label these in order):");
        for k in &plan.order {
            println!("{k}");
        }
    }
    Ok(())
}
