//! Takeover moments per hashtag.
//!
//! A takeover is a window in which most of a hashtag's posts are **takeover content**:
//! posts by authors new to the tag whose content is foreign to the tag's own past, and
//! that do not talk about the tag (counter-speech). That decision is made for each post,
//! in [`evidence`]; the share is pooled over all foreign content, whatever clusters it
//! falls in.
//!
//! The detector walks the tag's time bins. Bins that are not part of a wave feed the
//! baseline (one bin late, so a wave's ramp is not taken for normal use); a bin whose
//! takeover share exceeds the threshold opens a wave judged against the frozen baseline,
//! and the wave ends when the share has stayed below the threshold for a while. The onset,
//! peak and end are then refined from the per-post flags ([`wave`]). A wave is not a
//! takeover when it is small or brief, or when its newcomers speak of the tag's own
//! subject (a campaign or an organic surge). Clusters, terms and the score only
//! describe a moment ([`describe`]).

pub mod crowd;
mod describe;
pub mod evidence;
pub mod features;
pub mod spillover;
mod wave;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::Dataset;
use evidence::{Baseline, Evidence, FloodContent, Judge};
pub use features::FeatureSource;

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
    /// A post is foreign to the tag when less than this (weighted) share of what it
    /// carries was in common use in the tag's baseline.
    pub foreign_below: f32,
    /// A wave whose takeover posts use the tag's name's words this often is the tag's own
    /// subject arriving (a campaign, a news surge), not a takeover.
    pub on_topic_share: f32,
    /// A wave made of copies (near-duplicate families) of which fewer than this share carry
    /// the tag is copypasta travelling through many tags, not a takeover of this one.
    pub min_family_focus: f32,
    /// A wave whose newcomers used the same other hashtags as the tag's baseline crowd
    /// (cosine similarity of their hashtag profiles, leaving out every tag taken over, at
    /// or above this) is the tag's own neighbourhood arriving, not a takeover.
    pub max_crowd_similarity: f32,
    /// A wave whose takeover posts' vocabulary is at least this alike (cosine) to the
    /// baseline's is the tag's own subject in new mouths: a campaign, a news surge. (On the
    /// held-out worlds every flood stays at or under 0.16; campaigns and the real
    /// #MatchAMillion fundraiser are 0.26-0.68.)
    pub max_topic_similarity: f32,
    /// Fixed bin width in minutes; by default it adapts to each tag's volume.
    pub bin_minutes: Option<u32>,
    /// Bins with fewer posts do not decide anything.
    pub min_bin_posts: usize,
    /// The rolling window used to refine onset, peak and end.
    pub refine_minutes: f64,
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
            foreign_below: 0.5,
            on_topic_share: 0.5,
            min_family_focus: 1.0 / 3.0,
            max_crowd_similarity: 0.5,
            max_topic_similarity: 0.25,
            bin_minutes: None,
            min_bin_posts: 3,
            refine_minutes: 15.0,
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
    /// Posts between onset and end that talk about the tag or its crowd (counter-speech).
    pub counter_speech_posts: u32,
    pub baseline_posts: u32,
    pub baseline_authors: u32,
    pub baseline_from_ms: i64,
    pub baseline_to_ms: i64,
    pub near_duplicate_share: f32,
    pub coordinated_share: f32,
    /// Share of takeover posts carrying each lexicon tag.
    pub lexicons: Vec<(String, f32)>,
    pub bin_ms: i64,
    /// Cosine similarity of the hashtag profiles (other tags, used before the window) of
    /// the newcomers and of the baseline crowd; low means an outside crowd.
    pub crowd_similarity: f32,
    #[serde(skip)]
    pub crowd: describe::Crowd,
    /// Share of the takeover posts that use the tag's name's words.
    pub on_topic_share: f32,
    /// Cosine similarity of the takeover posts' vocabulary to the baseline's.
    pub topic_similarity: f32,
    /// Start and end of the window whose takeover posts are marked (the flood's tail after
    /// the wave's end included).
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

/// Why one post was marked: the evidence behind its flag.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PostVerdict {
    pub post: u32,
    /// Index of the moment in the hashtag's outcome (the analysis renumbers it).
    pub moment: u32,
    /// Weighted share of the post's content in common use in the tag's baseline.
    pub familiarity: f32,
    /// Share of the newcomers posting around it whose posts were takeover on their own
    /// evidence, where that weighed in its familiarity (0 where it did not: see
    /// [`Evidence::taken_nearby`]).
    pub taken_nearby: f32,
    pub counter_speech: bool,
    /// Hashes of the features that made the post most foreign (`u32::MAX` = none).
    #[serde(skip)]
    pub foreign: [u32; 3],
}

