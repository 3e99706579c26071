//! What a moment looks like once it is found: the topic clusters, terms, lexicons,
//! near-duplicate and coordination shares of its takeover posts, its burst over the
//! baseline, whether its crowd came from outside, and its score. Nothing here decides
//! whether a moment exists.

use rustc_hash::FxHashMap;

use super::DetectorInput;
use super::evidence::Baseline;

/// Cosine similarity of two sparse count vectors.
pub fn cosine(a: &FxHashMap<u32, f32>, b: &FxHashMap<u32, f32>) -> f32 {
    let na: f32 = a.values().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.values().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let d: f32 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    d / (na * nb)
}

/// Deterministic sample of distinct values, at most `cap`.
pub fn sample_distinct(mut v: Vec<u32>, cap: usize) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    if v.len() > cap {
        let step = v.len() as f64 / cap as f64;
        v = (0..cap).map(|k| v[(k as f64 * step) as usize]).collect();
    }
    v
}

/// The two crowds of a moment, sampled: the baseline's authors and the newcomers who
/// posted its takeover posts, with the time before which their other hashtags count.
#[derive(Debug, Clone, Default)]
pub struct Crowd {
    pub baseline: Vec<u32>,
    pub newcomers: Vec<u32>,
    pub before: i64,
}

/// How alike the newcomers' other hashtags are to the baseline crowd's (leaving out
/// `skip`): near 1 means the tag's own neighbourhood arrived, near 0 an outside crowd.
pub fn crowd_similarity(
    inp: &DetectorInput,
    crowd: &Crowd,
    skip: &rustc_hash::FxHashSet<u32>,
) -> f32 {
    let mut p_base = inp.hashtag_profile(&crowd.baseline, skip, crowd.before);
    let mut p_new = inp.hashtag_profile(&crowd.newcomers, skip, crowd.before);
    // The newcomers' profile says who they are only when a fair share of them used any
    // other hashtag: two accounts in three thousand do not make a crowd the tag's own,
    // however alike their tags are.
    p_base.remove(&super::NO_OTHER_HASHTAG);
    let none = p_new.remove(&super::NO_OTHER_HASHTAG).unwrap_or(0.0);
    let coverage = 1.0 - none / crowd.newcomers.len().max(1) as f32;
    if coverage < MIN_PROFILED_NEWCOMERS {
        return 0.0;
    }
    cosine(&p_base, &p_new)
}

/// The share of newcomers with other hashtags below which their crowd is unknown.
const MIN_PROFILED_NEWCOMERS: f32 = 0.1;

/// How alike the content of `posts` is to the baseline's: the cosine similarity of the
/// two word profiles (in how many posts of each every word, emoji and other hashtag
/// occurs; stop words and `left_out`, the tag itself and the words of its name, left out).
/// A flood about something else is near 0; newcomers talking about the tag's own subject
/// in their own words share a good part of its vocabulary. The name's words are judged
/// apart (`on_topic`): a brand's name fills its tag's baseline, and a flood that borrows
/// it ("Kestrel users: verify your account") is not talking of the brand's subject.
pub fn topic_similarity(
    inp: &DetectorInput,
    base: &Baseline,
    posts: &[u32],
    left_out: &[u32],
) -> f32 {
    let stops = crate::analysis::tokens::stop_hashes();
    let profile = |ps: &[u32]| {
        let mut m: FxHashMap<u32, f32> = FxHashMap::default();
        for &i in ps {
            for &t in inp.tokens(i as usize) {
                if !left_out.contains(&t) && !stops.contains(&t) {
                    *m.entry(t).or_default() += 1.0;
                }
            }
        }
        m
    };
    cosine(&profile(posts), &profile(&base.posts))
}

/// Share of `posts` for which `f` holds.
pub fn share_of(posts: &[u32], f: impl Fn(u32) -> bool) -> f32 {
    if posts.is_empty() {
        return 0.0;
    }
    posts.iter().filter(|&&i| f(i)).count() as f32 / posts.len() as f32
}

/// The clusters of the takeover posts, largest first, with their share of them.
pub fn cluster_shares(inp: &DetectorInput, posts: &[u32]) -> Vec<(i32, f32)> {
    let mut cl: FxHashMap<i32, u32> = FxHashMap::default();
    for &i in posts {
        *cl.entry(inp.cluster[i as usize]).or_default() += 1;
    }
    let mut clusters: Vec<(i32, f32)> = cl
        .into_iter()
        .map(|(c, k)| (c, k as f32 / posts.len().max(1) as f32))
        .collect();
    clusters.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    clusters.truncate(5);
    clusters
}

/// Share of the takeover posts carrying each lexicon tag, largest first.
pub fn lexicon_shares(inp: &DetectorInput, posts: &[u32]) -> Vec<(String, f32)> {
    let mut lexicons: Vec<(String, f32)> = inp
        .lexicon_names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let s = share_of(posts, |i| inp.lexicon_bits[i as usize] >> k & 1 == 1);
            (name.clone(), s)
        })
        .filter(|(_, s)| *s > 0.0)
        .collect();
    lexicons.sort_by(|a, b| b.1.total_cmp(&a.1));
    lexicons
}

/// Token hashes most over-represented in the takeover posts against the baseline.
pub fn top_terms(inp: &DetectorInput, base: &Baseline, posts: &[u32], tag: &str) -> Vec<u32> {
    let mut tc_df: FxHashMap<u32, u32> = FxHashMap::default();
    for &i in posts {
        for &t in inp.tokens(i as usize) {
            *tc_df.entry(t).or_default() += 1;
        }
    }
    let mut base_df: FxHashMap<u32, u32> = FxHashMap::default();
    for &i in &base.posts {
        for &t in inp.tokens(i as usize) {
            if tc_df.contains_key(&t) {
                *base_df.entry(t).or_default() += 1;
            }
        }
    }
    let own = crate::analysis::tokens::token_hash(&format!("#{tag}"));
    let stops = crate::analysis::tokens::stop_hashes();
    let ntc = posts.len() as f32;
    let nb = base.n as f32;
    let mut terms: Vec<(f32, u32)> = tc_df
        .iter()
        .filter(|&(&t, &c)| c >= 3 && t != own && !stops.contains(&t))
        .map(|(&t, &c)| {
            let lift =
                (c as f32 / ntc) / ((*base_df.get(&t).unwrap_or(&0) as f32 + 1.0) / (nb + 1.0));
            (lift * (c as f32).ln_1p(), t)
        })
        .collect();
    terms.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    terms.iter().take(10).map(|&(_, t)| t).collect()
}

/// The moment's score, 0..100: how far its share is past the threshold, how new its
/// crowd, how many posts it holds, and how bursty or uniform it is.
pub struct ScoreInputs {
    pub share: f32,
    pub threshold: f32,
    pub newcomer_share: f32,
    pub takeover_posts: usize,
    pub burst_factor: f32,
    pub uniformity: f32,
}

pub fn score(s: &ScoreInputs) -> f32 {
    let s1 = ((s.share - s.threshold) / (1.0 - s.threshold)).clamp(0.0, 1.0);
    let s3 = ((s.takeover_posts as f32).log10() / 3.0).clamp(0.0, 1.0);
    let s4 = (s.burst_factor.max(1.0).log2() / 4.0).clamp(0.0, 1.0);
    let v = 100.0
        * (0.35 + 0.65 * s1)
        * (0.5 + 0.5 * s.newcomer_share)
        * (0.5 + 0.5 * s3)
        * (0.7 + 0.3 * s4.max(s.uniformity));
    (v * 10.0).round() / 10.0
}
