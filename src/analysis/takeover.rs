//! Takeover moments per hashtag.
//!
//! A takeover is a window in which a hashtag's composition shifts away from its own
//! baseline: posts by *newcomers* (authors who had not used the tag before the window) with
//! *content that was rare before* (topic clusters far above their baseline share, or
//! near-duplicate groups the tag had never seen) become the majority of the tag's volume.
//!
//! The detector walks the tag's time bins. Bins that are not part of a wave feed the
//! baseline; a bin whose takeover share exceeds the threshold opens a wave against the
//! frozen baseline, and the wave ends when the share stays below the threshold. A burst of
//! the usual crowd with the usual content raises no takeover share, so it raises no alarm.
//! The onset, peak and end are then refined at the level of single posts with a rolling
//! window.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::model::Dataset;

/// Settings of the takeover detector.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TakeoverConfig {
    /// Hashtags with fewer posts are not assessed.
    pub min_tag_posts: usize,
    /// At most this many hashtags (the largest) are assessed.
    pub max_hashtags: usize,
    /// The share of takeover posts above which a window is taken over.
    pub share_threshold: f32,
    /// A tag needs this many baseline posts...
    pub min_baseline_posts: usize,
    /// ...spanning this many hours before a window can be judged.
    pub min_baseline_hours: f64,
    /// Shorter waves are not takeovers (a one-minute copypasta spike is not).
    pub min_wave_minutes: f64,
    pub min_takeover_posts: usize,
    pub min_takeover_authors: usize,
    /// A cluster is rare in the baseline below this share...
    pub novel_cluster_max_share: f32,
    /// ...and is takeover content when its share in the window is this many times higher.
    pub novel_cluster_lift: f32,
    /// A near-duplicate group the baseline never saw counts when it has this many posts.
    pub novel_dup_min_size: u32,
    /// Fixed bin width in minutes; by default it adapts to each tag's volume.
    pub bin_minutes: Option<u32>,
    /// Bins with fewer posts do not decide anything.
    pub min_bin_posts: usize,
    /// The rolling window used to refine onset, peak and end.
    pub refine_minutes: f64,
    /// A wave whose newcomers used the same other hashtags as the tag's baseline crowd
    /// (cosine similarity of their hashtag profiles at or above this) is the tag's own
    /// neighbourhood arriving, not a takeover.
    pub max_crowd_similarity: f32,
}

impl Default for TakeoverConfig {
    fn default() -> Self {
        Self {
            min_tag_posts: 50,
            max_hashtags: 300,
            share_threshold: 0.5,
            min_baseline_posts: 30,
            min_baseline_hours: 2.0,
            min_wave_minutes: 30.0,
            min_takeover_posts: 30,
            min_takeover_authors: 10,
            novel_cluster_max_share: 0.1,
            novel_cluster_lift: 3.0,
            novel_dup_min_size: 3,
            bin_minutes: None,
            min_bin_posts: 3,
            refine_minutes: 15.0,
            max_crowd_similarity: 0.5,
        }
    }
}

/// A detected takeover moment.
#[derive(Debug, Clone, Serialize)]
pub struct TakeoverMoment {
    pub hashtag: String,
    pub display: String,
    #[serde(skip)]
    pub hashtag_index: u32,
    pub onset_ms: i64,
    pub peak_ms: i64,
    pub end_ms: i64,
    /// Takeover posts / all posts of the tag between onset and end.
    pub share: f32,
    /// Posts by newcomers / all posts of the tag between onset and end.
    pub newcomer_share: f32,
    /// The tag's volume per hour in the window over its baseline volume per hour.
    pub burst_factor: f32,
    pub score: f32,
    /// Dominant clusters among the takeover posts, with their share of them.
    pub clusters: Vec<(i32, f32)>,
    /// Terms most over-represented in the takeover posts against the baseline.
    pub terms: Vec<String>,
    #[serde(skip)]
    pub term_hashes: Vec<u32>,
    pub posts: u32,
    pub takeover_posts: u32,
    pub takeover_authors: u32,
    pub baseline_posts: u32,
    pub near_duplicate_share: f32,
    pub coordinated_share: f32,
    /// Share of takeover posts carrying each lexicon tag.
    pub lexicons: Vec<(String, f32)>,
    pub bin_ms: i64,
    /// Cosine similarity of the hashtag profiles (other tags, used before the window) of
    /// the newcomers and of the baseline crowd; low means an outside crowd.
    pub crowd_similarity: f32,
    /// Start and end of the window whose takeover posts are marked.
    pub marked_from_ms: i64,
    pub marked_to_ms: i64,
}

