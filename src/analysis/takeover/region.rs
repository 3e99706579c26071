//! Which posts of a wave's region are takeover content, post by post.
//!
//! Each post is first judged against the tag's baseline alone ([`Judge::evidence`]): a
//! newcomer whose content the baseline barely knows, and who does not talk about the tag,
//! is takeover content. The flood's own content is then learned from those posts
//! ([`flood_content`]); counter-speech in its own words is set apart
//! ([`mark_free_counter_speech`]); and the newcomers are judged again beside the flood
//! ([`judge_beside_flood`]), so a reclaiming flood that reuses the tag's own words is
//! foreign by what it says with them.

use super::CounterSpeechWhy;
use super::evidence::{Baseline, Evidence, FloodContent, Judge, author_handle_hash, own_text_key};
use crate::model::PostKind;

/// A wave's region judged post by post.
pub(super) struct JudgedRegion {
    /// Per post of the region: the evidence, judged beside the flood.
    pub ev: Vec<Evidence>,
    /// What the flood's takeover posts carry.
    pub flood: FloodContent,
    /// Per post: takeover content on the baseline's evidence alone. Whether the wave is a
    /// takeover at all (its size, a campaign, the tag's own crowd) is decided on these.
    pub first_judged: Vec<bool>,
    /// Per post: takeover content once the flood's own words are known too. Where the
    /// wave starts and ends, and which posts are marked, follow these.
    pub takeover: Vec<bool>,
}

/// Judges the posts of a region (in time order) against `base`, then beside the flood.
pub(super) fn judge_region(
    judge: &Judge,
    base: &Baseline,
    region: &[u32],
    foreign_below: f32,
) -> JudgedRegion {
    let mut buf = Vec::new();
    let mut ev: Vec<Evidence> = region
        .iter()
        .map(|&i| judge.evidence(base, i, &mut buf))
        .collect();
    let flood = flood_content(judge, region, &ev, foreign_below);
    if judge.debug {
        eprintln!("[debug] flood content from {} posts", flood.posts);
    }
    mark_free_counter_speech(judge, base, region, &mut ev, &flood, foreign_below);
    let first_judged = takeover_flags(&ev, foreign_below);
    let taken = taken_nearby(&ev, foreign_below);
    judge_beside_flood(judge, base, region, &mut ev, &flood, &taken, foreign_below);
    let takeover = takeover_flags(&ev, foreign_below);
    JudgedRegion {
        ev,
        flood,
        first_judged,
        takeover,
    }
}

fn takeover_flags(ev: &[Evidence], foreign_below: f32) -> Vec<bool> {
    ev.iter().map(|e| e.is_takeover(foreign_below)).collect()
}

/// What the wave's takeover posts carry, learned only from those whose text is no
/// commentary on the tag or its crowd
/// ([`TextSignals::is_commentary`](super::evidence::TextSignals::is_commentary)):
/// counter-speech repeats itself too (a few phrasings, retweeted), and learned from itself
/// it would look like the flood. Answers to the tag's users stay in, as floods answer them
/// with their own content; so do posts that only spell the tag's name out without a
/// stance, as a reclaiming flood jokes with it ("our dogs are proud boys too").
fn flood_content(
    judge: &Judge,
    region: &[u32],
    ev: &[Evidence],
    foreign_below: f32,
) -> FloodContent {
    let mut buf = Vec::new();
    let mut flood = FloodContent::default();
    for (&i, e) in region.iter().zip(ev) {
        if e.is_takeover(foreign_below) && !judge.text_signals(i).is_commentary() {
            flood.posts += 1;
            let ds = judge.src.ds;
            flood
                .handles
                .extend(author_handle_hash(ds, ds.author[i as usize]));
            let key = own_text_key(ds.text(i as usize));
            *flood.texts.entry(key).or_default() += 1;
            if ds.kind[i as usize] != PostKind::Retweet {
                *flood.originals.entry(key).or_default() += 1;
            }
            judge.src.features(i as usize, judge.own, &mut buf);
            for &f in &buf {
                *flood.counts.entry(f).or_default() += 1;
            }
        }
    }
    flood
}