/// Per-post inputs of the detector.
pub struct DetectorInput<'a> {
    pub ds: &'a Dataset,
    pub features: FeatureSource<'a>,
    pub cluster: &'a [i32],
    pub coordinated: &'a [bool],
    /// Per post: lexicon tag bits (bit k = lexicon k).
    pub lexicon_bits: &'a [u64],
    pub lexicon_names: &'a [String],
    /// Per author: their posts sorted by time (CSR: `author_offsets[a]..author_offsets[a+1]`).
    pub author_offsets: &'a [u32],
    pub author_posts: &'a [u32],
}

impl DetectorInput<'_> {
    fn tokens(&self, i: usize) -> &[u32] {
        self.features
            .rep_tokens
            .get(self.features.rep_of[i] as usize)
    }

    /// Counts of the other hashtags (not `tag`) that `authors` used before `before`.
    fn hashtag_profile(
        &self,
        authors: &[u32],
        skip: &rustc_hash::FxHashSet<u32>,
        before: i64,
    ) -> FxHashMap<u32, f32> {
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
                    if !skip.contains(&h) && !mine.contains(&h) {
                        mine.push(h);
                    }
                }
            }
            // Authors with no other hashtag are counted under "none" (for the crowd's
            // coverage; see `describe::crowd_similarity`).
            if mine.is_empty() {
                *prof.entry(NO_OTHER_HASHTAG).or_default() += 1.0;
            }
            for h in mine {
                *prof.entry(h).or_default() += 1.0;
            }
        }
        prof
    }
}

/// The detector's output for one hashtag.
pub struct HashtagOutcome {
    pub assessment: HashtagAssessment,
    pub moments: Vec<TakeoverMoment>,
    pub takeover_posts: Vec<u32>,
    pub newcomer_posts: Vec<u32>,
    pub counter_speech_posts: Vec<u32>,
    /// The evidence behind each marked (takeover or counter-speech) post.
    pub verdicts: Vec<PostVerdict>,
    /// The familiarity of every newcomer post judged in a moment's region (marked or
    /// not, counter-speech left out): how close each came to the decision.
    pub familiarity: Vec<(u32, f32)>,
}

/// The key of "no other hashtag" in a crowd's hashtag profile.
pub(crate) const NO_OTHER_HASHTAG: u32 = u32::MAX;
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

/// One hashtag's posts, in time order, with its bins.
struct TagPosts<'p> {
    posts: &'p [u32],
    times: Vec<i64>,
    /// Non-empty bins: (start, first post, end post).
    bins: Vec<(i64, usize, usize)>,
    w: i64,
}

impl<'p> TagPosts<'p> {
    /// `times` are the posts' times.
    fn new(posts: &'p [u32], times: Vec<i64>, w: i64) -> TagPosts<'p> {
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

    fn bin(&self, k: usize) -> &[u32] {
        let (_, s, e) = self.bins[k];
        &self.posts[s..e]
    }

    /// Positions of the posts in `[from, to)`.
    fn span(&self, from: i64, to: i64) -> std::ops::Range<usize> {
        self.times.partition_point(|&t| t < from)..self.times.partition_point(|&t| t < to)
    }
}

/// The takeover flag of each post of a bin, judged against `base`.
fn bin_flags(judge: &Judge, base: &Baseline, posts: &[u32], buf: &mut Vec<u32>) -> Vec<bool> {
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
                    e.counter_speech,
                );
            }
            e.is_takeover(judge.foreign_below)
        })
        .collect()
}

fn share_of_flags(flags: &[bool]) -> f32 {
    flags.iter().filter(|&&x| x).count() as f32 / flags.len().max(1) as f32
}

