//! A flood often carries other hashtags along: K-pop fans flooding #WhiteLivesMatter add
//! #BTS and #ARMY to their fancams. In those co-tags the same posts are newcomers with
//! content foreign to the tag's small baseline, so each co-tag looks taken over too. It is
//! not: its "takeover posts" are another tag's takeover. A moment whose takeover posts are
//! mostly (at least half) the takeover posts of another tag's moment, while that moment's
//! are mostly not its, is that flood's spillover and is dropped, with the reason said,
//! unless it would be a takeover without them: where its own takeover posts, the other
//! tag's left out, are still at least `min_takeover_posts` and more than `share_threshold`
//! of its posts between onset and end (the other tag's left out too), a flood aimed at
//! this tag also carried the other one along, and it stays. Two tags flooded by the same
//! posts (each mostly the other's) both stay taken over.
//!
//! Copypasta travels the other way: a chain letter pasted under every tag it meets brings
//! newcomers with foreign content into each. When most of a moment's takeover posts are
//! copies (near-duplicate families) and those families' posts are mostly elsewhere (their
//! share in this tag or in another tag's takeover, each family weighed by the moment's
//! copies in it, is under `min_focus`), the copies are passing through, and the moment is
//! dropped. A crowd that floods two tags with the same fancams keeps both: the
//! copies elsewhere are that other takeover.

use super::{FeatureSource, HashtagOutcome, PostVerdict, TakeoverConfig};
use crate::analysis::neardup::intersection_size;
use rustc_hash::{FxHashMap, FxHashSet};

/// The takeover posts of moment `k` of an outcome, sorted.
pub(super) fn moment_posts(o: &HashtagOutcome, k: u32) -> Vec<u32> {
    let mut v: Vec<u32> = o
        .verdicts
        .iter()
        .filter(|v| v.moment == k && v.counter_speech.is_none())
        .map(|v| v.post)
        .collect();
    v.sort_unstable();
    v
}

/// How many of a moment's takeover `posts` each near-duplicate family holds, when the
/// moment is mostly copies (at least half its posts in a family); `None` otherwise.
pub(super) fn copies_by_family(
    posts: &[u32],
    family: impl Fn(u32) -> Option<u32>,
) -> Option<FxHashMap<u32, u32>> {
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    for g in posts.iter().filter_map(|&i| family(i)) {
        *counts.entry(g).or_default() += 1;
    }
    let copies: u32 = counts.values().sum();
    (2 * copies as usize >= posts.len()).then_some(counts)
}

/// Every moment as (outcome, moment, its takeover posts sorted).
fn moment_sets(outcomes: &[HashtagOutcome]) -> Vec<(usize, u32, Vec<u32>)> {
    outcomes
        .iter()
        .enumerate()
        .flat_map(|(o, out)| {
            (0..out.moments.len() as u32).map(move |k| (o, k, moment_posts(out, k)))
        })
        .collect()
}

/// Drops the moments that are another tag's spillover, in place. `created_at` holds every
/// post's time, to count a moment's posts between its onset and end.
pub fn drop_spillover(outcomes: &mut [HashtagOutcome], created_at: &[i64], cfg: &TakeoverConfig) {
    let sets = moment_sets(outcomes);
    let mut dropped: Vec<(usize, u32, String)> = Vec::new();
    for (ob, kb, pb) in &sets {
        let moment = &outcomes[*ob].moments[*kb as usize];
        let in_window = |&i: &u32| {
            let t = created_at[i as usize];
            t >= moment.onset_ms && t <= moment.end_ms
        };
        // The flood's tail after the end is marked too, but the moment's posts are
        // counted between onset and end: the test without the other tag counts there.
        let pb_window: Vec<u32> = pb.iter().copied().filter(in_window).collect();
        let host = sets.iter().find(|(oa, _, pa)| {
            let both = intersection_size(pb, pa);
            let both_window = intersection_size(&pb_window, pa);
            oa != ob
                && 2 * both >= pb.len()
                && 2 * both < pa.len()
                && !stands_alone(pb_window.len(), both_window, moment.posts as usize, cfg)
        });
        if let Some((oa, ka, pa)) = host {
            let host_moment = &outcomes[*oa].moments[*ka as usize];
            dropped.push((
                *ob,
                *kb,
                format!(
                    "its newcomers from {} were the takeover of #{} carrying this tag along ({:.0}% of their posts): a co-tag of that flood, not a takeover of its own",
                    crate::time::format_iso(outcomes[*ob].moments[*kb as usize].onset_ms),
                    host_moment.display,
                    100.0 * intersection_size(pb, pa) as f64 / pb.len().max(1) as f64
                ),
            ));
        }
    }
    remove(outcomes, &dropped);
}

