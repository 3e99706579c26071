//! Sampling plans: a stratified random sample of one moment's window, drawn from a seed,
//! sized from the interval the user asks for, and served in random order. A plan is
//! journaled with the labels, so a restarted session goes on with the same sample.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, TakeoverMoment, bit};
use crate::model::Dataset;

/// How the window is split before drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Strata {
    /// derail's verdict: marked takeover, counter-speech, not marked.
    #[default]
    Verdict,
    /// derail's verdict and cluster: each (verdict, cluster) pair is a stratum.
    VerdictAndCluster,
}

/// What the user asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// The moment's hashtag (lower case, without `#`).
    pub hashtag: String,
    /// The 95 % interval half-width wanted for a share within each stratum (0.1 = ±10
    /// points); the sample size follows from it.
    pub half_width: f64,
    pub seed: u64,
    pub strata: Strata,
    /// Hide derail's verdicts while this sample is labelled.
    pub blind: bool,
}

/// One stratum of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStratum {
    pub name: String,
    /// Posts of the window in the stratum.
    pub population: u64,
    /// Whether derail marked this stratum's posts takeover / counter-speech.
    pub derail_takeover: bool,
    pub derail_counter_speech: bool,
    /// The drawn posts (post keys).
    pub sample: Vec<String>,
}

/// A drawn sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplePlan {
    /// `HASHTAG-SEED`: names the plan in the journal and in labels' queue.
    pub id: String,
    pub request: PlanRequest,
    /// The audited window: posts carrying the tag from `from_ms` to `to_ms`, inclusive.
    pub from_ms: i64,
    pub to_ms: i64,
    pub strata: Vec<PlanStratum>,
    /// Every drawn post in the order the queue serves them (random, from the seed).
    pub order: Vec<String>,
    pub created_ms: i64,
    pub by: String,
}

impl SamplePlan {
    pub fn size(&self) -> usize {
        self.order.len()
    }

    /// The stratum a post was drawn in.
    pub fn stratum_of(&self, post_key: &str) -> Option<usize> {
        self.strata
            .iter()
            .position(|s| s.sample.iter().any(|p| p == post_key))
    }

    /// The queue name labels made from this plan carry.
    pub fn queue_name(&self) -> String {
        format!("sample:{}", self.id)
    }
}

/// The sample size for a share within ±`half_width` at 95 % in a stratum of `population`
/// posts, at the worst case p = ½, with the finite-population correction:
/// n₀ = z²·¼ / h², n = n₀ / (1 + (n₀ − 1) / N).
pub fn sample_size(population: u64, half_width: f64) -> u64 {
    if population == 0 {
        return 0;
    }
    let h = half_width.clamp(0.005, 0.5);
    let z = 1.959_963_984_540_054_f64;
    let n0 = z * z * 0.25 / (h * h);
    let n = n0 / (1.0 + (n0 - 1.0) / population as f64);
    (n.ceil() as u64).clamp(1, population)
}

/// The posts of a moment's audited window: those carrying its tag from the earlier of
/// its onset and the first marked post to the later of its end and the last marked post,
/// selected by the same query engine as the app's filter.
pub fn window_posts(ds: &Dataset, m: &TakeoverMoment) -> (i64, i64, Vec<u32>) {
    let from = m.onset_ms.min(m.marked_from_ms);
    let to = m.end_ms.max(m.marked_to_ms);
    let filter = crate::query::Filter {
        hashtag: Some(m.hashtag_index),
        time: Some((from, to)),
        ..Default::default()
    };
    let mut posts =
        crate::query::compute_rows(ds, None, &[], &filter, Default::default()).unwrap_or_default();
    posts.sort_unstable();
    (from, to, posts)
}

/// derail's verdict on a post, as a stratum name.
pub fn verdict_name(an: &Analysis, i: usize) -> &'static str {
    if an.is_takeover(i) {
        "marked takeover"
    } else if an.has(i, bit::COUNTER_SPEECH) {
        "counter-speech"
    } else {
        "not marked"
    }
}

/// Draws a plan for the moment of `request.hashtag`; `None` when no moment has that tag.
pub fn draw(
    ds: &Dataset,
    an: &Analysis,
    request: &PlanRequest,
    by: &str,
    now_ms: i64,
) -> Option<SamplePlan> {
    let tag = request.hashtag.trim_start_matches('#').to_lowercase();
    let m = an.moments.iter().find(|m| m.hashtag == tag)?;
    let (from_ms, to_ms, posts) = window_posts(ds, m);
    let mut groups: std::collections::BTreeMap<(u8, i32), Vec<u32>> = Default::default();
    for &i in &posts {
        let v = match verdict_name(an, i as usize) {
            "marked takeover" => 0,
            "counter-speech" => 1,
            _ => 2,
        };
        let cluster = match request.strata {
            Strata::Verdict => 0,
            Strata::VerdictAndCluster => an.cluster[i as usize],
        };
        groups.entry((v, cluster)).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(request.seed);
    let mut strata = Vec::new();
    for ((v, cluster), mut members) in groups {
        let n = sample_size(members.len() as u64, request.half_width) as usize;
        // Posts by time, then key, then shuffled from the seed: the same posts and seed draw
        // the same sample whatever the file's layout or order.
        members.sort_by_key(|&i| (ds.created_at[i as usize], ds.post_key(i as usize)));
        members.shuffle(&mut rng);
        let verdict = ["marked takeover", "counter-speech", "not marked"][v as usize];
        let name = match request.strata {
            Strata::Verdict => verdict.to_string(),
            Strata::VerdictAndCluster => format!("{verdict}, cluster {cluster}"),
        };
        strata.push(PlanStratum {
            name,
            population: members.len() as u64,
            derail_takeover: v == 0,
            derail_counter_speech: v == 1,
            sample: members[..n]
                .iter()
                .map(|&i| ds.post_key(i as usize))
                .collect(),
        });
    }
    let mut order: Vec<String> = strata.iter().flat_map(|s| s.sample.clone()).collect();
    order.shuffle(&mut rng);
    Some(SamplePlan {
        id: format!("{tag}-{}", request.seed),
        request: PlanRequest {
            hashtag: tag,
            ..request.clone()
        },
        from_ms,
        to_ms,
        strata,
        order,
        created_ms: now_ms,
        by: by.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n₀ = 1.96² / (4 · 0.1²) = 96.04; N = 1000: 96.04 / (1 + 95.04/1000) = 87.7 → 88.
    #[test]
    fn sample_sizes_by_hand() {
        assert_eq!(sample_size(1000, 0.1), 88);
        assert_eq!(sample_size(1_000_000, 0.1), 97);
        // N = 20: 96.04 / (1 + 95.04/20) = 16.7 → 17.
        assert_eq!(sample_size(20, 0.1), 17);
        assert_eq!(sample_size(0, 0.1), 0);
        assert_eq!(sample_size(5, 0.5), 3);
    }
}