/// Share of takeover posts in a bin judged against `base`.
fn bin_share(judge: &Judge, base: &Baseline, posts: &[u32], buf: &mut Vec<u32>) -> f32 {
    share_of_flags(&bin_flags(judge, base, posts, buf))
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
    let mut outcome = HashtagOutcome {
        assessment: HashtagAssessment {
            tag: tag.clone(),
            display: display.to_string(),
            posts: posts.len() as u32,
            status: "no takeover".into(),
            reason: String::new(),
            bin_ms: w,
            max_share: 0.0,
            moments: 0,
        },
        moments: Vec::new(),
        takeover_posts: Vec::new(),
        newcomer_posts: Vec::new(),
        counter_speech_posts: Vec::new(),
        verdicts: Vec::new(),
        familiarity: Vec::new(),
    };
    if posts.len() < cfg.min_tag_posts {
        outcome.assessment.status = "not assessed".into();
        outcome.assessment.reason = format!(
            "{} posts, fewer than the {} needed",
            posts.len(),
            cfg.min_tag_posts
        );
        return outcome;
    }
    let tp = TagPosts::new(posts, times, w);
    let own_hash = crate::analysis::tokens::token_hash(&format!("#{tag}"));
    let own = inp.features.id_of(own_hash);
    let judge = Judge {
        src: &inp.features,
        corpus_posts: ds.len() as f32,
        own,
        tag: &tag,
        foreign_below: cfg.foreign_below,
        memo: Default::default(),
        debug: std::env::var("DERAIL_DEBUG_TAG").is_ok_and(|t| t == tag),
    };
    let mut buf = Vec::new();
    let mut base = Baseline::default();
    let threshold = cfg.share_threshold;
    let end_gap = end_gap(w);
    let mut wave: Option<(usize, usize)> = None; // (first bin, last bin above)
    let mut eligible_seen = false;
    let mut rejected_waves: Vec<String> = Vec::new();
    let mut pending: Option<(usize, Option<Vec<bool>>)> = None;
    // The first of the bins just judged in which takeover posts were common (at least
    // half the threshold) without being the majority: a flood that hovers near half for
    // hours before one bin tips over began there, not in that bin.
    let mut suspect_from: Option<usize> = None;
    // The last wave's moment, kept until the next wave shows whether the flood went on.
    let mut held: Option<((i64, i64), Found)> = None;
    let nbins = tp.bins.len();
    let mut k = 0;
    while k <= nbins {
        let finishing = k == nbins;
        if let Some((b0, last)) = wave {
            if finishing || tp.bins[k].0 - (tp.bins[last].0 + w) >= end_gap {
                let wave_bins = (tp.bins[b0].0, tp.bins[last].0 + w);
                let found = finalize(inp, &judge, &base, &tp, wave_bins, cfg, tag_index, display);
                let previous = held.take();
                // A wave that opens soon after the previous one closed may be the same
                // flood after a dip: judged as one, it is one if its run of largest excess
                // spans both (the dip costs less than either side leaves behind).
                let joined = previous.as_ref().and_then(|(before, kept)| {
                    // It closed once `end_gap` passed without a bin above the threshold;
                    // a wave opening within as long again may be its continuation.
                    if wave_bins.0 - before.1 > 2 * end_gap {
                        return None;
                    }
                    let both = (before.0, wave_bins.1);
                    let joined =
                        finalize(inp, &judge, &base, &tp, both, cfg, tag_index, display).ok()?;
                    let second_from = found.as_ref().map_or(wave_bins.0, |f| f.moment.onset_ms);
                    (joined.moment.onset_ms <= kept.moment.end_ms
                        && joined.moment.end_ms >= second_from)
                        .then_some((both, joined))
                });
                held = match joined {
                    Some(one) => Some(one),
                    None => {
                        if let Some((_, kept)) = previous {
                            keep_moment(&mut outcome, kept, &judge, &base, &tp, cfg);
                        }
                        match found {
                            Ok(found) => Some((wave_bins, found)),
                            Err(why) => {
                                rejected_waves.push(why);
                                None
                            }
                        }
                    }
                };
                wave = None;
                if finishing {
                    break;
                }
                continue;
            }
            let window = tp.bin(k);
            if window.len() >= cfg.min_bin_posts {
                let share = bin_share(&judge, &base, window, &mut buf);
                outcome.assessment.max_share = outcome.assessment.max_share.max(share);
                if share > threshold {
                    wave = Some((b0, k));
                }
            }
            k += 1;
            continue;
        }
        if finishing {
            break;
        }
        let start = tp.bins[k].0;
        let window = tp.bin(k);
        let eligible = base.n as usize >= cfg.min_baseline_posts
            && (start - base.first_ms) as f64 >= cfg.min_baseline_hours * HOUR as f64;
        let mut flags = None;
        if eligible && window.len() >= cfg.min_bin_posts {
            eligible_seen = true;
            let f = bin_flags(&judge, &base, window, &mut buf);
            let share = share_of_flags(&f);
            outcome.assessment.max_share = outcome.assessment.max_share.max(share);
            if share > threshold {
                // The suspect bins just before are where its ramp may have begun; the
                // refinement of its onset decides from the posts.
                wave = Some((suspect_from.unwrap_or(k), k));
                suspect_from = None;
                pending = None;
                k += 1;
                continue;
            }
            if is_suspect(share, threshold) {
                suspect_from = suspect_from.or(Some(k));
            } else {
                suspect_from = None;
            }
            flags = Some(f);
        } else {
            suspect_from = None;
        }
        // Newcomers are only meaningful once the tag has a baseline to be new to.
        if eligible {
            for &i in window {
                if !base.knows_author(ds.author[i as usize]) {
                    outcome.newcomer_posts.push(i);
                }
            }
        }
        // A judged bin joins the baseline one bin late: if the next bin opens a wave, this
        // one was its ramp and must not count as the tag's normal use.
        // The flags it was judged with (one bin earlier) decide what is held out.
        if let Some((p, judged)) = pending.replace((k, flags)) {
            absorb(
                &judge,
                &mut base,
                tp.bin(p),
                judged,
                eligible,
                threshold,
                &mut buf,
            );
        }
        k += 1;
    }
    if let Some((_, kept)) = held {
        keep_moment(&mut outcome, kept, &judge, &base, &tp, cfg);
    }
    outcome.assessment.moments = outcome.moments.len() as u32;
    outcome.assessment.reason = verdict_reason(&outcome, eligible_seen, &rejected_waves, cfg, &tp);
    if !outcome.moments.is_empty() {
        outcome.assessment.status = "takeover".into();
    } else if !eligible_seen {
        outcome.assessment.status = "not assessed".into();
    }
    outcome
}

