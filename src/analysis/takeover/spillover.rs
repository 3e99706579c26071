//! A flood often carries other hashtags along: K-pop fans flooding #WhiteLivesMatter add
//! #BTS and #ARMY to their fancams. In those co-tags the same posts are newcomers with
//! content foreign to the tag's small baseline, so each co-tag looks taken over too. It is
//! not: its "takeover posts" are another tag's takeover. A moment whose takeover posts are
//! mostly (at least half) the takeover posts of another tag's moment, while that moment's
//! are mostly not its, is that flood's spillover and is dropped, with the reason said.
//! Two tags flooded by the same posts (each mostly the other's) both stay taken over.

use super::{HashtagOutcome, PostVerdict};

/// The takeover posts of moment `k` of an outcome, sorted.
fn moment_posts(o: &HashtagOutcome, k: u32) -> Vec<u32> {
    let mut v: Vec<u32> = o
        .verdicts
        .iter()
        .filter(|v| v.moment == k && !v.counter_speech)
        .map(|v| v.post)
        .collect();
    v.sort_unstable();
    v
}

fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Drops the moments that are another tag's spillover, in place.
pub fn drop_spillover(outcomes: &mut [HashtagOutcome]) {
    let sets: Vec<(usize, u32, Vec<u32>)> = outcomes
        .iter()
        .enumerate()
        .flat_map(|(o, out)| {
            (0..out.moments.len() as u32).map(move |k| (o, k, moment_posts(out, k)))
        })
        .collect();
    let mut dropped: Vec<(usize, u32, String)> = Vec::new();
    for (ob, kb, pb) in &sets {
        let host = sets.iter().find(|(oa, _, pa)| {
            let both = overlap(pb, pa);
            oa != ob && 2 * both >= pb.len() && 2 * both < pa.len()
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
                    100.0 * overlap(pb, pa) as f64 / pb.len().max(1) as f64
                ),
            ));
        }
    }
    for o in 0..outcomes.len() {
        let gone: Vec<&(usize, u32, String)> = dropped.iter().filter(|d| d.0 == o).collect();
        if !gone.is_empty() {
            remove_moments(&mut outcomes[o], &gone);
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
        .filter(|v| !v.counter_speech)
        .map(|v| v.post)
        .collect();
    out.counter_speech_posts = verdicts
        .iter()
        .filter(|v| v.counter_speech)
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
