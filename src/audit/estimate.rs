//! Design-based estimates from a stratified random sample of hand labels.
//!
//! Every audit figure is a ratio of two population totals, `R = Y / X`, over the posts
//! of a window: precision is (hand takeover ∧ derail takeover) / derail takeover, recall
//! the same over hand takeover, F1 is 2·both / (hand + derail), the share is hand
//! takeover / posts. Each stratum `h` holds `N_h` posts of which `n_h` were drawn at
//! random and labelled; the totals are estimated as `Ŷ = Σ N_h · ȳ_h` and the ratio's
//! variance by linearisation, `V(R) = Σ N_h² (1 − n_h/N_h) s²_h(d) / n_h` with
//! `d = (y − R·x) / X̂` (Cochran, *Sampling Techniques*, §6.11). The 95 % interval is the
//! Wilson interval at the effective sample size `R(1 − R) / V(R)` (Korn & Graubard), so it
//! stays inside [0, 1] and does not collapse to a point when every label agrees.

use serde::Serialize;

/// One labelled post's two indicators: `y` (numerator) and `x` (denominator).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub y: f64,
    pub x: f64,
}

/// The labelled sample of one stratum.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StratumSample {
    /// Posts in the stratum (the population).
    pub population: u64,
    /// Whether any post of the stratum can count in the denominator; a stratum that
    /// cannot (no derail-marked post, for precision) needs no labels.
    pub relevant: bool,
    pub units: Vec<Unit>,
    /// The unit a post of this stratum would give with its hand label turned over. When
    /// every label of a stratum agrees, the stratum's variance is taken as if one more
    /// label had gone the other way, so a stratum that happened to draw no disagreement
    /// does not claim to be known exactly (the linearised variance would say zero).
    pub flipped: Option<Unit>,
}

/// A ratio estimate with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioEstimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Labels it rests on (in the strata that count).
    pub n: u64,
    pub std_error: f64,
}

/// Why a figure could not be estimated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NoEstimate {
    /// A stratum that counts has no labels yet.
    UnlabelledStratum(usize),
    /// The estimated denominator is zero (no hand or derail positives in the labels).
    EmptyDenominator,
}

const Z95: f64 = 1.959_963_984_540_054;

/// Estimates `R = Y / X` over the strata.
pub fn ratio(strata: &[StratumSample]) -> Result<RatioEstimate, NoEstimate> {
    let mut y_total = 0.0;
    let mut x_total = 0.0;
    let mut n = 0u64;
    for (h, s) in strata.iter().enumerate() {
        if !s.relevant || s.population == 0 {
            continue;
        }
        if s.units.is_empty() {
            return Err(NoEstimate::UnlabelledStratum(h));
        }
        let weight = s.population as f64 / s.units.len() as f64;
        y_total += weight * s.units.iter().map(|u| u.y).sum::<f64>();
        x_total += weight * s.units.iter().map(|u| u.x).sum::<f64>();
        n += s.units.len() as u64;
    }
    if x_total <= 0.0 {
        return Err(NoEstimate::EmptyDenominator);
    }
    let r = y_total / x_total;
    let mut variance = 0.0;
    for s in strata.iter().filter(|s| s.relevant && s.population > 0) {
        let nh = s.units.len() as f64;
        if nh < 1.0 {
            continue;
        }
        let nn = s.population as f64;
        let dev = |u: &Unit| (u.y - r * u.x) / x_total;
        let d: Vec<f64> = s.units.iter().map(dev).collect();
        let mean = d.iter().sum::<f64>() / nh;
        let mut s2 = if nh > 1.0 {
            d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nh - 1.0)
        } else {
            0.0
        };
        let fpc = (1.0 - nh / nn).max(0.0);
        if s.units.iter().all(|u| *u == s.units[0])
            && let Some(f) = &s.flipped
        {
            // One more, disagreeing, unit: n values of d₀ and one of d₁ have
            // s² = (d₀ − d₁)² / (n + 1) (with n + 1 − 1 = n in the denominator).
            s2 = (d[0] - dev(f)).powi(2) / (nh + 1.0);
        }
        variance += nn * nn * fpc * s2 / nh;
    }
    let (low, high) = wilson_effective(r, variance, n);
    Ok(RatioEstimate {
        value: r,
        low,
        high,
        n,
        std_error: variance.sqrt(),
    })
}