/// A bin where takeover posts are common, at least half the threshold: its newcomers are
/// held out of the baseline, and if a wave follows, it may be the wave's ramp.
fn is_suspect(share: f32, threshold: f32) -> bool {
    share >= threshold / 2.0
}

/// Adds a found moment and its posts to the outcome. The flood's tail after the moment's
/// region is marked here, once the moment is kept: a moment held and then joined with the
/// next wave never needs it. `base` is the tag's baseline now; the tail is judged against
/// it as it was before the region began, as the region itself was.
fn keep_moment(
    outcome: &mut HashtagOutcome,
    mut found: Found,
    judge: &Judge,
    base: &Baseline,
    tp: &TagPosts,
    cfg: &TakeoverConfig,
) {
    let from = found.moment.marked_from_ms;
    let base = &*base.before(from, judge.src, judge.own);
    mark_flood_tail(judge, base, tp, cfg.foreign_below, &mut found);
    let index = outcome.moments.len() as u32;
    outcome.takeover_posts.extend(&found.marked);
    outcome.newcomer_posts.extend(found.newcomers);
    outcome.counter_speech_posts.extend(&found.counter_speech);
    outcome.familiarity.extend(&found.familiarity);
    outcome
        .verdicts
        .extend(found.verdicts.into_iter().map(|mut v| {
            v.moment = index;
            v
        }));
    outcome.moments.push(found.moment);
}

/// Adds a bin to the baseline. Once the tag has a baseline, the newcomers' posts of a bin
/// where takeover posts are common (at least half the threshold) are held out: a flood
/// that creeps in below the threshold must not teach the baseline its authors and content,
/// or it never stands out. Where takeover posts are rare, the whole bin joins: that is how
/// a tag's use drifts.
#[allow(clippy::too_many_arguments)]
fn absorb(
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

/// The sentence that says why a tag got its status.
fn verdict_reason(
    outcome: &HashtagOutcome,
    eligible_seen: bool,
    rejected_waves: &[String],
    cfg: &TakeoverConfig,
    tp: &TagPosts,
) -> String {
    let max_share = outcome.assessment.max_share;
    if let Some(m) = outcome
        .moments
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))
    {
        return format!(
            "{:.0}% of its posts from {} came from authors new to the tag with content foreign to its baseline",
            m.share * 100.0,
            crate::time::format_iso(m.onset_ms)
        );
    }
    if !eligible_seen {
        let n = tp.times.len();
        return format!(
            "no window could be judged: a window needs a baseline of at least {} earlier posts spanning {} hours, and {} posts of its own ({} posts over {:.1} hours)",
            cfg.min_baseline_posts,
            cfg.min_baseline_hours,
            cfg.min_bin_posts,
            n,
            (tp.times[n - 1] - tp.times[0]) as f64 / HOUR as f64
        );
    }
    if !rejected_waves.is_empty() {
        return format!(
            "{} (highest share {:.0}%)",
            rejected_waves.join("; "),
            max_share * 100.0
        );
    }
    format!(
        "newcomers with foreign content never became the majority (highest share {:.0}%)",
        max_share * 100.0
    )
}

/// What the wave's takeover posts carry, learned only from those whose text neither talks
/// about the tag nor takes a stance ending in it: counter-speech repeats itself too (a few
/// phrasings, retweeted), and learned from itself it would look like the flood. Answers to
/// the tag's users stay in, as floods answer them with their own content.
fn flood_content(
    judge: &Judge,
    region: &[u32],
    ev: &[Evidence],
    foreign_below: f32,
) -> FloodContent {
    let mut buf = Vec::new();
    let mut flood = FloodContent::default();
    for (&i, e) in region.iter().zip(ev) {
        if e.is_takeover(foreign_below)
            && !judge.text_about_tag(i)
            && !judge.stance_ending_in_tag(i)
        {
            flood.posts += 1;
            judge.src.features(i as usize, judge.own, &mut buf);
            for &f in &buf {
                *flood.counts.entry(f).or_default() += 1;
            }
        }
    }
    flood
}

