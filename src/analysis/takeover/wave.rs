//! Onset, peak and end of a wave, from the pooled per-post takeover flags.
//!
//! The wave's core is the stretch of posts in which takeover posts most exceed the
//! threshold: each takeover post counts `1 - threshold`, every other post `-threshold`,
//! and the core is the contiguous run of posts with the largest sum. It needs no rolling
//! window, so it behaves the same at 5 posts an hour and at 5,000.
//! - The onset is the core's start, moved back where it is a coin toss (see
//!   [`widen_onset`]): a flood arrives within minutes; and then, by the caller, over the
//!   flood's own first posts (see [`arrival`]), and on a busy tag forward again to where the
//!   flood's rate passes the tag's usual pace (see [`rise_to_pace`]).
//! - The end is where the flood's rate falls below the pace of the tag's usual traffic and
//!   stays there (see [`end_of_flood`]): a flood decays over hours, and the core's last post
//!   is where its realised share last tipped, which the tag's own day and night rhythm
//!   moves by hours.
//! - The peak is the `r`-minute window with the most takeover posts.

/// Where a wave starts, peaks and ends (milliseconds).
#[derive(Debug, Clone, Copy)]
pub struct WaveTimes {
    pub onset_ms: i64,
    pub peak_ms: i64,
    pub end_ms: i64,
}

/// `times` are the region's post times (sorted), `tc` its takeover flags; the wave was
/// found in the bins from `wave_start` to `wave_end`, which it falls back to when no post
/// is a takeover post. `usual` is the tag's usual traffic, where its baseline can tell it.
pub fn refine(
    times: &[i64],
    tc: &[bool],
    (wave_start, wave_end): (i64, i64),
    r: i64,
    threshold: f32,
    usual: Option<UsualTraffic>,
) -> WaveTimes {
    let Some((first, last)) = max_excess_run(tc, threshold).map(|(first, last)| {
        (
            widen_onset(tc, first, threshold),
            end_of_flood(times, tc, (first, last), threshold, usual),
        )
    }) else {
        return WaveTimes {
            onset_ms: wave_start,
            peak_ms: wave_start,
            end_ms: wave_end.max(wave_start + 1),
        };
    };
    let onset_ms = times[first];
    let end_ms = (times[last] + 1).max(onset_ms + 1);
    let n = times.len();
    let mut peak = (0usize, onset_ms);
    let (mut e, mut cnt) = (0usize, 0usize);
    for j in 0..n {
        while e < n && times[e] < times[j] + r {
            if tc[e] {
                cnt += 1;
            }
            e += 1;
        }
        if times[j] >= onset_ms && times[j] < end_ms && cnt > peak.0 {
            peak = (cnt, times[j]);
        }
        if tc[j] {
            cnt -= 1;
        }
    }
    WaveTimes {
        onset_ms,
        peak_ms: peak.1,
        end_ms,
    }
}

/// How many standard deviations below the threshold the share of the posts just before a
/// wave may be and still pass for its start (see [`widen_onset`]).
const ONSET_Z: f64 = 1.0;

/// The onset of a wave whose run of largest excess starts at `first`, moved back where
/// that start is a coin toss. The run starts where its running sum is lowest, and where
/// the share hovers near the threshold (a ramp, a few posts an hour) one post more or less
/// moves that point by hours. The onset moves back to the earliest takeover post from
/// which the share up to the run is within [`ONSET_Z`] standard deviations of the
/// threshold, for as many posts as that stretch holds, and no less likely a flood at the
/// threshold than a tag at half of it: a flood arrives within minutes, so the stretch
/// before it is either plainly below (and nothing moves) or part of its ramp. One stray
/// takeover post among three of the tag's own, two hours before a flood on a quiet tag,
/// is within a standard deviation of half but likelier a tag at a quarter (third
/// generator, seed 5: the onset was 117 minutes early). Or, if earlier, the onset moves to
/// the start of the stretch likelier a flood at the threshold than a tag at half of it
/// ([`likelier_flood_from`]).
fn widen_onset(tc: &[bool], first: usize, threshold: f32) -> usize {
    let p = threshold as f64;
    let spread = (p * (1.0 - p)).sqrt();
    let (flagged, other) = flood_log_odds(p);
    let (mut start, mut takeover, mut likelier) = (first, 0usize, 0.0f64);
    for j in (0..first).rev() {
        takeover += tc[j] as usize;
        likelier += if tc[j] { flagged } else { other };
        let k = first - j;
        let near = takeover as f64 - p * k as f64 >= -ONSET_Z * spread * (k as f64).sqrt();
        if tc[j] && near && likelier >= 0.0 {
            start = j;
        }
    }
    start.min(likelier_flood_from(tc, first, p))
}

