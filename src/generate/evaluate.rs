//! Scores an analysis against a generated dataset's ground truth: onset error, takeover-post
//! F1, cluster purity, copypasta recall and false alarms.

use std::collections::HashMap;

use serde::Serialize;

use super::{GenPost, Truth, TruthRole};
use crate::analysis::Analysis;
use crate::model::Dataset;

#[derive(Debug, Clone, Serialize)]
pub struct TakeoverScore {
    pub hashtag: String,
    pub truth_onset: String,
    pub detected_onset: Option<String>,
    /// Minutes between detected and true onset.
    pub onset_error_minutes: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub posts: usize,
    pub takeovers: Vec<TakeoverScore>,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Share of clustered posts that belong to their cluster's majority template.
    pub cluster_purity: f64,
    /// Share of copypasta posts that sit in the near-duplicate group holding most of their copies.
    pub copypasta_recall: f64,
    /// Moments on hashtags the truth lists as background.
    pub background_alarms: Vec<String>,
    /// Moments on hashtags that are not a staged takeover.
    pub other_alarms: Vec<String>,
}

/// Evaluates `an` over `ds`, whose posts are the generated `posts` in the same order.
pub fn evaluate(
    ds: &Dataset,
    an: &Analysis,
    posts: &[GenPost],
    truth: &Truth,
) -> Result<Evaluation, String> {
    if ds.len() != posts.len() {
        return Err(format!(
            "the dataset has {} posts but {} were generated",
            ds.len(),
            posts.len()
        ));
    }
    let mut takeovers = Vec::new();
    for t in &truth.takeovers {
        let best = an
            .moments
            .iter()
            .filter(|m| m.hashtag == t.hashtag)
            .min_by_key(|m| (m.onset_ms - t.onset_ms).abs());
        takeovers.push(TakeoverScore {
            hashtag: t.hashtag.clone(),
            truth_onset: t.onset.clone(),
            detected_onset: best.map(|m| crate::time::format_iso(m.onset_ms)),
            onset_error_minutes: best.map(|m| (m.onset_ms - t.onset_ms).abs() as f64 / 60_000.0),
        });
    }
    let (mut tp, mut fp, mut fnn) = (0u64, 0u64, 0u64);
    for (i, p) in posts.iter().enumerate() {
        let truth_t = p.role == TruthRole::Takeover;
        let det = an.is_takeover(i);
        match (truth_t, det) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fnn += 1,
            _ => {}
        }
    }
    let precision = if tp + fp > 0 {
        tp as f64 / (tp + fp) as f64
    } else {
        0.0
    };
    let recall = if tp + fnn > 0 {
        tp as f64 / (tp + fnn) as f64
    } else {
        1.0
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };

    let mut per_cluster: HashMap<i32, HashMap<&str, u64>> = HashMap::new();
    for (i, p) in posts.iter().enumerate() {
        let c = an.cluster[i];
        if c >= 0 {
            *per_cluster
                .entry(c)
                .or_default()
                .entry(p.template.as_str())
                .or_default() += 1;
        }
    }
    let clustered: u64 = per_cluster.values().flat_map(|m| m.values()).sum();
    let majority: u64 = per_cluster
        .values()
        .map(|m| m.values().copied().max().unwrap_or(0))
        .sum();
    let cluster_purity = if clustered > 0 {
        majority as f64 / clustered as f64
    } else {
        0.0
    };

    let mut cp: HashMap<u32, HashMap<u32, u64>> = HashMap::new();
    for (i, p) in posts.iter().enumerate() {
        if let Some(g) = p.copypasta {
            *cp.entry(g).or_default().entry(an.dup_group[i]).or_default() += 1;
        }
    }
    let cp_total: u64 = cp.values().flat_map(|m| m.values()).sum();
    let cp_hit: u64 = cp
        .values()
        .map(|m| {
            m.iter()
                .filter(|(g, _)| **g != u32::MAX)
                .map(|(_, c)| *c)
                .max()
                .unwrap_or(0)
        })
        .sum();
    let copypasta_recall = if cp_total > 0 {
        cp_hit as f64 / cp_total as f64
    } else {
        1.0
    };

    let staged: Vec<&str> = truth.takeovers.iter().map(|t| t.hashtag.as_str()).collect();
    let background_alarms = an
        .moments
        .iter()
        .filter(|m| {
            truth.background_hashtags.contains(&m.hashtag)
                || truth.burst_hashtags.contains(&m.hashtag)
        })
        .map(|m| m.hashtag.clone())
        .collect();
    let other_alarms = an
        .moments
        .iter()
        .filter(|m| !staged.contains(&m.hashtag.as_str()))
        .map(|m| m.hashtag.clone())
        .collect();
    Ok(Evaluation {
        posts: ds.len(),
        takeovers,
        precision,
        recall,
        f1,
        cluster_purity,
        copypasta_recall,
        background_alarms,
        other_alarms,
    })
}
