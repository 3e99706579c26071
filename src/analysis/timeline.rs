//! Timelines: adaptive time bins (minutes to days) over a robust time range, and binned
//! counts per hashtag, per cluster and per tag.

use serde::Serialize;

const MIN: i64 = 60_000;
/// Bin widths, in minutes, from one minute to a week.
pub const LADDER_MIN: [i64; 13] = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 4320, 10080];

/// The 1st and 99th percentile of times: outliers (a post dated year 0) do not stretch it.
pub fn robust_range(times: &[i64]) -> Option<(i64, i64)> {
    if times.is_empty() {
        return None;
    }
    let mut v = times.to_vec();
    let n = v.len();
    let lo_k = n / 100;
    let hi_k = n - 1 - n / 100;
    let lo = *v.select_nth_unstable(lo_k).1;
    let hi = *v.select_nth_unstable(hi_k).1;
    Some((lo, hi.max(lo + 1)))
}

/// A bin width giving about `target` bins over `[lo, hi]`.
pub fn bin_width_for(lo: i64, hi: i64, target: i64) -> i64 {
    let want = (hi - lo) / target.max(1);
    LADDER_MIN
        .iter()
        .map(|m| m * MIN)
        .find(|&w| w >= want)
        .unwrap_or(10080 * MIN)
}

/// Counts over regular bins.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub bin_ms: i64,
    pub start_ms: i64,
    pub counts: Vec<u32>,
}

impl Series {
    pub fn new(lo: i64, hi: i64, bin_ms: i64) -> Series {
        let start = lo.div_euclid(bin_ms) * bin_ms;
        let n = ((hi - start) / bin_ms + 1).clamp(1, 200_000) as usize;
        Series {
            bin_ms,
            start_ms: start,
            counts: vec![0; n],
        }
    }

    /// Adds a post at `t`; times outside the range are ignored.
    pub fn add(&mut self, t: i64) {
        if t < self.start_ms {
            return;
        }
        let k = ((t - self.start_ms) / self.bin_ms) as usize;
        if let Some(c) = self.counts.get_mut(k) {
            *c += 1;
        }
    }

    pub fn bin_start(&self, k: usize) -> i64 {
        self.start_ms + k as i64 * self.bin_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_range_ignores_outliers() {
        let mut t: Vec<i64> = (0..1000).map(|i| 1_600_000_000_000 + i * 60_000).collect();
        t.push(-62_000_000_000_000);
        let (lo, hi) = robust_range(&t).unwrap();
        assert!(lo >= 1_600_000_000_000 && hi > lo);
        assert_eq!(bin_width_for(lo, hi, 100), 10 * MIN);
        let mut s = Series::new(lo, hi, 10 * MIN);
        s.add(lo);
        s.add(-5);
        assert_eq!(s.counts.iter().sum::<u32>(), 1);
    }
}