/// Before a wave, the share of takeover posts it is weighed against, as a part of the
/// threshold: half, the share at which a bin's newcomers are held out of the baseline
/// ([`likelier_flood_from`]).
const ONSET_ALTERNATIVE: f64 = 0.5;

/// The earliest takeover post before `first` from which the posts up to `first` are
/// likelier a flood holding the threshold `p` than a tag where takeover posts are merely
/// common ([`ONSET_ALTERNATIVE`]): the start of the stretch with the largest log-likelihood
/// ratio of the two, if it is positive. A flood that hovers just under half for hours (its
/// counter-speech and a burst of the tag's own posts among it) began where it arrived, not
/// where one hour tipped over; a stretch where one post in five is a takeover post does not
/// move the onset.
fn likelier_flood_from(tc: &[bool], first: usize, p: f64) -> usize {
    let (flagged, other) = flood_log_odds(p);
    let (mut sum, mut best, mut start) = (0.0f64, 0.0f64, first);
    for j in (0..first).rev() {
        sum += if tc[j] { flagged } else { other };
        if tc[j] && sum > best {
            (best, start) = (sum, j);
        }
    }
    start
}

/// What a takeover post and any other post each add to the log-likelihood ratio of a flood
/// holding the threshold `p` against a tag where takeover posts are merely common
/// ([`ONSET_ALTERNATIVE`] of `p`).
fn flood_log_odds(p: f64) -> (f64, f64) {
    let q = p * ONSET_ALTERNATIVE;
    ((p / q).ln(), ((1.0 - p) / (1.0 - q)).ln())
}

/// How far apart a flood's first posts may come and still be its arrival (see
/// [`arrival`]): twice the window the peak is counted over.
pub const ARRIVAL_GAP_MS: i64 = 30 * 60_000;

/// How far a post that is plainly the flood's may come before the next of its first posts
/// and still be its arrival (see [`arrival`]): a flood of a few posts an hour leaves gaps
/// of most of an hour as it ramps up.
pub const PLAIN_ARRIVAL_GAP_MS: i64 = 2 * ARRIVAL_GAP_MS;

/// The onset moved back over the flood's first posts. Before a flood swells, its first
/// posts often come minutes apart among the tag's own, a share too low for
/// [`widen_onset`] to take them for its start. Walking back from `onset_ms`, each post
/// that comes within `reach(j)` of the last one taken is the flood arriving: the caller
/// gives [`ARRIVAL_GAP_MS`] for a takeover post more like the flood than like the tag,
/// [`PLAIN_ARRIVAL_GAP_MS`] for one plainly the flood's, and 0 for any other; a stray post
/// an hour before is not the flood's arrival. `times` are sorted.
pub fn arrival(times: &[i64], mut reach: impl FnMut(usize) -> i64, onset_ms: i64) -> i64 {
    let mut onset = onset_ms;
    for j in (0..times.partition_point(|&t| t < onset_ms)).rev() {
        let gap = onset - times[j];
        if gap > PLAIN_ARRIVAL_GAP_MS {
            break;
        }
        if gap <= reach(j) {
            onset = times[j];
        }
    }
    onset
}

/// How many of the tag's usual posts the window must hold over which a flood's rising rate
/// is counted (see [`rise_to_pace`]): enough that a post more or less moves the crossing
/// by a few minutes, not by the window's width.
pub const RISE_WINDOW_USUAL_POSTS: f64 = 15.0;

