//! A hashtag's posts in time bins: the bin width picked from the tag's volume, each bin's
//! posts judged against the tag's baseline, and the bins outside a wave fed to the
//! baseline.

use rustc_hash::FxHashMap;

use super::evidence::{Baseline, Judge};
use super::{HOUR, MIN, TakeoverConfig};

const LADDER_MIN: [i64; 12] = [5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440, 10080];

/// Picks a bin width for a tag from its typical (median hourly) volume.
pub fn bin_width(times: &[i64], cfg: &TakeoverConfig) -> i64 {
    if let Some(m) = cfg.bin_minutes {
        return (m.max(1) as i64) * MIN;
    }
    let n = times.len();
    if n < 2 {
        return 60 * MIN;
    }
    let lo = times[n / 50];
    let hi = times[n - 1 - n / 50];
    let hours = ((hi - lo) as f64 / HOUR as f64).max(1.0 / 12.0);
    let mut hourly: FxHashMap<i64, u32> = FxHashMap::default();
    for &t in &times[n / 50..n - n / 50] {
        *hourly.entry(t.div_euclid(HOUR)).or_default() += 1;
    }
    let total_hours = hours.ceil() as usize;
    let mut counts: Vec<u32> = hourly.values().copied().collect();
    counts.resize(total_hours.max(counts.len()), 0);
    counts.sort_unstable();
    let median = counts[counts.len() / 2] as f64;
    let mean = (n as f64) / hours;
    let rate = if median > 0.0 { median } else { mean / 2.0 }.max(1e-6);
    let want_min = 8.0 / rate * 60.0;
    let w = LADDER_MIN
        .iter()
        .copied()
        .find(|&m| m as f64 >= want_min)
        .unwrap_or(10080);
    w * MIN
}

/// One hashtag's posts, in time order, with its bins.
pub(super) struct TagPosts<'p> {
    pub posts: &'p [u32],
    pub times: Vec<i64>,
    /// Non-empty bins: (start, first post, end post).
    pub bins: Vec<(i64, usize, usize)>,
    pub w: i64,
}

impl<'p> TagPosts<'p> {
    /// `times` are the posts' times.
    pub fn new(posts: &'p [u32], times: Vec<i64>, w: i64) -> TagPosts<'p> {
        let mut bins = Vec::new();
        let mut s = 0;
        while s < posts.len() {
            let b = times[s].div_euclid(w);
            let mut e = s;
            while e < posts.len() && times[e].div_euclid(w) == b {
                e += 1;
            }
            bins.push((b * w, s, e));
            s = e;
        }
        TagPosts {
            posts,
            times,
            bins,
            w,
        }
    }

    pub fn bin(&self, k: usize) -> &[u32] {
        let (_, s, e) = self.bins[k];
        &self.posts[s..e]
    }

    /// Positions of the posts in `[from, to)`.
    pub fn span(&self, from: i64, to: i64) -> std::ops::Range<usize> {
        self.times.partition_point(|&t| t < from)..self.times.partition_point(|&t| t < to)
    }
}

/// The takeover flag of each post of a bin, judged against `base`.
pub(super) fn bin_flags(
    judge: &Judge,
    base: &Baseline,
    posts: &[u32],
    buf: &mut Vec<u32>,
) -> Vec<bool> {
    let debug = judge.debug;
    posts
        .iter()
        .map(|&i| {
            let e = judge.evidence(base, i, buf);
            if debug {
                let text: String = judge.src.ds.text(i as usize).chars().take(70).collect();
                eprintln!(
                    "[debug] {} new {} fam {:.2} cs {} | {text}",
                    crate::time::format_iso(judge.src.ds.created_at[i as usize]),
                    e.newcomer,
                    e.familiarity,
                    e.counter_speech.is_some(),
                );
            }
            e.is_takeover(judge.foreign_below)
        })
        .collect()
}

pub(super) fn share_of_flags(flags: &[bool]) -> f32 {
    flags.iter().filter(|&&x| x).count() as f32 / flags.len().max(1) as f32
}

/// Share of takeover posts in a bin judged against `base`.
pub(super) fn bin_share(judge: &Judge, base: &Baseline, posts: &[u32], buf: &mut Vec<u32>) -> f32 {
    share_of_flags(&bin_flags(judge, base, posts, buf))
}

/// A bin where takeover posts are common, at least half the threshold: its newcomers are
/// held out of the baseline, and if a wave follows, it may be the wave's ramp.
pub(super) fn is_suspect(share: f32, threshold: f32) -> bool {
    share >= threshold / 2.0
}

/// Adds a bin to the baseline. Once the tag has a baseline, the newcomers' posts of a bin
/// where takeover posts are common (at least half the threshold) are held out: a flood
/// that creeps in below the threshold must not teach the baseline its authors and content,
/// or it never stands out. Where takeover posts are rare, the whole bin joins: that is how
/// a tag's use drifts.
#[allow(clippy::too_many_arguments)]
pub(super) fn absorb(
    judge: &Judge,
    base: &mut Baseline,
    posts: &[u32],
    flags: Option<Vec<bool>>,
    judged: bool,
    threshold: f32,
    buf: &mut Vec<u32>,
) {
    let suspect: Vec<bool> = match flags {
        Some(f) => f,
        None if judged => bin_flags(judge, base, posts, buf),
        None => vec![false; posts.len()],
    };
    if is_suspect(share_of_flags(&suspect), threshold) {
        // Its newcomers are suspect too: a borderline post of the flood would teach the
        // baseline the flood's authors and words.
        let known: Vec<u32> = posts
            .iter()
            .copied()
            .filter(|&i| base.knows_author(judge.src.ds.author[i as usize]))
            .collect();
        for i in known {
            base.add(judge.src, judge.own, i, buf);
        }
        return;
    }
    for &i in posts {
        base.add(judge.src, judge.own, i, buf);
    }
}

/// How long a tag may go without a bin above the threshold before its wave is over (and,
/// after the wave, without a post of the flood before its tail is).
pub(super) fn end_gap(w: i64) -> i64 {
    (2 * w).max(30 * MIN)
}