/// What the detector concluded about one hashtag.
#[derive(Debug, Clone, Serialize)]
pub struct HashtagAssessment {
    pub tag: String,
    pub display: String,
    pub posts: u32,
    /// "takeover", "no takeover" or "not assessed".
    pub status: String,
    pub reason: String,
    pub bin_ms: i64,
    /// The highest takeover share of any judged bin.
    pub max_share: f32,
    pub moments: u32,
}

/// Per-post inputs of the detector.
pub struct DetectorInput<'a> {
    pub ds: &'a Dataset,
    pub cluster: &'a [i32],
    pub dup_group: &'a [u32],
    pub dup_sizes: &'a [u32],
    pub coordinated: &'a [bool],
    /// Per post: lexicon tag bits (bit k = lexicon k).
    pub lexicon_bits: &'a [u64],
    pub lexicon_names: &'a [String],
    /// Per post: its representative; per representative: its token set (for terms).
    pub rep_of: &'a [u32],
    pub rep_tokens: &'a crate::model::ListColumn,
    /// Per author: their posts sorted by time (CSR: `author_offsets[a]..author_offsets[a+1]`).
    pub author_offsets: &'a [u32],
    pub author_posts: &'a [u32],
}

impl DetectorInput<'_> {
    fn tokens(&self, i: usize) -> &[u32] {
        self.rep_tokens.get(self.rep_of[i] as usize)
    }

    /// Counts of the other hashtags (not `tag`) that `authors` used before `before`.
    fn hashtag_profile(&self, authors: &[u32], tag: u32, before: i64) -> FxHashMap<u32, f32> {
        let mut prof: FxHashMap<u32, f32> = FxHashMap::default();
        for &a in authors {
            let (s, e) = (
                self.author_offsets[a as usize] as usize,
                self.author_offsets[a as usize + 1] as usize,
            );
            // Each author counts once per hashtag, so prolific accounts do not dominate.
            let mut mine: Vec<u32> = Vec::new();
            for &i in self.author_posts[s..e].iter().take(200) {
                if self.ds.created_at[i as usize] >= before {
                    break;
                }
                for &h in self.ds.hashtags.get(i as usize) {
                    if h != tag && !mine.contains(&h) {
                        mine.push(h);
                    }
                }
            }
            for h in mine {
                *prof.entry(h).or_default() += 1.0;
            }
        }
        prof
    }
}

fn cosine(a: &FxHashMap<u32, f32>, b: &FxHashMap<u32, f32>) -> f32 {
    let na: f32 = a.values().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.values().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let d: f32 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    d / (na * nb)
}

/// Deterministic sample of distinct values, at most `cap`.
fn sample_distinct(mut v: Vec<u32>, cap: usize) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    if v.len() > cap {
        let step = v.len() as f64 / cap as f64;
        v = (0..cap).map(|k| v[(k as f64 * step) as usize]).collect();
    }
    v
}

/// The detector's output for one hashtag.
pub struct HashtagOutcome {
    pub assessment: HashtagAssessment,
    pub moments: Vec<TakeoverMoment>,
    pub takeover_posts: Vec<u32>,
    pub newcomer_posts: Vec<u32>,
}

const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;
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