/// Counter-speech in its own words: a takeover post that talks about the tag (it stands in
/// a sentence, "this tag", an answer to the tag's users, or a stance taken in a sentence
/// that runs into the tag: "these bots ruined #tag") and looks like neither the tag's
/// baseline nor the flood around it (under half of what it carries is common among the
/// wave's takeover posts, see [`flood_content`]) is a newcomer speaking *about* the
/// takeover, whatever words it uses; it is counter-speech, not takeover.
fn is_free_counter_speech(
    judge: &Judge,
    base: &Baseline,
    flood: &FloodContent,
    i: u32,
    buf: &mut Vec<u32>,
) -> bool {
    (judge.is_about_tag(base, i) || judge.sentence_ends_in_tag(i) || judge.talks_of_other_tag(i))
        && judge.flood_likeness(flood, i, buf) < 0.5
}

/// Marks the takeover posts of a region that are counter-speech in their own words (see
/// [`is_free_counter_speech`]).
fn mark_free_counter_speech(
    judge: &Judge,
    base: &Baseline,
    region: &[u32],
    ev: &mut [Evidence],
    flood: &FloodContent,
    foreign_below: f32,
) {
    let mut buf = Vec::new();
    for (&i, e) in region.iter().zip(ev.iter_mut()) {
        if e.is_takeover(foreign_below) && is_free_counter_speech(judge, base, flood, i, &mut buf) {
            e.counter_speech = true;
        }
    }
}

/// Judges the newcomers' posts of a region again once the flood's content is known: a
/// feature the flood carries far more often than the baseline did counts as the flood's,
/// not the tag's (see `Judge::familiarity_beside`). A reclaiming flood that reuses the
/// tag's own words ("proud", "boys") is foreign by what it says with them; a post that
/// becomes foreign this way is read for counter-speech like any other.
fn judge_beside_flood(
    judge: &Judge,
    base: &Baseline,
    region: &[u32],
    ev: &mut [Evidence],
    flood: &FloodContent,
    taken: &[f32],
    foreign_below: f32,
) {
    let mut buf = Vec::new();
    for ((&i, e), &taken) in region.iter().zip(ev.iter_mut()).zip(taken) {
        if !e.newcomer || e.counter_speech {
            continue;
        }
        let was_foreign = e.foreign(foreign_below);
        *e = judge.evidence_beside(base, Some(flood), i, taken, &mut buf);
        // Posts foreign before were read for counter-speech in their own words already.
        if !was_foreign
            && e.is_takeover(foreign_below)
            && is_free_counter_speech(judge, base, flood, i, &mut buf)
        {
            e.counter_speech = true;
        }
    }
}

/// Newcomers on each side of a post whose posts tell what the newcomers around it post.
const NEARBY_NEWCOMERS: usize = 25;

/// Per post of a region (in time order): the share of the newcomers posting around it (the
/// [`NEARBY_NEWCOMERS`] before and after it) whose posts were takeover content on their
/// own evidence `ev`.
fn taken_nearby(ev: &[Evidence], foreign_below: f32) -> Vec<f32> {
    // Prefix counts over the region's newcomers: `taken_prefix[n]` of the first `n` were
    // takeover, and `newcomers_before[j]` came before post `j`.
    let mut taken_prefix = vec![0u32];
    let mut newcomers_before = Vec::with_capacity(ev.len());
    for e in ev {
        newcomers_before.push(taken_prefix.len() - 1);
        if e.newcomer {
            let t = taken_prefix[taken_prefix.len() - 1];
            taken_prefix.push(t + u32::from(e.is_takeover(foreign_below)));
        }
    }
    let total = taken_prefix.len() - 1;
    newcomers_before
        .into_iter()
        .map(|at| {
            let lo = at.saturating_sub(NEARBY_NEWCOMERS);
            let hi = (at + NEARBY_NEWCOMERS).min(total);
            if hi <= lo {
                0.0
            } else {
                (taken_prefix[hi] - taken_prefix[lo]) as f32 / (hi - lo) as f32
            }
        })
        .collect()
}

/// Prints a judged region post by post (`DERAIL_DEBUG_TAG`): its wave, where the moment
/// starts and ends, and each post's mark, familiarity and likeness to the flood.
#[allow(clippy::too_many_arguments)]
fn trace_region(
    judge: &Judge,
    flood: &FloodContent,
    (wave_start, wave_end): (i64, i64),
    times: &wave::WaveTimes,
    region: &[u32],
    rt: &[i64],
    ev: &[Evidence],
    tc: &[bool],
) {
    let ds = judge.src.ds;
    let iso = crate::time::format_iso;
    eprintln!(
        "[debug] finalize wave {} .. {} region {} posts; onset {} end {}",
        iso(wave_start),
        iso(wave_end),
        region.len(),
        iso(times.onset_ms),
        iso(times.end_ms)
    );
    let mut buf = Vec::new();
    for (j, (&i, &t)) in region.iter().zip(rt).enumerate() {
        let text: String = ds.text(i as usize).chars().take(70).collect();
        eprintln!(
            "[debug]   {} {} fam {:.2} like {:.2} id {} | {text}",
            iso(t),
            if tc[j] { "T" } else { "." },
            ev[j].familiarity,
            judge.flood_likeness(flood, i, &mut buf),
            ds.id(i as usize)
        );
    }
}