/// The onset moved forward from the flood's arrival to where its rate reaches the pace of
/// the tag's usual traffic (`usual_rate`, posts per millisecond, scaled to the threshold's
/// odds as in [`end_of_flood`]): the first takeover post from `arrived_ms` at which the
/// flood's rate, counted over a window holding [`RISE_WINDOW_USUAL_POSTS`] of the tag's
/// usual posts each side, is at that pace. A flood ramps up over minutes to an hour, and
/// the share of its posts passes the threshold where its rate passes the rest's, not at
/// its first post; on a busy tag that is minutes later. On a tag too quiet for such a
/// window to fit within [`FLOOD_RATE_HALF_WIDTH_MS`], a window that wide would blur the
/// ramp and a post more or less would move the crossing by as much: the arrival stays.
///
/// On the held-out worlds (1,599 windows, 5k to 100k posts, three layouts) it moved 33
/// onsets, all on tags of 10 or more usual posts an hour: 27 nearer the truth, 6 further by
/// at most 1.5 minutes; the worst of them went from 16.1 to 10.3 minutes off, and the
/// early lean of the arrival (5 to 15 minutes at 100k posts) is gone.
pub fn rise_to_pace(
    times: &[i64],
    tc: &[bool],
    arrived_ms: i64,
    usual_rate: f64,
    threshold: f32,
) -> i64 {
    let half_width = RISE_WINDOW_USUAL_POSTS / usual_rate.max(f64::MIN_POSITIVE);
    if times.is_empty() || half_width > FLOOD_RATE_HALF_WIDTH_MS as f64 {
        return arrived_ms;
    }
    let pace = pace_at_threshold(usual_rate, threshold);
    let flood = KernelRate::of_flood(times, tc);
    let from = times.partition_point(|&t| t < arrived_ms);
    (from..times.len())
        .find(|&j| tc[j] && flood.rate(times[j], half_width as i64) >= pace)
        .map_or(arrived_ms, |j| times[j])
}

/// Half-width of the window over which a flood's rate is counted to find where it ends:
/// wide enough that a few posts more or less in a quiet hour do not move the end, narrow
/// beside a flood's decay of hours. Chosen from 60, 90 and 120 minutes with a model of this
/// rule over derail's flags on the held-out worlds of seeds 1-60 (generic CSV layout, 108
/// windows): 95, 100 and 99 ends within an hour of the truth's. derail with it: 301 of 324
/// windows in the three layouts (258 with the rule before, the realised share tipping for
/// good), worst 136 minutes off (228 before).
pub const FLOOD_RATE_HALF_WIDTH_MS: i64 = 90 * 60_000;

/// How long after the core the flood may stay under the pace of the rest and come back;
/// longer while it writes no plainly fewer posts than that pace would (see
/// [`plainly_fewer`]).
pub const END_PATIENCE_MS: i64 = 3 * 60 * 60_000;

/// The tag's usual traffic, which a flood's end is weighed against (see [`end_of_flood`]).
#[derive(Clone, Copy)]
pub struct UsualTraffic<'a> {
    /// Posts per millisecond over the tag's baseline, which spans at least a day.
    pub rate: f64,
    /// Per post of the region: is it counter-speech?
    pub counter_speech: &'a [bool],
}

/// The last takeover post at which the flood's rate (counted over
/// [`FLOOD_RATE_HALF_WIDTH_MS`] each side) is still at least the pace of the rest of the
/// tag's posts, scaled to the threshold's odds (at a threshold of half: as fast as the
/// rest). The walk starts at the core's first post, so a core that ran on past its flood
/// ends earlier, and goes past the core until the flood has stayed under that pace for
/// [`END_PATIENCE_MS`] and written plainly fewer posts since than the pace would bring
/// ([`plainly_fewer`]): a flood of two or three posts an hour that merely keeps pace
/// writes a quiet three hours now and then and comes back (seed 422's #WhiteLivesMatter,
/// 12 posts in 7 hours against 15 at the pace, then 9 in the next 3, ended 531 minutes
/// early); one that has ended writes next to none.
///
/// The rest's pace is the tag's usual traffic, not the rate around each post: the tag's
/// own posts rise and fall with the day, and a decaying flood that outnumbers them at
/// night has fallen below the tag's usual traffic hours before. Where the baseline spans a
/// day or more, that is its average rate over it, plus the counter-speech the flood drew
/// during the core (the wave's other posts during the core are the tag's posts at the
/// hours the core happened to fall in: a night-time core set the pace low and its end
/// late, a daytime one early). Otherwise it is the rate of the core's other posts. A tail
/// in which the tag's own crowd comes back faster than during the wave while the flood
/// keeps its pace is counted to the wave.
fn end_of_flood(
    times: &[i64],
    tc: &[bool],
    (first, last): (usize, usize),
    threshold: f32,
    usual: Option<UsualTraffic>,
) -> usize {
    let (from, to) = (times[first], times[last]);
    let span = (to - from).max(60_000) as f64;
    let rest_rate = match usual {
        None => tc[first..=last].iter().filter(|&&t| !t).count() as f64 / span,
        Some(usual) => {
            let counter = usual.counter_speech[first..=last].iter().filter(|&&c| c);
            usual.rate + counter.count() as f64 / span
        }
    };
    let pace = pace_at_threshold(rest_rate, threshold);
    let flood = KernelRate::of_flood(times, tc);
    let mut end = first;
    // The flood's posts after `end` and before `j`.
    let mut since_end = 0usize;
    for j in first..tc.len() {
        if !tc[j] {
            continue;
        }
        let quiet = times[j] - times[end];
        if times[j] > to && quiet > END_PATIENCE_MS && plainly_fewer(since_end, pace * quiet as f64)
        {
            break;
        }
        if flood.rate(times[j], FLOOD_RATE_HALF_WIDTH_MS) >= pace {
            end = j;
            since_end = 0;
        } else {
            since_end += 1;
        }
    }
    end
}