struct Baseline {
    clusters: FxHashMap<i32, u32>,
    dups: FxHashSet<u32>,
    n: u32,
    first_ms: i64,
    last_ms: i64,
    posts: Vec<u32>,
}

impl Baseline {
    fn add(&mut self, inp: &DetectorInput, i: u32) {
        let c = inp.cluster[i as usize];
        *self.clusters.entry(c).or_default() += 1;
        let g = inp.dup_group[i as usize];
        if g != u32::MAX {
            self.dups.insert(g);
        }
        let t = inp.ds.created_at[i as usize];
        if self.n == 0 {
            self.first_ms = t;
        }
        self.last_ms = t;
        self.n += 1;
        self.posts.push(i);
    }

    fn share(&self, c: i32) -> f32 {
        (*self.clusters.get(&c).unwrap_or(&0) as f32 + 0.5) / (self.n as f32 + 1.0)
    }
}

/// Which posts of a window are takeover content.
struct Judge<'b> {
    novel_clusters: FxHashSet<i32>,
    base: &'b Baseline,
    min_dup: u32,
}

impl Judge<'_> {
    fn new<'b>(
        inp: &DetectorInput,
        base: &'b Baseline,
        posts: &[u32],
        cfg: &TakeoverConfig,
    ) -> Judge<'b> {
        let mut counts: FxHashMap<i32, u32> = FxHashMap::default();
        for &i in posts {
            *counts.entry(inp.cluster[i as usize]).or_default() += 1;
        }
        let n = posts.len().max(1) as f32;
        let novel_clusters = counts
            .into_iter()
            .filter(|&(c, k)| {
                let b = base.share(c);
                c >= 0
                    && b < cfg.novel_cluster_max_share
                    && (k as f32 / n) >= cfg.novel_cluster_lift * b
            })
            .map(|(c, _)| c)
            .collect();
        Judge {
            novel_clusters,
            base,
            min_dup: cfg.novel_dup_min_size,
        }
    }

    fn novel(&self, inp: &DetectorInput, i: u32) -> bool {
        let c = inp.cluster[i as usize];
        if self.novel_clusters.contains(&c) {
            return true;
        }
        let g = inp.dup_group[i as usize];
        g != u32::MAX && !self.base.dups.contains(&g) && inp.dup_sizes[g as usize] >= self.min_dup
    }
}

