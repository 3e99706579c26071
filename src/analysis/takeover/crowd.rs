//! Whose crowd arrived? When a fandom's own members pour into its tag (ARMY streaming
//! under #BTS), they are new to the tag and post something its small baseline never saw,
//! yet they are the tag's own neighbourhood: their other hashtags are the baseline
//! crowd's. Such a moment is dropped, with the reason said.
//!
//! The profiles leave out every hashtag that was taken over: a crowd of bots that flooded
//! #Starbucks and then #Nike carries #Starbucks in its profile, and so may #Nike's own
//! crowd; sharing a flooded tag says nothing about being one crowd. That is why this runs
//! once every tag has been assessed.

use rustc_hash::FxHashSet;

use super::{DetectorInput, HashtagOutcome, describe};

/// Measures each moment's crowd similarity and drops the moments made by the tag's own
/// neighbourhood (similarity at or above `max`).
pub fn drop_own_crowd(inp: &DetectorInput, outcomes: &mut [HashtagOutcome], max: f32) {
    let flooded: FxHashSet<u32> = outcomes
        .iter()
        .flat_map(|o| o.moments.iter().map(|m| m.hashtag_index))
        .collect();
    let mut dropped = Vec::new();
    for (o, out) in outcomes.iter_mut().enumerate() {
        for (k, m) in out.moments.iter_mut().enumerate() {
            let mut skip = flooded.clone();
            skip.insert(m.hashtag_index);
            m.crowd_similarity = describe::crowd_similarity(inp, &m.crowd, &skip);
            if std::env::var_os("DERAIL_DEBUG").is_some() {
                let top = |authors: &[u32]| {
                    let p = inp.hashtag_profile(authors, &skip, m.crowd.before);
                    let mut v: Vec<(String, f32)> = p
                        .iter()
                        .map(|(h, c)| (inp.ds.hashtag_names.resolve(*h).to_string(), *c))
                        .collect();
                    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    v.truncate(6);
                    v
                };
                eprintln!(
                    "[debug] crowd of #{}: {:.2}; baseline {} {:?}; newcomers {} {:?}",
                    m.hashtag,
                    m.crowd_similarity,
                    m.crowd.baseline.len(),
                    top(&m.crowd.baseline),
                    m.crowd.newcomers.len(),
                    top(&m.crowd.newcomers)
                );
            }
            if m.crowd_similarity >= max {
                dropped.push((
                    o,
                    k as u32,
                    format!(
                        "a shift from {} was made by the tag's own neighbourhood: the newcomers used the same other hashtags as its baseline crowd (similarity {:.2})",
                        crate::time::format_iso(m.onset_ms),
                        m.crowd_similarity
                    ),
                ));
            }
        }
    }
    super::spillover::remove(outcomes, &dropped);
}
