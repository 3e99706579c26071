//! Scores an analysis against a generated dataset's ground truth: onset error, takeover-post
//! F1, cluster purity and adjusted Rand index against the templates, copypasta recall and
//! false alarms.

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
    /// Adjusted Rand index of the clusters against the templates (a post without a cluster
    /// is a cluster of its own): purity rewards splitting, this does not.
    pub cluster_ari: f64,
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
    let (precision, recall, f1) = takeover_post_scores(an, posts);
    let template_ids: Vec<&str> = posts.iter().map(|p| p.template.as_str()).collect();
    let (background_alarms, other_alarms) = alarms(an, truth);
    Ok(Evaluation {
        posts: ds.len(),
        takeovers: onset_scores(an, truth),
        precision,
        recall,
        f1,
        cluster_purity: cluster_purity(an, posts),
        cluster_ari: adjusted_rand(&template_ids, &an.cluster),
        copypasta_recall: copypasta_recall(an, posts),
        background_alarms,
        other_alarms,
    })
}

/// Each staged takeover's onset against the nearest detected moment on its tag.
fn onset_scores(an: &Analysis, truth: &Truth) -> Vec<TakeoverScore> {
    truth
        .takeovers
        .iter()
        .map(|t| {
            let best = an
                .moments
                .iter()
                .filter(|m| m.hashtag == t.hashtag)
                .min_by_key(|m| (m.onset_ms - t.onset_ms).abs());
            TakeoverScore {
                hashtag: t.hashtag.clone(),
                truth_onset: t.onset.clone(),
                detected_onset: best.map(|m| crate::time::format_iso(m.onset_ms)),
                onset_error_minutes: best
                    .map(|m| (m.onset_ms - t.onset_ms).abs() as f64 / 60_000.0),
            }
        })
        .collect()
}

/// Precision, recall and F1 of the posts marked takeover against the staged ones.
fn takeover_post_scores(an: &Analysis, posts: &[GenPost]) -> (f64, f64, f64) {
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
    (precision, recall, f1)
}

/// The share of clustered posts in their cluster's majority template.
fn cluster_purity(an: &Analysis, posts: &[GenPost]) -> f64 {
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
    if clustered > 0 {
        majority as f64 / clustered as f64
    } else {
        0.0
    }
}

/// The share of copypasta posts in the near-duplicate group holding most of their copies.
fn copypasta_recall(an: &Analysis, posts: &[GenPost]) -> f64 {
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
    if cp_total > 0 {
        cp_hit as f64 / cp_total as f64
    } else {
        1.0
    }
}

/// Moments on background (or burst) tags, and moments on any tag not staged.
fn alarms(an: &Analysis, truth: &Truth) -> (Vec<String>, Vec<String>) {
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
    (background_alarms, other_alarms)
}

/// The adjusted Rand index of `found` against `truth` (Hubert and Arabie); a negative
/// cluster id stands for a post alone.
fn adjusted_rand(truth: &[&str], found: &[i32]) -> f64 {
    let pairs = |n: u64| (n * n.saturating_sub(1) / 2) as f64;
    let mut cells: HashMap<(&str, i64), u64> = HashMap::new();
    let mut rows: HashMap<&str, u64> = HashMap::new();
    let mut columns: HashMap<i64, u64> = HashMap::new();
    for (i, (&t, &c)) in truth.iter().zip(found).enumerate() {
        let c = if c >= 0 { c as i64 } else { -1 - i as i64 };
        *cells.entry((t, c)).or_default() += 1;
        *rows.entry(t).or_default() += 1;
        *columns.entry(c).or_default() += 1;
    }
    let index: f64 = cells.values().map(|&n| pairs(n)).sum();
    let sum_rows: f64 = rows.values().map(|&n| pairs(n)).sum();
    let sum_columns: f64 = columns.values().map(|&n| pairs(n)).sum();
    let all = pairs(truth.len() as u64);
    if all == 0.0 {
        return 1.0;
    }
    let expected = sum_rows * sum_columns / all;
    let top = (sum_rows + sum_columns) / 2.0;
    if top == expected {
        return 1.0;
    }
    (index - expected) / (top - expected)
}

#[cfg(test)]
mod tests {
    use super::adjusted_rand;

    #[test]
    fn adjusted_rand_is_one_for_the_same_partition_and_near_zero_for_one_cluster() {
        let truth = ["a", "a", "b", "b", "c", "c"];
        assert!((adjusted_rand(&truth, &[5, 5, 1, 1, 2, 2]) - 1.0).abs() < 1e-9);
        assert!(adjusted_rand(&truth, &[0, 0, 0, 0, 0, 0]).abs() < 1e-9);
        // Every post alone: no pair is right.
        assert!(adjusted_rand(&truth, &[-1; 6]) <= 0.0);
        let half = adjusted_rand(&truth, &[0, 1, 2, 2, 3, 3]);
        assert!(half > 0.3 && half < 1.0, "{half}");
    }
}
