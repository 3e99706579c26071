//! Why a marked post was marked, in words, for the report and the app's detail pane.

use super::{PostVerdict, TakeoverMoment};

/// Why a marked post was marked, in words, from its verdict and its moment. `foreign`
/// names what made its content foreign (see [`super::features::feature_names`]).
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
