//! Why a marked post was marked, in words, for the report and the app's detail pane.

use super::{CounterSpeechWhy, PostVerdict, TakeoverMoment};

/// Why a marked post was marked, in words, from its verdict and its moment. `foreign`
/// names what made its content foreign (see [`super::features::feature_names`]).
pub fn explain(
    v: &PostVerdict,
    m: &TakeoverMoment,
    foreign_below: f32,
    foreign: &[String],
) -> String {
    let iso = crate::time::format_iso;
    if let Some(why) = v.counter_speech {
        return format!(
            "counter-speech during the takeover of #{} from {}: an author new to the tag {} (not marked takeover)",
            m.display,
            iso(m.onset_ms),
            counter_speech_reason(why)
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

/// What a counter-speech post did, in words.
fn counter_speech_reason(why: CounterSpeechWhy) -> &'static str {
    match why {
        CounterSpeechWhy::PointsElsewhere => "who points others to another hashtag",
        CounterSpeechWhy::StanceOnTag => {
            "who takes a stance on the tag (condemning it, warning, asking others to stop)"
        }
        CounterSpeechWhy::CommentUnlikeFlood => {
            "who speaks of the tag or its crowd, or takes a stance, in words unlike the flood's"
        }
        CounterSpeechWhy::AnswerUnlikeFlood => {
            "who answers the tag's own users or the flood's authors, unlike the flood"
        }
        CounterSpeechWhy::PlainWordsUnlikeFlood => {
            "who wrote words alone (no link, photo or video), like neither the tag's earlier posts nor the flood: said about what is going on, not part of it"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_for_counter_speech_is_said_apart() {
        let reasons = [
            CounterSpeechWhy::PointsElsewhere,
            CounterSpeechWhy::StanceOnTag,
            CounterSpeechWhy::CommentUnlikeFlood,
            CounterSpeechWhy::AnswerUnlikeFlood,
            CounterSpeechWhy::PlainWordsUnlikeFlood,
        ]
        .map(counter_speech_reason);
        for (k, a) in reasons.iter().enumerate() {
            assert!(reasons[k + 1..].iter().all(|b| a != b), "{a}");
        }
        assert!(reasons[4].contains("words alone"));
    }
}