/// Whether a moment with `takeover` takeover posts among its `posts` (between onset and
/// end), `shared` of them another tag's takeover, is still a takeover without those.
fn stands_alone(takeover: usize, shared: usize, posts: usize, cfg: &TakeoverConfig) -> bool {
    let own = takeover.saturating_sub(shared);
    let rest = posts.saturating_sub(shared);
    own >= cfg.min_takeover_posts && own as f32 > cfg.share_threshold * rest as f32
}

/// Removes moments `(outcome, moment, reason)` with their marks; a tag left with none
/// says why.
pub fn remove(outcomes: &mut [HashtagOutcome], dropped: &[(usize, u32, String)]) {
    for (o, out) in outcomes.iter_mut().enumerate() {
        let gone: Vec<&(usize, u32, String)> = dropped.iter().filter(|d| d.0 == o).collect();
        if !gone.is_empty() {
            remove_moments(out, &gone);
        }
    }
}

fn remove_moments(out: &mut HashtagOutcome, gone: &[&(usize, u32, String)]) {
    let is_gone = |k: u32| gone.iter().any(|g| g.1 == k);
    let kept: Vec<u32> = (0..out.moments.len() as u32)
        .filter(|&k| !is_gone(k))
        .collect();
    let renumber = |k: u32| kept.iter().position(|&x| x == k).map(|p| p as u32);
    let verdicts: Vec<PostVerdict> = out
        .verdicts
        .iter()
        .filter_map(|v| renumber(v.moment).map(|m| PostVerdict { moment: m, ..*v }))
        .collect();
    out.takeover_posts = verdicts
        .iter()
        .filter(|v| v.counter_speech.is_none())
        .map(|v| v.post)
        .collect();
    out.counter_speech_posts = verdicts
        .iter()
        .filter(|v| v.counter_speech.is_some())
        .map(|v| v.post)
        .collect();
    out.verdicts = verdicts;
    let mut k = 0u32;
    out.moments.retain(|_| {
        let keep = !is_gone(k);
        k += 1;
        keep
    });
    let a = &mut out.assessment;
    a.moments = out.moments.len() as u32;
    if out.moments.is_empty() {
        a.status = "no takeover".into();
        a.reason = gone
            .iter()
            .map(|g| g.2.as_str())
            .collect::<Vec<_>>()
            .join("; ");
    }
}