/// A wave that passed every check.
struct Found {
    moment: TakeoverMoment,
    /// The wave's takeover content, for marking the flood's tail once the moment is kept.
    flood: FloodContent,
    marked: Vec<u32>,
    newcomers: Vec<u32>,
    counter_speech: Vec<u32>,
    verdicts: Vec<PostVerdict>,
    familiarity: Vec<(u32, f32)>,
}

/// Turns a wave (the bins from `wave_bins.0` to `wave_bins.1`) into a moment, or says why
/// it is not one.
#[allow(clippy::too_many_arguments)]
fn finalize(
    inp: &DetectorInput,
    judge: &Judge,
    base: &Baseline,
    tp: &TagPosts,
    (wave_start, wave_end): (i64, i64),
    cfg: &TakeoverConfig,
    tag_index: u32,
    display: &str,
) -> Result<Found, String> {
    let ds = inp.ds;
    let w = tp.w;
    let from = wave_start - w;
    // The region is judged against the baseline as it was before the region began.
    let base = &*base.before(from, judge.src, judge.own);
    // Past the wave's last bin by as much as its end is weighed over ([`wave::refine`]).
    let to = wave_end + w.max(wave::FLOOD_RATE_HALF_WIDTH_MS);
    let range = tp.span(from, to);
    let region = &tp.posts[range.clone()];
    let rt = &tp.times[range];
    let mut buf = Vec::new();
    let mut ev: Vec<Evidence> = region
        .iter()
        .map(|&i| judge.evidence(base, i, &mut buf))
        .collect();
    let flood = flood_content(judge, region, &ev, cfg.foreign_below);
    if judge.debug {
        eprintln!("[debug] flood content from {} posts", flood.posts);
    }
    mark_free_counter_speech(judge, base, region, &mut ev, &flood, cfg.foreign_below);
    // Whether the wave is a takeover at all (its size, a campaign, the tag's own crowd) is
    // decided on the posts foreign to the baseline alone; where it starts and ends, and
    // which posts are marked, once the flood's own words are known too.
    let first_judged: Vec<bool> = ev
        .iter()
        .map(|e| e.is_takeover(cfg.foreign_below))
        .collect();
    let taken = taken_nearby(&ev, cfg.foreign_below);
    judge_beside_flood(
        judge,
        base,
        region,
        &mut ev,
        &flood,
        &taken,
        cfg.foreign_below,
    );
    let tc: Vec<bool> = ev
        .iter()
        .map(|e| e.is_takeover(cfg.foreign_below))
        .collect();
    let r = ((cfg.refine_minutes * MIN as f64) as i64).clamp(MIN, w.max(MIN));
    let times = wave::refine(rt, &tc, wave_start, wave_end, r, cfg.share_threshold);
    if judge.debug {
        trace_region(
            judge,
            &flood,
            (wave_start, wave_end),
            &times,
            region,
            rt,
            &ev,
            &tc,
        );
    }
    let (onset_ms, end_ms) = (times.onset_ms, times.end_ms);
    let in_window: Vec<usize> = (0..region.len())
        .filter(|&j| rt[j] >= onset_ms && rt[j] <= end_ms)
        .collect();
    let total = in_window.len().max(1);
    let posts_where = |flags: &[bool]| -> Vec<u32> {
        in_window
            .iter()
            .filter(|&&j| flags[j])
            .map(|&j| region[j])
            .collect()
    };
    let authors_of = |posts: &[u32]| -> Vec<u32> {
        let mut a: Vec<u32> = posts.iter().map(|&i| ds.author[i as usize]).collect();
        a.sort_unstable();
        a.dedup();
        a
    };
    let tc_posts = posts_where(&tc);
    let tc_authors = authors_of(&tc_posts);
    let judged_posts = posts_where(&first_judged);
    let judged_authors = authors_of(&judged_posts);
    let duration = end_ms - onset_ms;
    let when = crate::time::format_iso(onset_ms);
    if judged_posts.len() < cfg.min_takeover_posts
        || judged_authors.len() < cfg.min_takeover_authors
        || (duration as f64) < cfg.min_wave_minutes * MIN as f64
    {
        return Err(format!(
            "a shift from {when} was too small or brief ({} takeover posts by {} authors over {:.0} minutes)",
            judged_posts.len(),
            judged_authors.len(),
            duration as f64 / MIN as f64
        ));
    }
    let own_token = crate::analysis::tokens::token_hash(&format!("#{}", judge.tag));
    let topic_similarity = describe::topic_similarity(inp, base, &judged_posts, own_token);
    if topic_similarity >= cfg.max_topic_similarity {
        return Err(format!(
            "a surge of newcomers from {when} spoke of the tag's own subject in their own words (their vocabulary is {topic_similarity:.2} alike to its baseline's): a campaign or a surge of interest, not a takeover"
        ));
    }
    let on_topic_share = describe::share_of(&judged_posts, |i| judge.on_topic(i));
    if on_topic_share >= cfg.on_topic_share {
        return Err(format!(
            "a surge of newcomers from {when} spoke of the tag's own subject ({:.0}% of their posts use the words of its name): a campaign or a surge of interest, not a takeover",
            on_topic_share * 100.0
        ));
    }
    // Measured (and judged) once every tag is assessed: see `crowd::drop_own_crowd`.
    let crowd = describe::Crowd {
        baseline: describe::sample_distinct(base.authors().collect(), 3000),
        newcomers: describe::sample_distinct(judged_authors, 3000),
        before: wave_start,
    };
    let crowd_similarity = 0.0;
    let share = tc_posts.len() as f32 / total as f32;
    let newcomers_in_window = in_window.iter().filter(|&&j| ev[j].newcomer).count();
    let newcomer_share = newcomers_in_window as f32 / total as f32;
    let counter_in_window = in_window.iter().filter(|&&j| ev[j].counter_speech).count();
    let base_hours =
        ((base.last_ms - base.first_ms) as f64 / HOUR as f64).max(w as f64 / HOUR as f64);
    let base_rate = base.n as f64 / base_hours;
    let win_rate = total as f64 / (duration as f64 / HOUR as f64).max(w as f64 / HOUR as f64 / 4.0);
    let burst_factor = (win_rate / base_rate.max(1e-9)) as f32;
    let near_duplicate_share = describe::share_of(&tc_posts, |i| {
        inp.features.dup_group[i as usize] != u32::MAX
    });
    let coordinated_share = describe::share_of(&tc_posts, |i| inp.coordinated[i as usize]);
    let lexicons = describe::lexicon_shares(inp, &tc_posts);
    let lex_max = lexicons.first().map(|l| l.1).unwrap_or(0.0);
    let score = describe::score(&describe::ScoreInputs {
        share,
        threshold: cfg.share_threshold,
        newcomer_share,
        takeover_posts: tc_posts.len(),
        burst_factor,
        uniformity: near_duplicate_share.max(coordinated_share).max(lex_max),
    });
    let moment = TakeoverMoment {
        hashtag: judge.tag.to_string(),
        display: display.to_string(),
        hashtag_index: tag_index,
        onset_ms,
        peak_ms: times.peak_ms,
        end_ms,
        share,
        newcomer_share,
        burst_factor,
        score,
        clusters: describe::cluster_shares(inp, &tc_posts),
        terms: Vec::new(),
        term_hashes: describe::top_terms(inp, base, &tc_posts, judge.tag),
        posts: total as u32,
        takeover_posts: tc_posts.len() as u32,
        takeover_authors: tc_authors.len() as u32,
        counter_speech_posts: counter_in_window as u32,
        baseline_posts: base.n,
        baseline_authors: base.authors().count() as u32,
        baseline_from_ms: base.first_ms,
        baseline_to_ms: base.last_ms,
        near_duplicate_share,
        coordinated_share,
        lexicons,
        bin_ms: w,
        crowd_similarity,
        crowd,
        on_topic_share,
        topic_similarity,
        marked_from_ms: from,
        marked_to_ms: to,
    };
    // Mark over the whole region, the ramp before the onset included.
    let mut found = Found {
        moment,
        flood: FloodContent::default(),
        marked: Vec::new(),
        newcomers: Vec::new(),
        counter_speech: Vec::new(),
        verdicts: Vec::new(),
        familiarity: Vec::new(),
    };
    for (j, e) in ev.iter().enumerate() {
        let i = region[j];
        if e.newcomer {
            found.newcomers.push(i);
            if !e.counter_speech {
                found.familiarity.push((i, e.familiarity));
            }
        }
        if tc[j] {
            found.marked.push(i);
        } else if e.counter_speech {
            found.counter_speech.push(i);
        } else {
            continue;
        }
        found.verdicts.push(PostVerdict {
            post: i,
            moment: 0,
            familiarity: e.familiarity,
            taken_nearby: e.taken_nearby,
            counter_speech: e.counter_speech,
            foreign: judge.most_foreign(base, Some(&flood), i, &mut buf),
        });
    }
    found.flood = flood;
    Ok(found)
}