/// Assesses one hashtag. `posts` are the tag's posts sorted by time.
pub fn assess_hashtag(
    inp: &DetectorInput,
    tag_index: u32,
    display: &str,
    posts: &[u32],
    cfg: &TakeoverConfig,
) -> HashtagOutcome {
    let ds = inp.ds;
    let tag = ds.hashtag_names.resolve(tag_index).to_string();
    let times: Vec<i64> = posts.iter().map(|&i| ds.created_at[i as usize]).collect();
    let w = bin_width(&times, cfg);
    let mut assessment = HashtagAssessment {
        tag: tag.clone(),
        display: display.to_string(),
        posts: posts.len() as u32,
        status: "no takeover".into(),
        reason: String::new(),
        bin_ms: w,
        max_share: 0.0,
        moments: 0,
    };
    let mut outcome = HashtagOutcome {
        assessment: assessment.clone(),
        moments: Vec::new(),
        takeover_posts: Vec::new(),
        newcomer_posts: Vec::new(),
    };
    if posts.len() < cfg.min_tag_posts {
        assessment.status = "not assessed".into();
        assessment.reason = format!(
            "{} posts, fewer than the {} needed",
            posts.len(),
            cfg.min_tag_posts
        );
        outcome.assessment = assessment;
        return outcome;
    }
    // First use of the tag by each author.
    let mut first_use: FxHashMap<u32, i64> = FxHashMap::default();
    for &i in posts {
        first_use
            .entry(ds.author[i as usize])
            .or_insert(ds.created_at[i as usize]);
    }
    let newcomer = |i: u32, since: i64| {
        first_use
            .get(&ds.author[i as usize])
            .is_some_and(|&f| f >= since)
    };

    // Non-empty bins as ranges of `posts`.
    let mut bins: Vec<(i64, usize, usize)> = Vec::new();
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

    let mut base = Baseline {
        clusters: FxHashMap::default(),
        dups: FxHashSet::default(),
        n: 0,
        first_ms: 0,
        last_ms: 0,
        posts: Vec::new(),
    };
    let threshold = cfg.share_threshold;
    let min_wave = (cfg.min_wave_minutes * MIN as f64) as i64;
    let end_gap = (2 * w).max(30 * MIN);
    let mut wave: Option<(usize, usize)> = None; // (first bin, last bin above)
    let mut eligible_seen = false;
    let mut rejected_waves: Vec<String> = Vec::new();
    let mut pending: Option<usize> = None;
    let mut k = 0;
    while k <= bins.len() {
        let finishing = k == bins.len();
        if let Some((b0, last)) = wave {
            let gap_exceeded = finishing || bins[k].0 - (bins[last].0 + w) >= end_gap;
            if gap_exceeded {
                match finalize(
                    inp, &base, posts, &times, &bins, b0, last, w, &first_use, cfg, &tag, display,
                    tag_index,
                ) {
                    Ok((m, marked, newcomers)) => {
                        outcome.takeover_posts.extend(marked);
                        outcome.newcomer_posts.extend(newcomers);
                        outcome.moments.push(m);
                    }
                    Err(why) => rejected_waves.push(why),
                }
                wave = None;
                // The bins after the wave's last bin were not baseline; carry on from here.
                if finishing {
                    break;
                }
                continue;
            }
            let (start, s, e) = bins[k];
            let window: Vec<u32> = posts[s..e].to_vec();
            if window.len() >= cfg.min_bin_posts {
                let judge = Judge::new(inp, &base, &window, cfg);
                let wave_start = bins[b0].0;
                let tc = window
                    .iter()
                    .filter(|&&i| newcomer(i, wave_start) && judge.novel(inp, i))
                    .count();
                let share = tc as f32 / window.len() as f32;
                assessment.max_share = assessment.max_share.max(share);
                if share > threshold {
                    wave = Some((b0, k));
                }
            }
            let _ = start;
            k += 1;
            continue;
        }
        if finishing {
            break;
        }
        let (start, s, e) = bins[k];
        let window = &posts[s..e];
        let eligible = base.n as usize >= cfg.min_baseline_posts
            && (start - base.first_ms) as f64 >= cfg.min_baseline_hours * HOUR as f64;
        if eligible && window.len() >= cfg.min_bin_posts {
            eligible_seen = true;
            let judge = Judge::new(inp, &base, window, cfg);
            let tc = window
                .iter()
                .filter(|&&i| newcomer(i, start) && judge.novel(inp, i))
                .count();
            let share = tc as f32 / window.len() as f32;
            assessment.max_share = assessment.max_share.max(share);
            if share > threshold {
                wave = Some((k, k));
                pending = None;
                k += 1;
                continue;
            }
        }
        // Newcomers are only meaningful once the tag has a baseline to be new to.
        if eligible {
            for &i in window {
                if newcomer(i, start) {
                    outcome.newcomer_posts.push(i);
                }
            }
        }
        // A judged bin joins the baseline one bin late: if the next bin opens a wave, this
        // one was its ramp and must not count as the tag's normal use.
        if let Some(p) = pending.replace(k) {
            let (_, ps, pe) = bins[p];
            for &i in &posts[ps..pe] {
                base.add(inp, i);
            }
        }
        k += 1;
    }
    let _ = min_wave;
    assessment.moments = outcome.moments.len() as u32;
    if !outcome.moments.is_empty() {
        assessment.status = "takeover".into();
        let best = outcome
            .moments
            .iter()
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .map(|m| format!(
                "{:.0}% of its posts from {} came from newcomers with content rare in its baseline",
                m.share * 100.0,
                crate::time::format_iso(m.onset_ms)
            ))
            .unwrap_or_default();
        assessment.reason = best;
    } else if !eligible_seen {
        assessment.status = "not assessed".into();
        assessment.reason = format!(
            "no window could be judged: a window needs a baseline of at least {} earlier posts spanning {} hours, and {} posts of its own ({} posts over {:.1} hours)",
            cfg.min_baseline_posts,
            cfg.min_baseline_hours,
            cfg.min_bin_posts,
            posts.len(),
            (times[times.len() - 1] - times[0]) as f64 / HOUR as f64
        );
    } else if !rejected_waves.is_empty() {
        assessment.reason = format!(
            "{} (highest share {:.0}%)",
            rejected_waves.join("; "),
            assessment.max_share * 100.0
        );
    } else {
        assessment.reason = format!(
            "newcomers with new content never became the majority (highest share {:.0}%)",
            assessment.max_share * 100.0
        );
    }
    outcome.assessment = assessment;
    outcome
}

