//! A takeover is a window in which most of a tag's posts are takeover content. A wave
//! opens on bins whose share tips over the threshold, but its onset and end are then
//! refined from the posts, and its share is measured again over that window, judged beside
//! the flood. A moment whose takeover posts are not most of the tag's posts between its
//! onset and end (a second, smaller wave just after a flood's end, where the flood's tail
//! and the tag's own posts come about even) is dropped last, with the reason said, once
//! the checks across tags have run on every moment as found.

use super::HashtagOutcome;

/// Drops the moments whose takeover share is at or under `threshold`.
pub fn drop_minority_moments(outcomes: &mut [HashtagOutcome], threshold: f32) {
    let mut dropped = Vec::new();
    for (o, out) in outcomes.iter().enumerate() {
        for (k, m) in out.moments.iter().enumerate() {
            if m.share <= threshold {
                dropped.push((
                    o,
                    k as u32,
                    format!(
                        "a shift from {} never held most of the tag's posts ({:.0}% of its posts between onset and end were takeover content)",
                        crate::time::format_iso(m.onset_ms),
                        m.share * 100.0
                    ),
                ));
            }
        }
    }
    super::spillover::remove(outcomes, &dropped);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::takeover::{PostVerdict, TakeoverMoment};

    /// One tag with a moment per share, each with three takeover posts of its own.
    fn tag_with_moments(shares: &[f32]) -> HashtagOutcome {
        let moments: Vec<TakeoverMoment> = shares
            .iter()
            .enumerate()
            .map(|(k, &share)| TakeoverMoment {
                share,
                onset_ms: k as i64 * 3_600_000,
                ..Default::default()
            })
            .collect();
        let verdicts: Vec<PostVerdict> = (0..shares.len() as u32)
            .flat_map(|k| {
                (0..3).map(move |j| PostVerdict {
                    post: 10 * k + j,
                    moment: k,
                    familiarity: 0.1,
                    taken_nearby: 0.0,
                    counter_speech: None,
                    foreign: [u32::MAX; 3],
                })
            })
            .collect();
        let mut outcome = HashtagOutcome::new("x", "x", 100, 3_600_000);
        outcome.assessment.status = "takeover".into();
        outcome.assessment.moments = shares.len() as u32;
        outcome.takeover_posts = verdicts.iter().map(|v| v.post).collect();
        outcome.newcomer_posts = verdicts.iter().map(|v| v.post).collect();
        outcome.verdicts = verdicts;
        outcome.moments = moments;
        outcome
    }

    #[test]
    fn a_moment_that_never_held_most_of_the_tags_posts_is_dropped_with_its_marks() {
        let mut outcomes = vec![tag_with_moments(&[0.76, 0.43]), tag_with_moments(&[0.5])];
        drop_minority_moments(&mut outcomes, 0.5);
        // The flood stays; the smaller wave after it goes, and its posts are no longer
        // marked takeover (they stay newcomers).
        let first = &outcomes[0];
        assert_eq!(first.moments.len(), 1);
        assert_eq!(first.moments[0].share, 0.76);
        assert_eq!(first.takeover_posts, vec![0, 1, 2]);
        assert!(first.verdicts.iter().all(|v| v.moment == 0 && v.post < 3));
        assert_eq!(first.newcomer_posts.len(), 6);
        assert_eq!(first.assessment.status, "takeover");
        // Exactly half is not most: the tag is left with no takeover, and says why.
        let second = &outcomes[1];
        assert!(second.moments.is_empty() && second.takeover_posts.is_empty());
        assert_eq!(second.assessment.status, "no takeover");
        assert!(
            second.assessment.reason.contains("never held most"),
            "{}",
            second.assessment.reason
        );
    }
}
