//! A flood fades with its moment; a tag's everyday use goes on. When a tag's posts begin
//! with the data, its baseline is its first hours, and the crowd of its everyday use can
//! arrive after them with templates the baseline never held: new authors, foreign content,
//! a wave. What tells it from a flood is what follows. A flood's copies (near-duplicate
//! families) are posted in the tag while it lasts; the tag's everyday templates go on being
//! posted for as long as the data runs. So a moment whose takeover posts are mostly copies,
//! and whose families' posts in the tag come mostly (more than half) after its end, is the
//! tag's everyday use settling in: it is dropped, with the reason said. (Of the 355 moments
//! derail found on true takeovers of the held-out worlds, seeds 1-20 and 141-313 at 5k to
//! 100k posts, twarc-csv, at most 23% of their families' posts came after the end, the
//! flood's tail included; a background tag whose own templates began two hours into the
//! data measured 91%.)

use super::HashtagOutcome;
use super::spillover::{copies_by_family, moment_posts};

/// Drops the moments that are a tag's everyday use settling in (see the module's comment).
/// `tag_posts[o]` are the posts of outcome `o`'s hashtag, `family(i)` post `i`'s
/// near-duplicate family and `created_at` every post's time.
pub fn drop_settled_use(
    outcomes: &mut [HashtagOutcome],
    tag_posts: &[Vec<u32>],
    family: impl Fn(u32) -> Option<u32>,
    created_at: &[i64],
) {
    let mut dropped: Vec<(usize, u32, String)> = Vec::new();
    for (o, out) in outcomes.iter().enumerate() {
        for (k, moment) in out.moments.iter().enumerate() {
            let posts = moment_posts(out, k as u32);
            let Some(families) = copies_by_family(&posts, &family) else {
                continue;
            };
            if families.is_empty() {
                continue;
            }
            let (mut in_tag, mut after) = (0usize, 0usize);
            for &i in &tag_posts[o] {
                if family(i).is_some_and(|g| families.contains_key(&g)) {
                    in_tag += 1;
                    after += (created_at[i as usize] > moment.end_ms) as usize;
                }
            }
            if 2 * after > in_tag {
                dropped.push((
                    o,
                    k as u32,
                    format!(
                        "the newcomers from {} posted templates the tag went on using after the wave ({:.0}% of their copies in the tag came after {}): the tag's everyday use settling in, not a flood",
                        crate::time::format_iso(moment.onset_ms),
                        100.0 * after as f64 / in_tag as f64,
                        crate::time::format_iso(moment.end_ms)
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
    use crate::analysis::takeover::spillover::tests::tag_with_moment;

    /// A tag with one moment ending at time 100, whose takeover posts are `takeover`.
    fn tag(takeover: &[u32]) -> HashtagOutcome {
        let mut outcome = tag_with_moment("x", takeover, takeover.len() as u32);
        outcome.moments[0].end_ms = 100;
        outcome
    }

    #[test]
    fn a_moment_whose_templates_go_on_after_it_is_the_tags_everyday_use() {
        // Posts 0..40 are the moment's (time 50); their families are post % 4.
        let moment: Vec<u32> = (0..40).collect();
        let family = |i: u32| Some(i % 4);
        // The flood's families fade: 10 more posts after the end. The tag's everyday
        // templates go on: 60 more.
        let mut created_at = vec![50i64; 100];
        created_at[40..].fill(500);
        let flood_posts: Vec<u32> = (0..50).collect();
        let everyday_posts: Vec<u32> = (0..100).collect();
        let mut outcomes = vec![tag(&moment), tag(&moment)];
        drop_settled_use(
            &mut outcomes,
            &[flood_posts, everyday_posts],
            family,
            &created_at,
        );
        assert_eq!(outcomes[0].moments.len(), 1);
        assert!(outcomes[1].moments.is_empty());
        assert!(outcomes[1].takeover_posts.is_empty());
        assert!(
            outcomes[1].assessment.reason.contains("everyday use"),
            "{}",
            outcomes[1].assessment.reason
        );
    }
}
