//! Onset, peak and end of a wave, from the pooled per-post takeover flags.
//!
//! The share is measured over a rolling window of `r` minutes. The onset is the first
//! takeover post from which the forward share stays above the threshold through the first
//! wave bin; the end is the last takeover post whose backward share is above it (the wave
//! was found in bins, and a bin-level wave ends only when the share has stayed below the
//! threshold for a while, so brief dips inside a wave do not end it); the peak is the
//! window with the most takeover posts.

/// Where a wave starts, peaks and ends (milliseconds).
#[derive(Debug, Clone, Copy)]
pub struct WaveTimes {
    pub onset_ms: i64,
    pub peak_ms: i64,
    pub end_ms: i64,
}

/// `times` are the region's post times (sorted), `tc` its takeover flags; the wave was
/// found in the bins from `wave_start` (first bin of width `bin`) to `wave_end`.
pub fn refine(
    times: &[i64],
    tc: &[bool],
    wave_start: i64,
    wave_end: i64,
    bin: i64,
    r: i64,
    threshold: f32,
) -> WaveTimes {
    let n = times.len();
    let fwd = forward_shares(times, tc, r);
    let first_bin_end = (wave_start + bin).min(wave_end);
    let m = times.partition_point(|&t| t < first_bin_end);
    let mut suffix_ok = vec![false; m + 1];
    suffix_ok[m] = true;
    for j in (0..m).rev() {
        suffix_ok[j] = suffix_ok[j + 1] && fwd[j] > threshold;
    }
    let onset_ms = (0..m)
        .find(|&j| tc[j] && suffix_ok[j])
        .map(|j| times[j])
        .unwrap_or(wave_start);

    let mut last_above = None;
    let (mut s, mut cnt) = (0usize, 0usize);
    for j in 0..n {
        if tc[j] {
            cnt += 1;
        }
        while times[s] <= times[j] - r {
            if tc[s] {
                cnt -= 1;
            }
            s += 1;
        }
        let share = cnt as f32 / (j + 1 - s) as f32;
        if tc[j] && share > threshold && times[j] >= onset_ms {
            last_above = Some(j);
        }
    }
    let end_ms = last_above
        .map(|j| times[j] + 1)
        .unwrap_or(wave_end)
        .max(onset_ms + 1);

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

/// Share of takeover posts in `[t_j, t_j + r)` for each `j`.
fn forward_shares(times: &[i64], tc: &[bool], r: i64) -> Vec<f32> {
    let n = times.len();
    let mut fwd = vec![0.0f32; n];
    let (mut e, mut cnt) = (0usize, 0usize);
    for j in 0..n {
        while e < n && times[e] < times[j] + r {
            if tc[e] {
                cnt += 1;
            }
            e += 1;
        }
        fwd[j] = cnt as f32 / (e - j) as f32;
        if tc[j] {
            cnt -= 1;
        }
    }
    fwd
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn a_clean_wave_is_found_where_it_is() {
        // One post a minute for 10 hours; takeover posts from 3h to 7h, three in four.
        let times: Vec<i64> = (0..600).map(|k| k * MIN).collect();
        let tc: Vec<bool> = (0..600)
            .map(|k| (180..420).contains(&k) && k % 4 != 0)
            .collect();
        let w = refine(&times, &tc, 180 * MIN, 420 * MIN, 60 * MIN, 15 * MIN, 0.5);
        assert!((w.onset_ms - 181 * MIN).abs() <= 2 * MIN, "{w:?}");
        assert!((w.end_ms - 419 * MIN).abs() <= 2 * MIN, "{w:?}");
        assert!(w.peak_ms >= w.onset_ms && w.peak_ms < w.end_ms);
    }
}