/// Drops the moments made of copypasta passing through (see the module's comment).
/// `tag_posts[o]` are the posts of outcome `o`'s hashtag.
pub fn drop_passing_copypasta(
    outcomes: &mut [HashtagOutcome],
    tag_posts: &[Vec<u32>],
    src: &FeatureSource,
    min_focus: f32,
) {
    let family = |i: u32| src.family(i as usize);
    let sets = moment_sets(outcomes);
    let mut dropped: Vec<(usize, u32, String)> = Vec::new();
    for (o, k, posts) in &sets {
        let Some(in_moment) = copies_by_family(posts, family) else {
            continue;
        };
        let copies: u32 = in_moment.values().sum();
        let here: FxHashSet<u32> = tag_posts[*o]
            .iter()
            .copied()
            .filter(|&i| family(i).is_some_and(|g| in_moment.contains_key(&g)))
            .collect();
        // Copies count as another takeover's only where they make up a good part of it (a
        // fancam family flooding two tags), not where a few chain letters fell into
        // someone else's flood.
        let mut taken_elsewhere: FxHashSet<u32> = FxHashSet::default();
        for (_, _, theirs) in sets.iter().filter(|(other, _, _)| other != o) {
            let ours: Vec<u32> = theirs
                .iter()
                .copied()
                .filter(|&i| family(i).is_some_and(|g| in_moment.contains_key(&g)))
                .collect();
            if 4 * ours.len() >= theirs.len() {
                taken_elsewhere.extend(ours.into_iter().filter(|i| !here.contains(i)));
            }
        }
        // Each family's focus (the share of its posts here or in another takeover),
        // weighed by the moment's copies in it: one big family of another tag's that lent
        // the moment a few posts does not outweigh the moment's own families.
        let mut stay: FxHashMap<u32, u32> = FxHashMap::default();
        for g in here
            .iter()
            .chain(&taken_elsewhere)
            .filter_map(|&i| family(i))
        {
            *stay.entry(g).or_default() += 1;
        }
        let focus = in_moment
            .iter()
            .map(|(g, &n)| {
                let size = src.dup_sizes[*g as usize].max(1) as f32;
                n as f32 * stay.get(g).copied().unwrap_or(0) as f32 / size
            })
            .sum::<f32>()
            / copies.max(1) as f32;
        if focus < min_focus {
            dropped.push((
                *o,
                *k,
                format!(
                    "the newcomers from {} pasted texts that travel under many other tags (their families, weighed by the moment's copies in each, have only {:.0}% of their posts in this tag or in another tag's takeover): copypasta passing through, not a takeover",
                    crate::time::format_iso(outcomes[*o].moments[*k as usize].onset_ms),
                    focus * 100.0
                ),
            ));
        }
    }
    remove(outcomes, &dropped);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::analysis::takeover::TakeoverMoment;

    /// A tag with one moment: `posts` posts between onset and end, `takeover` of them
    /// marked takeover.
    pub(in crate::analysis::takeover) fn tag_with_moment(
        name: &str,
        takeover: &[u32],
        posts: u32,
    ) -> HashtagOutcome {
        let verdicts: Vec<PostVerdict> = takeover
            .iter()
            .map(|&post| PostVerdict {
                post,
                moment: 0,
                familiarity: 0.1,
                taken_nearby: 0.0,
                counter_speech: None,
                foreign: [u32::MAX; 3],
            })
            .collect();
        let mut outcome = HashtagOutcome::new(name, name, 1000, 3_600_000);
        outcome.assessment.status = "takeover".into();
        outcome.assessment.moments = 1;
        outcome.takeover_posts = takeover.to_vec();
        outcome.verdicts = verdicts;
        outcome.moments = vec![TakeoverMoment {
            display: name.into(),
            posts,
            share: takeover.len() as f32 / posts as f32,
            ..Default::default()
        }];
        outcome
    }

    fn ids(shared: u32, own_from: u32, own: u32) -> Vec<u32> {
        (0..shared).chain(own_from..own_from + own).collect()
    }

    #[test]
    fn a_co_tag_is_spillover_unless_its_own_posts_are_a_takeover_without_the_floods() {
        let flood: Vec<u32> = (0..300).collect();
        let mut outcomes = vec![
            tag_with_moment("flood", &flood, 330),
            // 60 of the flood's posts and 10 of its own among 150: spillover (too few).
            tag_with_moment("cotag", &ids(60, 1000, 10), 150),
            // 60 of the flood's and 50 of its own among 150: 50 of the other 90 posts.
            tag_with_moment("aimed", &ids(60, 2000, 50), 150),
            // 60 of the flood's and 35 of its own among 160: 35 of the other 100 posts.
            tag_with_moment("half", &ids(60, 3000, 35), 160),
            // As "aimed", but its own 50 are the marked tail after the moment's end.
            tag_with_moment("tail", &ids(60, 4000, 50), 150),
        ];
        // Every moment runs from 0 to 0; the tail's own posts come after.
        let mut created_at = vec![0; 5000];
        created_at[4000..4050].fill(1);
        drop_spillover(&mut outcomes, &created_at, &TakeoverConfig::default());
        let kept: Vec<usize> = outcomes.iter().map(|o| o.moments.len()).collect();
        assert_eq!(kept, vec![1, 0, 1, 0, 0]);
        for gone in [&outcomes[1], &outcomes[3], &outcomes[4]] {
            assert!(gone.takeover_posts.is_empty());
            assert!(
                gone.assessment.reason.contains("carrying this tag along"),
                "{}",
                gone.assessment.reason
            );
        }
        assert_eq!(outcomes[2].takeover_posts.len(), 110);
    }
}