/// Turns a wave (bins `b0..=last`) into a moment, or `None` when it is too small or short.
#[allow(clippy::too_many_arguments)]
fn finalize(
    inp: &DetectorInput,
    base: &Baseline,
    posts: &[u32],
    times: &[i64],
    bins: &[(i64, usize, usize)],
    b0: usize,
    last: usize,
    w: i64,
    first_use: &FxHashMap<u32, i64>,
    cfg: &TakeoverConfig,
    tag: &str,
    display: &str,
    tag_index: u32,
) -> Result<(TakeoverMoment, Vec<u32>, Vec<u32>), String> {
    let ds = inp.ds;
    let wave_start = bins[b0].0;
    let wave_end = bins[last].0 + w;
    let from = wave_start - w;
    let to = wave_end + w;
    let lo = times.partition_point(|&t| t < from);
    let hi = times.partition_point(|&t| t < to);
    let region = &posts[lo..hi];
    let core_lo = times.partition_point(|&t| t < wave_start);
    let core_hi = times.partition_point(|&t| t < wave_end);
    let judge = Judge::new(inp, base, &posts[core_lo..core_hi], cfg);
    let is_new = |i: u32| {
        first_use
            .get(&ds.author[i as usize])
            .is_some_and(|&f| f >= from)
    };
    let tc: Vec<bool> = region
        .iter()
        .map(|&i| is_new(i) && judge.novel(inp, i))
        .collect();
    let rt: Vec<i64> = times[lo..hi].to_vec();
    let r = ((cfg.refine_minutes * MIN as f64) as i64).min(w).max(MIN);

    // Share of takeover posts in [t_j, t_j + r) for each j.
    let n = region.len();
    let mut fwd = vec![0.0f32; n];
    let (mut e, mut cnt) = (0usize, 0usize);
    for j in 0..n {
        while e < n && rt[e] < rt[j] + r {
            if tc[e] {
                cnt += 1;
            }
            e += 1;
        }
        fwd[j] = cnt as f32 / (e - j) as f32;
        if tc[j] {
            cnt -= 1;
        }
    }
    let threshold = cfg.share_threshold;
    // Onset: the first takeover post from which every forward window, up to the end of the
    // first wave bin, stays above the threshold.
    let first_bin_end = (wave_start + w).min(wave_end);
    let m = rt.partition_point(|&t| t < first_bin_end);
    let mut suffix_ok = vec![false; m + 1];
    suffix_ok[m] = true;
    for j in (0..m).rev() {
        suffix_ok[j] = suffix_ok[j + 1] && fwd[j] > threshold;
    }
    let onset_idx = (0..m).find(|&j| tc[j] && suffix_ok[j]);
    let onset_ms = onset_idx.map(|j| rt[j]).unwrap_or(wave_start);
    // End: the last takeover post whose backward window is above the threshold.
    let mut bwd_last = None;
    let (mut s, mut cnt) = (0usize, 0usize);
    for j in 0..n {
        if tc[j] {
            cnt += 1;
        }
        while rt[s] <= rt[j] - r {
            if tc[s] {
                cnt -= 1;
            }
            s += 1;
        }
        let share = cnt as f32 / (j + 1 - s) as f32;
        if tc[j] && share > threshold && rt[j] >= onset_ms {
            bwd_last = Some(j);
        }
    }
    let end_ms = bwd_last
        .map(|j| rt[j] + 1)
        .unwrap_or(wave_end)
        .max(onset_ms + 1);
    // Peak: the forward window with the most takeover posts.
    let mut peak = (0usize, onset_ms);
    let (mut e, mut cnt) = (0usize, 0usize);
    for j in 0..n {
        while e < n && rt[e] < rt[j] + r {
            if tc[e] {
                cnt += 1;
            }
            e += 1;
        }
        if rt[j] >= onset_ms && rt[j] < end_ms && cnt > peak.0 {
            peak = (cnt, rt[j]);
        }
        if tc[j] {
            cnt -= 1;
        }
    }

    // Figures over [onset, end].
    let in_window: Vec<usize> = (0..n)
        .filter(|&j| rt[j] >= onset_ms && rt[j] <= end_ms)
        .collect();
    let total = in_window.len().max(1);
    let tc_idx: Vec<usize> = in_window.iter().copied().filter(|&j| tc[j]).collect();
    let tc_posts: Vec<u32> = tc_idx.iter().map(|&j| region[j]).collect();
    let mut tc_authors: Vec<u32> = tc_posts.iter().map(|&i| ds.author[i as usize]).collect();
    tc_authors.sort_unstable();
    tc_authors.dedup();
    let duration = end_ms - onset_ms;
    if tc_posts.len() < cfg.min_takeover_posts
        || tc_authors.len() < cfg.min_takeover_authors
        || (duration as f64) < cfg.min_wave_minutes * MIN as f64
    {
        return Err(format!(
            "a shift from {} was too small or brief ({} takeover posts by {} authors over {:.0} minutes)",
            crate::time::format_iso(onset_ms),
            tc_posts.len(),
            tc_authors.len(),
            duration as f64 / MIN as f64
        ));
    }
    // Is the crowd an outside one? Compare the newcomers' other hashtags with the
    // baseline crowd's, both before the wave.
    let base_authors = sample_distinct(
        base.posts.iter().map(|&i| ds.author[i as usize]).collect(),
        3000,
    );
    let new_authors = sample_distinct(tc_authors.clone(), 3000);
    let p_base = inp.hashtag_profile(&base_authors, tag_index, wave_start);
    let p_new = inp.hashtag_profile(&new_authors, tag_index, wave_start);
    let crowd_similarity = cosine(&p_base, &p_new);
    if std::env::var_os("DERAIL_DEBUG").is_some() {
        let name = |m: &FxHashMap<u32, f32>| {
            let mut v: Vec<(String, f32)> = m
                .iter()
                .map(|(h, c)| (ds.hashtag_names.resolve(*h).to_string(), *c))
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
            v.truncate(8);
            v
        };
        eprintln!(
            "[debug] {tag}: base authors {} {:?}; new authors {} {:?}; sim {crowd_similarity}",
            base_authors.len(),
            name(&p_base),
            new_authors.len(),
            name(&p_new)
        );
    }
    if crowd_similarity >= cfg.max_crowd_similarity {
        return Err(format!(
            "a shift from {} was made by the tag's own neighbourhood: the newcomers used the same other hashtags as its baseline crowd (similarity {:.2})",
            crate::time::format_iso(onset_ms),
            crowd_similarity
        ));
    }
    let share = tc_posts.len() as f32 / total as f32;
    let newcomers = in_window.iter().filter(|&&j| is_new(region[j])).count();
    let newcomer_share = newcomers as f32 / total as f32;
    let base_hours =
        ((base.last_ms - base.first_ms) as f64 / HOUR as f64).max(w as f64 / HOUR as f64);
    let base_rate = base.n as f64 / base_hours;
    let win_rate = total as f64 / (duration as f64 / HOUR as f64).max(w as f64 / HOUR as f64 / 4.0);
    let burst_factor = (win_rate / base_rate.max(1e-9)) as f32;

    let mut cl: FxHashMap<i32, u32> = FxHashMap::default();
    for &i in &tc_posts {
        *cl.entry(inp.cluster[i as usize]).or_default() += 1;
    }
    let mut clusters: Vec<(i32, f32)> = cl
        .into_iter()
        .map(|(c, k)| (c, k as f32 / tc_posts.len() as f32))
        .collect();
    clusters.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    clusters.truncate(5);
    let dup_share = tc_posts
        .iter()
        .filter(|&&i| inp.dup_group[i as usize] != u32::MAX)
        .count() as f32
        / tc_posts.len() as f32;
    let coord_share = tc_posts
        .iter()
        .filter(|&&i| inp.coordinated[i as usize])
        .count() as f32
        / tc_posts.len() as f32;
    let mut lexicons: Vec<(String, f32)> = inp
        .lexicon_names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let c = tc_posts
                .iter()
                .filter(|&&i| inp.lexicon_bits[i as usize] >> k & 1 == 1)
                .count();
            (name.clone(), c as f32 / tc_posts.len() as f32)
        })
        .filter(|(_, s)| *s > 0.0)
        .collect();
    lexicons.sort_by(|a, b| b.1.total_cmp(&a.1));
    let lex_max = lexicons.first().map(|l| l.1).unwrap_or(0.0);

    // Terms: over-represented in takeover posts against the baseline.
    let mut tc_df: FxHashMap<u32, u32> = FxHashMap::default();
    for &i in &tc_posts {
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
    let ntc = tc_posts.len() as f32;
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
    let term_hashes: Vec<u32> = terms.iter().take(10).map(|&(_, t)| t).collect();

    let s1 = ((share - threshold) / (1.0 - threshold)).clamp(0.0, 1.0);
    let s3 = ((tc_posts.len() as f32).log10() / 3.0).clamp(0.0, 1.0);
    let s4 = (burst_factor.max(1.0).log2() / 4.0).clamp(0.0, 1.0);
    let s5 = dup_share.max(coord_share).max(lex_max);
    let score = 100.0
        * (0.35 + 0.65 * s1)
        * (0.5 + 0.5 * newcomer_share)
        * (0.5 + 0.5 * s3)
        * (0.7 + 0.3 * s4.max(s5));

    // Mark takeover posts over the whole region (including the ramp before the onset).
    let marked: Vec<u32> = (0..n).filter(|&j| tc[j]).map(|j| region[j]).collect();
    let newcomer_posts: Vec<u32> = (0..n)
        .filter(|&j| is_new(region[j]))
        .map(|j| region[j])
        .collect();
    let m = TakeoverMoment {
        hashtag: tag.to_string(),
        display: display.to_string(),
        hashtag_index: tag_index,
        onset_ms,
        peak_ms: peak.1,
        end_ms,
        share,
        newcomer_share,
        burst_factor,
        score: (score * 10.0).round() / 10.0,
        clusters,
        terms: Vec::new(),
        term_hashes,
        posts: total as u32,
        takeover_posts: tc_posts.len() as u32,
        takeover_authors: tc_authors.len() as u32,
        baseline_posts: base.n,
        near_duplicate_share: dup_share,
        coordinated_share: coord_share,
        lexicons,
        bin_ms: w,
        crowd_similarity,
        marked_from_ms: from,
        marked_to_ms: to,
    };
    Ok((m, marked, newcomer_posts))
}