/// How long a tag may go without a bin above the threshold before its wave is over (and,
/// after the wave, without a post of the flood before its tail is).
fn end_gap(w: i64) -> i64 {
    (2 * w).max(30 * MIN)
}

/// The flood goes on after its wave ends, a few posts an hour, no longer the majority: those
/// posts are still the flood's. From the end of the judged region, each takeover post that
/// looks like the flood itself (at least half of what it carries is common among the
/// wave's takeover posts) is marked, until [`end_gap`] passes without one. The moment's
/// window and figures do not change.
fn mark_flood_tail(
    judge: &Judge,
    base: &Baseline,
    tp: &TagPosts,
    foreign_below: f32,
    found: &mut Found,
) {
    // The tail begins where the judged region ended, at its `marked_to_ms`.
    let tail_from = tp
        .span(found.moment.marked_from_ms, found.moment.marked_to_ms)
        .end;
    let flood = std::mem::take(&mut found.flood);
    let flood = &flood;
    let gap = end_gap(tp.w);
    let mut last = found.moment.marked_to_ms;
    let mut buf = Vec::new();
    for (&i, &t) in tp.posts[tail_from..].iter().zip(&tp.times[tail_from..]) {
        if t - last > gap {
            break;
        }
        let e = judge.evidence_beside(base, Some(flood), i, 0.0, &mut buf);
        // Looking like the flood, it is no counter-speech in its own words either (see
        // `is_free_counter_speech`).
        if !e.is_takeover(foreign_below) || judge.flood_likeness(flood, i, &mut buf) < 0.5 {
            continue;
        }
        last = t;
        found.marked.push(i);
        found.newcomers.push(i);
        found.familiarity.push((i, e.familiarity));
        found.verdicts.push(PostVerdict {
            post: i,
            moment: 0,
            familiarity: e.familiarity,
            taken_nearby: e.taken_nearby,
            counter_speech: false,
            foreign: judge.most_foreign(base, Some(flood), i, &mut buf),
        });
    }
    found.moment.marked_to_ms = found.moment.marked_to_ms.max(last + 1);
}