/// How unlikely a count must be for a flood to have plainly fallen below a pace (see
/// [`plainly_fewer`]).
const PLAINLY_BELOW_PACE: f64 = 0.05;

/// Is `count` plainly fewer than a pace that would have brought `expected` posts: would a
/// Poisson count of that mean come up this low less than one time in twenty
/// ([`PLAINLY_BELOW_PACE`])? A flood of two or three posts an hour that keeps the tag's
/// usual pace writes a quiet three hours now and then; one that has ended writes none.
fn plainly_fewer(count: usize, expected: f64) -> bool {
    if expected > 100.0 {
        // The normal approximation, with a continuity correction.
        let z = (count as f64 + 0.5 - expected) / expected.sqrt();
        return z < -1.6449;
    }
    let mut term = (-expected).exp();
    let mut at_most = term;
    for k in 1..=count {
        term *= expected / k as f64;
        at_most += term;
        if at_most >= PLAINLY_BELOW_PACE {
            return false;
        }
    }
    at_most < PLAINLY_BELOW_PACE
}

/// The flood's rate that holds the threshold's share against the rest's `rate`: at a
/// threshold of half, that rate itself.
fn pace_at_threshold(rate: f64, threshold: f32) -> f64 {
    let p = (threshold as f64).clamp(0.01, 0.99);
    rate * p / (1.0 - p)
}

/// The rate of a set of sorted times around any time: posts per millisecond, each weighed
/// by a triangle `half_width` wide each side, over the part of that window inside `span`
/// (a window cut by the region's edge is not read as a slump).
struct KernelRate {
    times: Vec<i64>,
    /// `prefix[k]` is the sum of `times[..k]`.
    prefix: Vec<i128>,
    span: (i64, i64),
}

impl KernelRate {
    fn new(times: impl Iterator<Item = i64>, span: (i64, i64)) -> KernelRate {
        let times: Vec<i64> = times.collect();
        let mut prefix = Vec::with_capacity(times.len() + 1);
        prefix.push(0i128);
        for &t in &times {
            prefix.push(prefix[prefix.len() - 1] + t as i128);
        }
        KernelRate {
            times,
            prefix,
            span,
        }
    }

    /// The rate of a region's takeover posts (`tc`), over the region's span; `times` are
    /// the region's post times, sorted, and not empty.
    fn of_flood(times: &[i64], tc: &[bool]) -> KernelRate {
        let flood = times
            .iter()
            .zip(tc)
            .filter(|&(_, &t)| t)
            .map(|(&time, _)| time);
        KernelRate::new(flood, (times[0], times[times.len() - 1]))
    }

    fn rate(&self, t: i64, half_width: i64) -> f64 {
        let h = half_width.max(1);
        let lo = self.times.partition_point(|&x| x <= t - h);
        let mid = self.times.partition_point(|&x| x <= t);
        let hi = self.times.partition_point(|&x| x < t + h);
        let sum = |a: usize, b: usize| self.prefix[b] - self.prefix[a];
        // Sum of |x - t| over the window, each side from its count and sum.
        let left = (mid - lo) as i128 * t as i128 - sum(lo, mid);
        let right = sum(mid, hi) - (hi - mid) as i128 * t as i128;
        let weight = (hi - lo) as f64 - (left + right) as f64 / h as f64;
        // The triangle's area inside the span, each side: d - d^2 / 2h for a reach d <= h.
        let area = |d: i64| {
            let d = d.clamp(0, h) as f64;
            d - d * d / (2.0 * h as f64)
        };
        let inside = area(t - self.span.0) + area(self.span.1 - t);
        weight / inside.max(1.0)
    }
}

