//! `derail audit`: derail's precision, recall and F1 per takeover moment, and the window's
//! true takeover share, each with a 95 % interval, from the hand labels.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_and_analyze};
use crate::audit::{CoderAgreement, MomentAudit, audit, to_json};
use crate::labels::Labels;
use crate::model::Dataset;

#[derive(Args, Debug)]
pub struct AuditArgs {
    input: PathBuf,
    /// Annotated CSVs whose labels to audit instead of the dataset's journal; they count as
    /// a simple random sample of the posts they label.
    #[arg(long)]
    labels: Vec<PathBuf>,
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    load: LoadArgs,
}

pub fn run(args: AuditArgs) -> Result<()> {
    let (ds, an) = load_and_analyze(&args.input, &args.load, args.config.as_deref())?;
    let labels = if args.labels.is_empty() {
        Labels::read_existing(&ds.source.path, &ds.source.fingerprint)?
            .unwrap_or_else(Labels::in_memory)
    } else {
        imported_labels(&ds, &args.labels)?
    };
    for w in &labels.warnings {
        eprintln!("derail: warning: {w}");
    }
    let audits = audit(&ds, &an, &labels);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&audits))?);
        return Ok(());
    }
    if audits.is_empty() {
        println!("no takeover moments to audit");
    }
    for a in &audits {
        print_audit(a);
    }
    Ok(())
}

/// The labels of annotated CSVs, counted as a simple random sample of the posts they label.
fn imported_labels(ds: &Dataset, files: &[PathBuf]) -> Result<Labels> {
    let mut l = Labels::in_memory();
    l.queue = Some("import".into());
    for f in files {
        let s = l.import_annotated(ds, f)?;
        eprintln!(
            "{}: {} labels, matched on {} ({} rows matched no post)",
            f.display(),
            s.labelled,
            s.key.describe(),
            s.unmatched
        );
    }
    Ok(l)
}

/// One moment's audit: its window, design and strata, figures with intervals, where the
/// labels came from and what was left out, and the second coders.
fn print_audit(a: &MomentAudit) {
    println!(
        "#{} {} – {}: {} posts in the window",
        a.display,
        crate::time::format_iso(a.from_ms),
        crate::time::format_iso(a.to_ms),
        a.window_posts
    );
    println!(
        "  design: {}{}",
        a.design,
        if a.blind { ", blind" } else { "" }
    );
    for s in &a.strata {
        println!(
            "    {:<40} {:>7} posts, {:>5} drawn, {:>5} labelled",
            s.name, s.population, s.drawn, s.labelled
        );
    }
    let f = &a.figures;
    println!("  labels counted: {}", f.n);
    println!("  takeover precision  {}", f.precision.describe());
    println!("  takeover recall     {}", f.recall.describe());
    println!("  takeover F1         {}", f.f1.describe());
    println!(
        "  takeover share      {}   derail's share {:.2}",
        f.share.describe(),
        a.derail_share
    );
    println!(
        "  counter-speech precision {}",
        f.counter_speech_precision.describe()
    );
    println!(
        "  counter-speech recall    {}",
        f.counter_speech_recall.describe()
    );
    for (q, n) in &a.labels_by_queue {
        println!("  labels from {q}: {n}");
    }
    for (why, n) in &a.not_counted {
        println!("  not counted, {why}: {n}");
    }
    for c in &a.coders {
        print_coder(c);
    }
}

/// A second coder's agreement with the user's labels, overall and per label, and the
/// disagreements not yet adjudicated (the first 20).
fn print_coder(c: &CoderAgreement) {
    let kappa = c
        .kappa
        .map(|k| format!("{k:.3}"))
        .unwrap_or_else(|| "undefined".into());
    println!(
        "  coder {}: {} posts labelled by both, agreement {:.3}, Cohen's kappa {kappa}",
        c.coder, c.common, c.agreement
    );
    for (label, k) in &c.per_label {
        let k = k
            .map(|k| format!("{k:.3}"))
            .unwrap_or_else(|| "undefined".into());
        println!("    {label}: kappa {k}");
    }
    let open: Vec<_> = c
        .disagreements
        .iter()
        .filter(|d| d.adjudicated.is_none())
        .collect();
    println!(
        "    {} disagreements, {} not adjudicated yet",
        c.disagreements.len(),
        open.len()
    );
    for d in open.iter().take(20) {
        println!("      {}: own {} / {} {}", d.post, d.own, c.coder, d.coder);
    }
}