/// Why a marked post was marked, in words, from its verdict and its moment. `foreign`
/// names what made its content foreign (see [`features::feature_names`]).
pub fn explain(
    v: &PostVerdict,
    m: &TakeoverMoment,
    foreign_below: f32,
    foreign: &[String],
) -> String {
    let iso = crate::time::format_iso;
    if v.counter_speech {
        return format!(
            "counter-speech during the takeover of #{} from {}: an author new to the tag who talks about the tag or its crowd (not marked takeover)",
            m.display,
            iso(m.onset_ms)
        );
    }
    let because = if foreign.is_empty() {
        String::new()
    } else {
        format!(
            "; rare or absent there, or far more common in the flood: {}",
            foreign.join(", ")
        )
    };
    let nearby = if v.taken_nearby > 0.0 {
        format!(
            "; weighed among the newcomers around it, {:.0}% of whom posted takeover content",
            v.taken_nearby * 100.0
        )
    } else {
        String::new()
    };
    format!(
        "takeover of #{} from {}: the author is new to the tag (not among the {} authors of its {} posts from {} to {}); the content is foreign to it ({:.0}% of what the post carries was in common use there and not far more common in the flood, under {:.0}%{because}{nearby})",
        m.display,
        iso(m.onset_ms),
        m.baseline_authors,
        m.baseline_posts,
        iso(m.baseline_from_ms),
        iso(m.baseline_to_ms),
        v.familiarity * 100.0,
        foreign_below * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(newcomer: bool, familiarity: f32) -> Evidence {
        Evidence {
            newcomer,
            familiarity,
            taken_nearby: 0.0,
            counter_speech: false,
        }
    }

    #[test]
    fn taken_nearby_counts_only_the_newcomers_around_a_post() {
        // 60 newcomers who post takeover content, then 60 who do not, with the tag's own
        // crowd (never counted) in between.
        let mut ev: Vec<Evidence> = Vec::new();
        for k in 0..120 {
            ev.push(post(true, if k < 60 { 0.1 } else { 0.9 }));
            ev.push(post(false, 0.1));
        }
        let taken = taken_nearby(&ev, 0.5);
        assert_eq!(taken.len(), ev.len());
        // Deep in the first half every newcomer around was takeover; deep in the second,
        // none; at the turn, half.
        assert_eq!(taken[2 * 30], 1.0);
        assert_eq!(taken[2 * 90], 0.0);
        assert!((taken[2 * 60] - 0.5).abs() < 1e-6, "{}", taken[2 * 60]);
        // A post of the tag's own crowd is given the share of the newcomers around it.
        assert_eq!(taken[2 * 30 + 1], 1.0);
    }

    #[test]
    fn taken_nearby_without_newcomers_is_zero() {
        let ev = vec![post(false, 0.1), post(false, 0.2)];
        assert_eq!(taken_nearby(&ev, 0.5), vec![0.0, 0.0]);
    }
}