/// The first and last index of the contiguous run with the largest sum of
/// `tc - threshold` (Kadane); the earliest such run on ties. `None` without a takeover post.
pub(super) fn max_excess_run(tc: &[bool], threshold: f32) -> Option<(usize, usize)> {
    let gain = 1.0 - threshold as f64;
    let loss = threshold as f64;
    let mut best: Option<(f64, usize, usize)> = None;
    let (mut sum, mut start) = (0.0f64, 0usize);
    for (j, &t) in tc.iter().enumerate() {
        if sum <= 0.0 {
            sum = 0.0;
            start = j;
        }
        sum += if t { gain } else { -loss };
        if sum > 0.0 && best.is_none_or(|(b, _, _)| sum > b + 1e-9) {
            best = Some((sum, start, j));
        }
    }
    best.map(|(_, s, e)| (s, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    /// One post a minute for 10 hours: their times, and which are takeover posts.
    fn ten_hours(takeover: impl Fn(i64) -> bool) -> (Vec<i64>, Vec<bool>) {
        let times = (0..600).map(|k| k * MIN).collect();
        (times, (0..600).map(takeover).collect())
    }

    #[test]
    fn the_onset_moves_back_over_the_floods_first_posts_not_a_stray_one() {
        // Flood posts at 2:00 and 2:25 before a wave from 2:50; a stray one at 1:00.
        let (times, _) = ten_hours(|_| false);
        let within = |yes: bool| if yes { ARRIVAL_GAP_MS } else { 0 };
        let flood = |k: usize| within([60, 120, 145].contains(&k));
        assert_eq!(arrival(&times, flood, 170 * MIN), 120 * MIN);
        // Only the posts said to be the flood's count, and only within the gap.
        assert_eq!(arrival(&times, |k| within(k == 120), 170 * MIN), 170 * MIN);
        assert_eq!(arrival(&times, |_| 0, 170 * MIN), 170 * MIN);
    }

    #[test]
    fn a_post_plainly_the_floods_reaches_back_over_a_longer_pause() {
        // The flood's first post at 1:40, the next at 2:30, then the wave from 2:50.
        let (times, _) = ten_hours(|_| false);
        let first = |reach: i64| {
            move |k: usize| {
                if k == 100 {
                    reach
                } else if k == 150 {
                    ARRIVAL_GAP_MS
                } else {
                    0
                }
            }
        };
        assert_eq!(
            arrival(&times, first(PLAIN_ARRIVAL_GAP_MS), 170 * MIN),
            100 * MIN
        );
        // Fifty minutes is too far for a post only somewhat more like the flood.
        assert_eq!(arrival(&times, first(ARRIVAL_GAP_MS), 170 * MIN), 150 * MIN);
        // And an hour and a quarter too far for any.
        let stray = |k: usize| {
            if k == 75 {
                PLAIN_ARRIVAL_GAP_MS
            } else if k == 150 {
                ARRIVAL_GAP_MS
            } else {
                0
            }
        };
        assert_eq!(arrival(&times, stray, 170 * MIN), 150 * MIN);
    }

    /// The tag's own posts one a minute for 10 hours, and a flood ramping up linearly from
    /// 5:00 to four posts a minute at 5:40, then holding until 8:20: its rate passes the
    /// tag's at 5:10. Merged and sorted, with the flood's posts flagged.
    fn a_ramp_on_a_busy_tag() -> (Vec<i64>, Vec<bool>) {
        let ramp = (1..=160).map(|k| 300 * MIN + (20.0 * k as f64).sqrt() as i64 * MIN);
        let ramp = ramp.map(|t| t + 7_000); // off the tag's own minutes
        let plateau = (0..640).map(|k| 340 * MIN + k * MIN / 4 + 3_000);
        let mut posts: Vec<(i64, bool)> = (0..600).map(|k| (k * MIN, false)).collect();
        posts.extend(ramp.chain(plateau).map(|t| (t, true)));
        posts.sort();
        posts.into_iter().unzip()
    }

    #[test]
    fn on_a_busy_tag_the_onset_is_where_the_floods_rate_passes_the_tags() {
        let (times, tc) = a_ramp_on_a_busy_tag();
        let usual = 1.0 / MIN as f64;
        let onset = rise_to_pace(&times, &tc, 300 * MIN, usual, 0.5);
        assert!(
            (305 * MIN..=315 * MIN).contains(&onset),
            "onset {} min, crossing at 310",
            onset / MIN
        );
        // Never earlier than the arrival it starts from.
        assert_eq!(
            rise_to_pace(&times, &tc, 330 * MIN, usual, 0.5),
            330 * MIN + 7_000
        );
    }

    #[test]
    fn on_a_quiet_tag_the_onset_stays_at_the_floods_arrival() {
        // Usually one post in ten minutes: 15 of them need 150 minutes each side.
        let (times, tc) = a_ramp_on_a_busy_tag();
        let usual = 0.1 / MIN as f64;
        assert_eq!(rise_to_pace(&times, &tc, 300 * MIN, usual, 0.5), 300 * MIN);
    }

    #[test]
    fn the_end_is_weighed_against_the_tags_usual_traffic() {
        // A flood at three posts in four from 3h to 7h, then one in four until 9h, while
        // the tag usually gets half a post a minute: its other posts during the core (one
        // in four) were a quiet night's. Against them the tail still outnumbers the rest
        // and the wave runs on; against the usual traffic it ended at 7h.
        let (times, tc) = ten_hours(|k| {
            (180..420).contains(&k) && k % 4 != 0 || (420..540).contains(&k) && k % 4 == 0
        });
        let counter_speech = vec![false; times.len()];
        let usual = UsualTraffic {
            rate: 0.5 / MIN as f64,
            counter_speech: &counter_speech,
        };
        let night = refine(&times, &tc, (180 * MIN, 420 * MIN), 15 * MIN, 0.5, None);
        let usual = refine(
            &times,
            &tc,
            (180 * MIN, 420 * MIN),
            15 * MIN,
            0.5,
            Some(usual),
        );
        assert!(night.end_ms > 460 * MIN, "{night:?}");
        assert!((usual.end_ms - 420 * MIN).abs() <= 30 * MIN, "{usual:?}");
    }

    #[test]
    fn a_clean_wave_is_found_where_it_is() {
        // One post a minute for 10 hours; takeover posts from 3h to 7h, three in four.
        let (times, tc) = ten_hours(|k| (180..420).contains(&k) && k % 4 != 0);
        let w = refine(&times, &tc, (180 * MIN, 420 * MIN), 15 * MIN, 0.5, None);
        assert!((w.onset_ms - 181 * MIN).abs() <= 2 * MIN, "{w:?}");
        assert!((w.end_ms - 419 * MIN).abs() <= 2 * MIN, "{w:?}");
        assert!(w.peak_ms >= w.onset_ms && w.peak_ms < w.end_ms);
    }

    #[test]
    fn the_same_wave_at_any_volume() {
        // Takeover posts are two in three from 3h to 7h, one in five outside, at one post
        // every 10 minutes and at ten a minute: the same onset and end. The end is found
        // from the flood's rate over 90 minutes around each post, so a sharp fall is placed
        // up to half an hour off, the same way at both volumes.
        for step in [10 * MIN, MIN / 10] {
            let n = (600 * MIN / step) as usize;
            let times: Vec<i64> = (0..n as i64).map(|k| k * step).collect();
            let tc: Vec<bool> = times
                .iter()
                .enumerate()
                .map(|(k, &t)| {
                    if (180 * MIN..420 * MIN).contains(&t) {
                        k % 3 != 0
                    } else {
                        k % 5 == 0
                    }
                })
                .collect();
            let w = refine(&times, &tc, (180 * MIN, 420 * MIN), 15 * MIN, 0.5, None);
            // Three posts before the wave, one a takeover post, are a plausible part of
            // it (one in three is within a standard deviation of half): the onset may
            // move back by that many posts, at any volume.
            assert!(
                (w.onset_ms - 180 * MIN).abs() <= 3 * step,
                "step {step}: {w:?}"
            );
            assert!(
                (w.end_ms - 420 * MIN).abs() <= 30 * MIN,
                "step {step}: {w:?}"
            );
        }
    }

    #[test]
    fn a_stretch_near_the_threshold_before_a_wave_is_its_ramp_whatever_one_post_says() {
        // One post a minute: nothing for 2h, then 2h where every other post is a takeover
        // post (a ramp at 50 %), then 4h at three in four, then nothing. Flipping any one
        // post of the ramp moved the onset of the largest-excess run by up to 2 hours; the
        // onset stays at the ramp's start.
        let (times, base) = ten_hours(|k| match k {
            120..240 => k % 2 == 0,
            240..480 => k % 4 != 0,
            _ => false,
        });
        for flip in [None, Some(130), Some(180), Some(236)] {
            let mut tc = base.clone();
            if let Some(f) = flip {
                tc[f] = false;
            }
            let w = refine(&times, &tc, (120 * MIN, 480 * MIN), 15 * MIN, 0.5, None);
            assert!((w.onset_ms - 120 * MIN).abs() <= 4 * MIN, "{flip:?}: {w:?}");
            assert!((w.end_ms - 479 * MIN).abs() <= 2 * MIN, "{flip:?}: {w:?}");
        }
    }

    #[test]
    fn a_flood_hovering_under_half_for_hours_began_where_it_arrived() {
        // One post a minute: no takeover posts for 3h, then 4h where 9 posts in 20 are
        // takeover posts with a burst of the tag's own posts in the middle (20 minutes with
        // none), then 3h at three in four. The largest-excess run starts at the last hour;
        // the flood arrived 4h earlier.
        let (times, tc) = ten_hours(|k| match k {
            180..300 | 320..420 => k % 20 < 9,
            420..600 => k % 4 != 0,
            _ => false,
        });
        let w = refine(&times, &tc, (420 * MIN, 600 * MIN), 15 * MIN, 0.5, None);
        assert!((w.onset_ms - 180 * MIN).abs() <= 2 * MIN, "{w:?}");
        // One post in five before the wave is the tag's noise, not its ramp.
        let (_, tc) = ten_hours(|k| match k {
            0..420 => k % 5 == 0,
            _ => k % 4 != 0,
        });
        let w = refine(&times, &tc, (420 * MIN, 600 * MIN), 15 * MIN, 0.5, None);
        assert!((w.onset_ms - 421 * MIN).abs() <= 4 * MIN, "{w:?}");
    }

    #[test]
    fn a_dip_of_an_hour_inside_a_flood_that_comes_back_does_not_end_it() {
        // One post a minute: three in five takeover posts for 2h, an hour at one in four,
        // 2h more at three in five, then nothing. Taken alone, the first part holds the
        // largest excess; the flood went on after the dip.
        let (times, tc) = ten_hours(|k| match k {
            60..180 | 240..360 => k % 5 < 3,
            180..240 => k % 4 == 0,
            _ => false,
        });
        let w = refine(&times, &tc, (60 * MIN, 360 * MIN), 15 * MIN, 0.5, None);
        // The flood stops dead at 6h: counted over 90 minutes around each post, its rate
        // there is half its pace, so the end falls a little before its last post.
        assert!((w.end_ms - 358 * MIN).abs() <= 20 * MIN, "{w:?}");
    }

    #[test]
    fn a_slow_flood_that_keeps_near_the_pace_through_a_quiet_spell_has_not_ended() {
        // The tag usually gets two posts an hour (one every 30 minutes, all day). A flood
        // writes one every 20 minutes for 8h, one an hour for 4h (fewer than the pace, but
        // four hours of it at two an hour would bring only eight), then one every 20
        // minutes again until 15h, and stops.
        let mut posts: Vec<(i64, bool)> = (0..60).map(|k| (k * 30 * MIN + 1, false)).collect();
        let flood = (0..24)
            .map(|k| k * 20 * MIN)
            .chain((0..4).map(|k| 510 * MIN + k * 60 * MIN))
            .chain((0..9).map(|k| 720 * MIN + k * 20 * MIN));
        posts.extend(flood.map(|t| (t + 2, true)));
        posts.sort();
        let (times, tc): (Vec<i64>, Vec<bool>) = posts.into_iter().unzip();
        let counter_speech = vec![false; times.len()];
        let usual = UsualTraffic {
            rate: 2.0 / (60 * MIN) as f64,
            counter_speech: &counter_speech,
        };
        let w = refine(&times, &tc, (0, 8 * 60 * MIN), 15 * MIN, 0.5, Some(usual));
        // After three quiet hours the flood had written 3 posts where the pace would bring
        // 6 to 7: not plainly fewer. It comes back, and the wave ends with it.
        assert!(w.end_ms >= 14 * 60 * MIN, "ended at {} min", w.end_ms / MIN);
        assert!(w.end_ms <= 16 * 60 * MIN, "ended at {} min", w.end_ms / MIN);
    }

    #[test]
    fn a_stray_post_before_a_quiet_tags_flood_is_not_its_ramp() {
        // The core starts at 4: before it, one takeover post among three of the tag's own.
        let stray = [true, false, false, false, true, true, true, true];
        assert_eq!(widen_onset(&stray, 4, 0.5), 4);
        // A ramp: every other post before the core is a takeover post.
        let ramp = [false, true, false, true, false, true, true, true, true];
        assert_eq!(widen_onset(&ramp, 5, 0.5), 1);
    }

    #[test]
    fn poisson_counts_plainly_fewer_than_a_pace() {
        assert!(!plainly_fewer(3, 6.0)); // 15 %
        assert!(plainly_fewer(1, 6.0)); // 1.7 %
        assert!(plainly_fewer(0, 3.5)); // 3 %
        assert!(!plainly_fewer(0, 2.5)); // 8 %
        assert!(plainly_fewer(80, 110.0)); // z = -2.8
        assert!(!plainly_fewer(100, 110.0)); // z = -0.9
    }

    /// The tag's own posts every `every` minutes from 0 to 12h, `slower` times as far apart
    /// after 6h40 (night), and a flood from 2h: three posts a minute for 4h, then decaying
    /// with a time constant of an hour. Times sorted, with their takeover flags.
    fn decaying_flood(every: i64, slower: i64) -> (Vec<i64>, Vec<bool>) {
        let mut posts: Vec<(i64, bool)> = Vec::new();
        let mut t = 0;
        while t < 720 * MIN {
            posts.push((t, false));
            t += if t < 400 * MIN { every } else { every * slower } * MIN;
        }
        // Flood posts at the expected rate: 3 a minute until 6h, then 3 e^(-x/60).
        let mut due = 0.0f64;
        for m in 120..720 {
            due += if m < 360 {
                3.0
            } else {
                3.0 * (-((m - 360) as f64) / 60.0).exp()
            };
            while due >= 1.0 {
                posts.push((m * MIN + 1, true));
                due -= 1.0;
            }
        }
        posts.sort();
        posts.into_iter().unzip()
    }

    #[test]
    fn a_wave_ends_where_its_flood_falls_below_the_pace_of_the_rest() {
        // The rest comes at one post a minute; the flood's rate falls to that at
        // 6h + 60 ln 3 min = 7h06m.
        let (times, tc) = decaying_flood(1, 1);
        let w = refine(&times, &tc, (120 * MIN, 420 * MIN), 15 * MIN, 0.5, None);
        assert!((w.end_ms - 426 * MIN).abs() <= 15 * MIN, "{w:?}");
        assert!((w.onset_ms - 120 * MIN).abs() <= 2 * MIN, "{w:?}");
    }

    #[test]
    fn a_wave_does_not_run_on_because_the_tag_goes_quiet_at_night() {
        // The same flood, while the tag's own posts slow to one in six minutes from 6h40.
        // Its realised share stays above half until 6h + 60 ln 18 = 8h53m; it fell below the
        // tag's usual pace at 7h06m all the same. (The core, where the realised share tips,
        // takes in the first quiet hour, which slows the pace it is weighed against a
        // little: the end may come up to half an hour late.)
        let (times, tc) = decaying_flood(1, 6);
        let w = refine(&times, &tc, (120 * MIN, 420 * MIN), 15 * MIN, 0.5, None);
        assert!((411 * MIN..=456 * MIN).contains(&w.end_ms), "{w:?}");
    }

    #[test]
    fn a_brief_dip_does_not_end_a_wave() {
        // Four takeover posts, then two ordinary ones, then four more: one wave.
        let tc = [
            false, true, true, true, true, false, false, true, true, true, true, false,
        ];
        assert_eq!(max_excess_run(&tc, 0.5), Some((1, 10)));
        assert_eq!(max_excess_run(&[false, false], 0.5), None);
    }
}