/// Counter-speech in its own words: a takeover post that speaks of the tag
/// ([`TextSignals::speaks_of_tag`](super::evidence::TextSignals::speaks_of_tag)), takes a
/// stance ([`TextSignals::takes_stance`](super::evidence::TextSignals::takes_stance)) or
/// answers the tag's users, and looks like neither the tag's baseline nor the flood around
/// it (under half of what it carries, with or without the tag's name's words, is common
/// among the wave's takeover posts, see [`flood_content`]) is a newcomer speaking *about*
/// the takeover, whatever words it uses; it is counter-speech, not takeover.
/// - A post whose text speaks of the tag or takes a stance is weighed against the flood's
///   other posts, every word in full (`Judge::comment_likeness_to_flood`). A stance alone
///   was not enough before the flood was known ([`Judge::counter_speech`]): "report and
///   block, don't reply to the bots. #tag" and "every time you use it you boost it. Stop."
///   point at the tag without naming it in a sentence. Unlike the flood, its words are the
///   second signal.
/// - An answer to the tag's users, or to one of the flood's authors
///   (`Judge::answers_flood`: "@bot123 don't click the link, it's a scam"), that says
///   nothing of the tag is weighed as the flood's own posts are
///   (`Judge::flood_likeness_beside_name`): floods answer the tag's users and each other
///   too, in their own content, retweeted.
/// - So is a post of words alone, with no link, photo or video (`Judge::is_plain_text`):
///   a sentence that looks like neither the tag's baseline nor the flood beside it is
///   said *about* what is going on ("Beautiful. Keep posting the weddings.", "If your
///   timeline is suddenly all fancams, this is why."), in words no list can foresee. A
///   flood's posts that look unlike it are its emoji, links and photos, which stay
///   takeover. In the third generator's 75 worlds, counter-speech marked takeover fell
///   from 7.5 % to 1.8 % on average (files at 5 % or less: 23 to 67) and F1 rose or held
///   in every world; in the 136 held-out files the worst fell from 8.3 % to 6.2 %, and
///   F1 fell in one (0.994 to 0.992).
fn is_free_counter_speech(
    judge: &Judge,
    base: &Baseline,
    flood: &FloodContent,
    i: u32,
    buf: &mut Vec<u32>,
) -> Option<CounterSpeechWhy> {
    let signals = judge.text_signals(i);
    if signals.speaks_of_tag() || signals.takes_stance() {
        return (judge.comment_likeness_to_flood(flood, i, buf) < 0.5)
            .then_some(CounterSpeechWhy::CommentUnlikeFlood);
    }
    let why = if judge.is_about_tag(base, i) || judge.answers_flood(flood, i) {
        CounterSpeechWhy::AnswerUnlikeFlood
    } else if judge.is_plain_text(i) {
        CounterSpeechWhy::PlainWordsUnlikeFlood
    } else {
        return None;
    };
    (judge.flood_likeness_beside_name(flood, i, buf) < 0.5).then_some(why)
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
        if e.is_takeover(foreign_below) {
            e.counter_speech = is_free_counter_speech(judge, base, flood, i, &mut buf);
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
        if !e.newcomer || e.counter_speech.is_some() {
            continue;
        }
        let was_foreign = e.foreign(foreign_below);
        *e = judge.evidence_beside(base, Some(flood), i, taken, &mut buf);
        // Posts foreign before were read for counter-speech in their own words already.
        if !was_foreign && e.is_takeover(foreign_below) {
            e.counter_speech = is_free_counter_speech(judge, base, flood, i, &mut buf);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn post(newcomer: bool, familiarity: f32) -> Evidence {
        Evidence {
            newcomer,
            familiarity,
            taken_nearby: 0.0,
            counter_speech: None,
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