/// The Wilson interval for a proportion `p` whose variance is `variance`, at the
/// effective sample size `p(1 − p) / variance`; `n` when that is undefined (p at 0 or 1,
/// or no variance: every label agrees, or the whole stratum was labelled).
pub fn wilson_effective(p: f64, variance: f64, n: u64) -> (f64, f64) {
    let p = p.clamp(0.0, 1.0);
    if variance <= 0.0 && (1.0 - p) * p > 0.0 {
        // Every post of the strata was labelled: the figure is exact.
        return (p, p);
    }
    let n_eff = if variance > 0.0 && p > 0.0 && p < 1.0 {
        p * (1.0 - p) / variance
    } else {
        n as f64
    };
    if n_eff <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_eff;
    let centre = (p + z2 / (2.0 * n_eff)) / denom;
    let half = Z95 * (p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(pairs: &[(f64, f64)]) -> Vec<Unit> {
        pairs.iter().map(|&(y, x)| Unit { y, x }).collect()
    }

    /// One stratum, a proportion (x = 1): 4 of 10 labelled posts out of 100.
    /// R = 0.4; d_i = (y_i − 0.4)/100 · … worked by hand:
    /// X̂ = 100, s²(y) = (4·0.36 + 6·0.16)/9 = 0.2667, s²(d) = s²(y)/100²,
    /// V = 100² · 0.9 · s²(d) / 10 = 0.9 · 0.2667 / 10 = 0.024, n_eff = 0.24/0.024 = 10.
    #[test]
    fn simple_random_sample_by_hand() {
        let mut u = units(&[(1.0, 1.0); 4]);
        u.extend(units(&[(0.0, 1.0); 6]));
        let e = ratio(&[StratumSample {
            population: 100,
            relevant: true,
            units: u,
            flipped: None,
        }])
        .unwrap();
        assert!((e.value - 0.4).abs() < 1e-12);
        assert!((e.std_error - 0.024f64.sqrt()).abs() < 1e-12, "{e:?}");
        // Wilson at n = 10, p = 0.4: (0.1682, 0.6873).
        assert!((e.low - 0.168_180).abs() < 1e-5, "{e:?}");
        assert!((e.high - 0.687_326).abs() < 1e-5, "{e:?}");
        assert_eq!(e.n, 10);
    }

    #[test]
    fn a_stratum_that_counts_needs_labels() {
        let s = [
            StratumSample {
                population: 10,
                relevant: true,
                units: units(&[(1.0, 1.0)]),
                flipped: None,
            },
            StratumSample {
                population: 10,
                relevant: true,
                units: vec![],
                flipped: None,
            },
            StratumSample {
                population: 10,
                relevant: false,
                units: vec![],
                flipped: None,
            },
        ];
        assert_eq!(ratio(&s), Err(NoEstimate::UnlabelledStratum(1)));
    }

    /// Ten labels out of 100, all yes: the stratum is not known exactly. With one more,
    /// disagreeing, label: s² = 1/11, V = 0.9 · (1/11) / 10 = 0.0081818 (and p = 1 takes
    /// the Wilson interval at n = 10).
    #[test]
    fn a_stratum_where_every_label_agrees_still_has_variance() {
        let e = ratio(&[StratumSample {
            population: 100,
            relevant: true,
            units: units(&[(1.0, 1.0); 10]),
            flipped: Some(Unit { y: 0.0, x: 1.0 }),
        }])
        .unwrap();
        assert!(
            (e.std_error - (0.9f64 / 110.0).sqrt()).abs() < 1e-12,
            "{e:?}"
        );
        assert!(e.low < 0.75 && e.high > 1.0 - 1e-9, "{e:?}");
    }

    #[test]
    fn labelling_everything_is_exact() {
        let e = ratio(&[StratumSample {
            population: 4,
            relevant: true,
            units: units(&[(1.0, 1.0), (0.0, 1.0), (1.0, 1.0), (1.0, 1.0)]),
            flipped: None,
        }])
        .unwrap();
        assert_eq!((e.value, e.low, e.high), (0.75, 0.75, 0.75));
    }
}
