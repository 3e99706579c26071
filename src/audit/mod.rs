//! The audit of a finding against hand labels: for each takeover moment, derail's
//! precision, recall and F1 for `takeover` and for counter-speech, and the window's true
//! takeover share, each with a 95 % interval, weighted by how the labelled posts were
//! drawn (see [`estimate`]).
//!
//! Which labels count: when the moment has a sampling plan, the labelled posts of its
//! sample, in their strata. Without a plan, every labelled post of the window counts as a
//! simple random sample of the window, except those served by the `uncertain` queue
//! (chosen for being close to derail's decision, so not random); the audit says so.
//! Where coders' disagreements were adjudicated, the adjudicated label stands for the
//! post. A label `unsure` counts nowhere; any label other than `takeover` (or
//! `counter-speech`) is a "no" for that figure.

pub mod estimate;
pub mod packet;
pub mod plan;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{Analysis, TakeoverMoment, bit};
use crate::labels::Labels;
use crate::model::Dataset;
use estimate::{NoEstimate, RatioEstimate, StratumSample, Unit, ratio};
use plan::SamplePlan;

/// The queue whose labels are never counted as random.
pub const UNCERTAIN_QUEUE: &str = "uncertain";

/// The "next most useful" queue of a moment: the newcomers' posts of its window whose
/// familiarity to the tag's baseline came closest to derail's line between foreign and
/// familiar (`takeover.foreign_below`), closest first. Labels served by it show where
/// the detector errs with few labels, but they are not a random draw: the audit leaves
/// them out of its estimates and counts them.
pub fn uncertain_order(ds: &Dataset, an: &Analysis, moment: usize) -> Vec<u32> {
    let Some(m) = an.moments.get(moment) else {
        return Vec::new();
    };
    let line = an.config.takeover.foreign_below;
    let (_, _, window) = plan::window_posts(ds, m);
    let mut near: Vec<(f32, u32)> = window
        .into_iter()
        .filter_map(|i| {
            let f = *an.familiarity.get(i as usize)?;
            (!f.is_nan()).then(|| ((f - line).abs(), i))
        })
        .collect();
    // Ties by time, then id: the same posts in any file order queue the same way.
    near.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| ds.cmp_time_id(a.1 as usize, b.1 as usize))
    });
    near.into_iter().map(|(_, i)| i).collect()
}

/// One labelled post: the hand verdicts and derail's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelledPost {
    pub hand_takeover: bool,
    pub hand_counter_speech: bool,
    pub derail_takeover: bool,
    pub derail_counter_speech: bool,
}

/// The labelled posts of one stratum of the design.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignStratum {
    pub name: String,
    pub population: u64,
    /// Whether any post of the stratum is marked takeover / counter-speech by derail.
    pub any_derail_takeover: bool,
    pub any_derail_counter_speech: bool,
    pub labelled: Vec<LabelledPost>,
    /// Posts drawn into the sample (for a plan), so the audit can say how far along it is.
    pub drawn: u64,
}

/// A figure: its estimate, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Estimate(RatioEstimate),
    Missing { missing: String },
}

impl Figure {
    fn from(r: Result<RatioEstimate, NoEstimate>, strata: &[DesignStratum]) -> Figure {
        match r {
            Ok(e) => Figure::Estimate(e),
            Err(NoEstimate::UnlabelledStratum(h)) => Figure::Missing {
                missing: format!(
                    "no labels yet in the stratum \"{}\"",
                    strata.get(h).map(|s| s.name.as_str()).unwrap_or("?")
                ),
            },
            Err(NoEstimate::EmptyDenominator) => Figure::Missing {
                missing: "no positive case among the labels".into(),
            },
        }
    }

    pub fn estimate(&self) -> Option<&RatioEstimate> {
        match self {
            Figure::Estimate(e) => Some(e),
            Figure::Missing { .. } => None,
        }
    }

    /// `0.82 (0.71–0.90)`, or the reason there is no figure.
    pub fn describe(&self) -> String {
        match self {
            Figure::Estimate(e) => format!("{:.2} ({:.2}–{:.2})", e.value, e.low, e.high),
            Figure::Missing { missing } => format!("— ({missing})"),
        }
    }
}

/// The figures of one design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub precision: Figure,
    pub recall: Figure,
    pub f1: Figure,
    pub share: Figure,
    pub counter_speech_precision: Figure,
    pub counter_speech_recall: Figure,
    /// Labels the figures rest on.
    pub n: u64,
}

/// Computes every figure from the labelled strata.
pub fn figures(strata: &[DesignStratum]) -> Figures {
    let build = |relevant: &dyn Fn(&DesignStratum) -> bool,
                 unit: &dyn Fn(&LabelledPost) -> Unit| {
        strata
            .iter()
            .map(|s| StratumSample {
                population: s.population,
                relevant: relevant(s),
                units: s.labelled.iter().map(unit).collect(),
                flipped: s.labelled.first().map(|p| {
                    unit(&LabelledPost {
                        hand_takeover: !p.hand_takeover,
                        hand_counter_speech: !p.hand_counter_speech,
                        ..*p
                    })
                }),
            })
            .collect::<Vec<_>>()
    };
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    let all = |_: &DesignStratum| true;
    let both = |p: &LabelledPost| b(p.hand_takeover && p.derail_takeover);
    let cs_both = |p: &LabelledPost| b(p.hand_counter_speech && p.derail_counter_speech);
    let fig = |r| Figure::from(r, strata);
    Figures {
        precision: fig(ratio(&build(&|s| s.any_derail_takeover, &|p| Unit {
            y: both(p),
            x: b(p.derail_takeover),
        }))),
        recall: fig(ratio(&build(&all, &|p| Unit {
            y: both(p),
            x: b(p.hand_takeover),
        }))),
        f1: fig(ratio(&build(&all, &|p| Unit {
            y: 2.0 * both(p),
            x: b(p.hand_takeover) + b(p.derail_takeover),
        }))),
        share: fig(ratio(&build(&all, &|p| Unit {
            y: b(p.hand_takeover),
            x: 1.0,
        }))),
        counter_speech_precision: fig(ratio(&build(&|s| s.any_derail_counter_speech, &|p| Unit {
            y: cs_both(p),
            x: b(p.derail_counter_speech),
        }))),
        counter_speech_recall: fig(ratio(&build(&all, &|p| Unit {
            y: cs_both(p),
            x: b(p.hand_counter_speech),
        }))),
        n: strata.iter().map(|s| s.labelled.len() as u64).sum(),
    }
}

/// One stratum as the audit reports it.
#[derive(Debug, Clone, Serialize)]
pub struct StratumReport {
    pub name: String,
    pub population: u64,
    pub drawn: u64,
    pub labelled: u64,
}

/// The audit of one moment.
#[derive(Debug, Clone, Serialize)]
pub struct MomentAudit {
    pub hashtag: String,
    pub display: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// Posts of the audited window.
    pub window_posts: u64,
    /// The plan whose sample the figures rest on, if any.
    pub plan: Option<String>,
    /// How the labels were drawn, in words.
    pub design: String,
    pub blind: bool,
    pub figures: Figures,
    /// derail's own takeover share of the window.
    pub derail_share: f64,
    pub strata: Vec<StratumReport>,
    /// Labels in the window by the queue that served them (`by hand` when none).
    pub labels_by_queue: BTreeMap<String, u64>,
    /// Labels in the window not counted, and why.
    pub not_counted: BTreeMap<String, u64>,
    /// Agreement of each other coder with the labeller's own labels in the window.
    pub coders: Vec<CoderAgreement>,
}

/// How a second coder's labels agree with the labeller's own, in one window.
#[derive(Debug, Clone, Serialize)]
pub struct CoderAgreement {
    pub coder: String,
    /// Posts both labelled.
    pub common: usize,
    pub agreement: f64,
    pub kappa: Option<f64>,
    /// Cohen's kappa of each label against all others (label present or not).
    pub per_label: Vec<(String, Option<f64>)>,
    /// Posts they labelled differently, with the adjudicated label if there is one.
    pub disagreements: Vec<Disagreement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub post: String,
    pub own: String,
    pub coder: String,
    pub adjudicated: Option<String>,
}

/// Compares every coder layer with the own layer over the window's posts.
fn coder_agreements(labels: &Labels, keys: &[String]) -> Vec<CoderAgreement> {
    use crate::labels::agreement::{Coding, cohen_kappa, compare};
    let window: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
    let restrict = |c: Coding| -> Coding {
        c.into_iter()
            .filter(|(k, _)| window.contains(k.as_str()))
            .collect()
    };
    let own = restrict(labels.coding(""));
    let adjudicated = labels.coding(crate::labels::ADJUDICATED);
    labels
        .layer_names()
        .into_iter()
        .filter_map(|layer| layer.strip_prefix("coder:").map(str::to_string))
        .map(|coder| {
            let theirs = restrict(labels.coding(&crate::labels::coder_layer(&coder)));
            let pair = compare("own", &own, &coder, &theirs);
            let binary = |c: &Coding, name: &str| -> Coding {
                c.iter()
                    .map(|(k, v)| (k.clone(), (v == name).to_string()))
                    .collect()
            };
            let per_label = pair
                .labels
                .iter()
                .map(|name| {
                    let k = cohen_kappa(&binary(&own, name), &binary(&theirs, name));
                    (name.clone(), k)
                })
                .collect();
            CoderAgreement {
                coder,
                common: pair.common,
                agreement: pair.agreement,
                kappa: pair.kappa,
                per_label,
                disagreements: pair
                    .disagreements
                    .into_iter()
                    .map(|(post, own, coder)| Disagreement {
                        adjudicated: adjudicated.get(&post).cloned(),
                        post,
                        own,
                        coder,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The label names the audit reads.
struct LabelIds {
    takeover: Option<u32>,
    counter_speech: Option<u32>,
    unsure: Option<u32>,
}

/// Audits every moment of an analysis against the labels.
pub fn audit(ds: &Dataset, an: &Analysis, labels: &Labels) -> Vec<MomentAudit> {
    let ids = LabelIds {
        takeover: labels.by_name("takeover"),
        counter_speech: labels.by_name("counter-speech"),
        unsure: labels.by_name("unsure"),
    };
    an.moments
        .iter()
        .map(|m| audit_moment(ds, an, labels, &ids, m))
        .collect()
}

fn audit_moment(
    ds: &Dataset,
    an: &Analysis,
    labels: &Labels,
    ids: &LabelIds,
    m: &TakeoverMoment,
) -> MomentAudit {
    let (from_ms, to_ms, window) = plan::window_posts(ds, m);
    let derail_share = if window.is_empty() {
        0.0
    } else {
        window
            .iter()
            .filter(|&&i| an.is_takeover(i as usize))
            .count() as f64
            / window.len() as f64
    };
    let keys: Vec<String> = window.iter().map(|&i| ds.post_key(i as usize)).collect();
    let mut reader = WindowLabels {
        an,
        labels,
        ids,
        index: keys
            .iter()
            .map(String::as_str)
            .zip(window.iter().copied())
            .collect(),
        not_counted: BTreeMap::new(),
    };
    let plan = labels
        .plan_for(&m.hashtag)
        .filter(|p| p.from_ms == from_ms && p.to_ms == to_ms);
    let (strata, design, blind) = match plan {
        Some(p) => reader.plan_design(p, &keys),
        None => reader.window_design(&keys),
    };
    MomentAudit {
        hashtag: m.hashtag.clone(),
        display: m.display.clone(),
        from_ms,
        to_ms,
        window_posts: window.len() as u64,
        plan: plan.map(|p| p.id.clone()),
        design,
        blind,
        figures: figures(&strata),
        derail_share,
        strata: strata
            .iter()
            .map(|s| StratumReport {
                name: s.name.clone(),
                population: s.population,
                drawn: s.drawn,
                labelled: s.labelled.len() as u64,
            })
            .collect(),
        labels_by_queue: labels_by_queue(labels, &keys),
        not_counted: reader.not_counted,
        coders: coder_agreements(labels, &keys),
    }
}

/// How many of the posts `keys` were labelled from each queue ("by hand" for none).
fn labels_by_queue(labels: &Labels, keys: &[String]) -> BTreeMap<String, u64> {
    let mut by_queue: BTreeMap<String, u64> = BTreeMap::new();
    for k in keys {
        if let Some(e) = labels.resolved(k) {
            let q = e.queue.clone().unwrap_or_else(|| "by hand".into());
            *by_queue.entry(q).or_default() += 1;
        }
    }
    by_queue
}

/// The hand labels of a moment's window, read beside derail's verdicts, with the labels
/// the estimates leave out and why.
struct WindowLabels<'a> {
    an: &'a Analysis,
    labels: &'a Labels,
    ids: &'a LabelIds,
    /// Each post of the window by its key.
    index: BTreeMap<&'a str, u32>,
    not_counted: BTreeMap<String, u64>,
}

impl WindowLabels<'_> {
    /// The labelled post `key` beside derail's verdict; `None` where it is unlabelled,
    /// not in the window, or labelled unsure (counted as left out).
    fn unit(&mut self, key: &str) -> Option<LabelledPost> {
        let e = self.labels.resolved(key)?;
        if Some(e.label) == self.ids.unsure {
            *self
                .not_counted
                .entry("labelled unsure".into())
                .or_default() += 1;
            return None;
        }
        let i = *self.index.get(key)? as usize;
        Some(LabelledPost {
            hand_takeover: Some(e.label) == self.ids.takeover,
            hand_counter_speech: Some(e.label) == self.ids.counter_speech,
            derail_takeover: self.an.is_takeover(i),
            derail_counter_speech: self.an.has(i, bit::COUNTER_SPEECH),
        })
    }

    /// The strata of sampling plan `p` with their labels; labels outside its sample are
    /// left out. Returns the strata, the design's description and whether it is blind.
    fn plan_design(
        &mut self,
        p: &SamplePlan,
        keys: &[String],
    ) -> (Vec<DesignStratum>, String, bool) {
        let strata = plan_strata(p, &mut |k| self.unit(k));
        let in_sample: std::collections::HashSet<&str> =
            p.order.iter().map(String::as_str).collect();
        let outside = keys
            .iter()
            .filter(|k| !in_sample.contains(k.as_str()) && self.labels.resolved(k).is_some())
            .count() as u64;
        if outside > 0 {
            self.not_counted
                .insert("labelled outside the plan's sample".into(), outside);
        }
        let design = format!(
            "stratified random sample {} ({} strata, seed {}, ±{:.0} points per stratum)",
            p.id,
            p.strata.len(),
            p.request.seed,
            p.request.half_width * 100.0
        );
        (strata, design, p.request.blind)
    }

    /// Without a plan, the window is one stratum and its labelled posts a simple random
    /// sample of it, but for those the uncertain queue served (left out).
    fn window_design(&mut self, keys: &[String]) -> (Vec<DesignStratum>, String, bool) {
        let mut labelled = Vec::new();
        let mut uncertain = 0;
        for k in keys {
            let Some(e) = self.labels.resolved(k) else {
                continue;
            };
            if e.queue.as_deref() == Some(UNCERTAIN_QUEUE) {
                uncertain += 1;
                continue;
            }
            if let Some(u) = self.unit(k) {
                labelled.push(u);
            }
        }
        if uncertain > 0 {
            self.not_counted.insert(
                "served by the uncertain queue (not a random draw)".into(),
                uncertain,
            );
        }
        let strata = vec![DesignStratum {
            name: "window".into(),
            population: keys.len() as u64,
            any_derail_takeover: true,
            any_derail_counter_speech: true,
            drawn: labelled.len() as u64,
            labelled,
        }];
        let design = "no sampling plan: the labelled posts are counted as a simple random sample of the window".to_string();
        (strata, design, false)
    }
}

/// The strata of a plan with the labels of their drawn posts.
fn plan_strata(
    p: &SamplePlan,
    unit: &mut dyn FnMut(&str) -> Option<LabelledPost>,
) -> Vec<DesignStratum> {
    p.strata
        .iter()
        .map(|s| DesignStratum {
            name: s.name.clone(),
            population: s.population,
            any_derail_takeover: s.derail_takeover,
            any_derail_counter_speech: s.derail_counter_speech,
            drawn: s.sample.len() as u64,
            labelled: s.sample.iter().filter_map(|k| unit(k)).collect(),
        })
        .collect()
}

/// The JSON of `derail audit --json`: per moment, the figures flat beside their
/// intervals (`precision`, `precision_ci`, …), then the design.
pub fn to_json(audits: &[MomentAudit]) -> serde_json::Value {
    let fig = |f: &Figure| match f {
        Figure::Estimate(e) => (
            serde_json::json!(e.value),
            serde_json::json!([e.low, e.high]),
            serde_json::Value::Null,
        ),
        Figure::Missing { missing } => (
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::json!(missing),
        ),
    };
    let moments: Vec<serde_json::Value> = audits
        .iter()
        .map(|a| {
            let mut o = serde_json::Map::new();
            o.insert("hashtag".into(), a.hashtag.clone().into());
            o.insert("from".into(), crate::time::format_iso(a.from_ms).into());
            o.insert("to".into(), crate::time::format_iso(a.to_ms).into());
            o.insert("window_posts".into(), a.window_posts.into());
            o.insert("n".into(), a.figures.n.into());
            let f = &a.figures;
            for (name, figure) in [
                ("precision", &f.precision),
                ("recall", &f.recall),
                ("f1", &f.f1),
                ("share", &f.share),
                ("counter_speech_precision", &f.counter_speech_precision),
                ("counter_speech_recall", &f.counter_speech_recall),
            ] {
                let (v, ci, why) = fig(figure);
                o.insert(name.into(), v);
                o.insert(format!("{name}_ci"), ci);
                if !why.is_null() {
                    o.insert(format!("{name}_missing"), why);
                }
            }
            o.insert("derail_share".into(), a.derail_share.into());
            o.insert("plan".into(), serde_json::json!(a.plan));
            o.insert("design".into(), a.design.clone().into());
            o.insert("blind".into(), a.blind.into());
            o.insert("strata".into(), serde_json::json!(a.strata));
            o.insert(
                "labels_by_queue".into(),
                serde_json::json!(a.labels_by_queue),
            );
            o.insert("not_counted".into(), serde_json::json!(a.not_counted));
            o.insert("coders".into(), serde_json::json!(a.coders));
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::json!({ "moments": moments })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(hand: bool, derail: bool) -> LabelledPost {
        LabelledPost {
            hand_takeover: hand,
            hand_counter_speech: false,
            derail_takeover: derail,
            derail_counter_speech: false,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 6e-5
    }

    /// A stratified sample worked by hand. Window of 1,000 posts: 200 marked takeover by
    /// derail, 800 not. Ten drawn from each: 8 of the marked and 1 of the unmarked are
    /// takeover by hand.
    ///
    /// Precision (marked stratum only): 8/10 = 0.8; V = (1 − 10/200)·s²/10 with
    /// s² = 0.16·10/9 = 0.17778 → V = 0.016889, n_eff = 0.16/V = 9.4737, Wilson at
    /// n_eff: (0.4818, 0.9451).
    ///
    /// Recall: TP = 200·0.8 = 160, FN = 800·0.1 = 80, R = 160/240 = 2/3.
    /// d = (y − R·x)/240: marked, 8 × 1/720 and 2 × 0; unmarked, 1 × −1/360 and 9 × 0.
    /// V = 200²·0.95·s²_m/10 + 800²·0.9875·s²_u/10 = 0.0013032 + 0.0487654 = 0.0500686,
    /// n_eff = (2/9)/V = 4.4384, Wilson: (0.2591, 0.9196).
    ///
    /// Share: (160 + 80)/1000 = 0.24; V = 200²·0.95·(0.17778/1000²)/10 +
    /// 800²·0.9875·(0.1/1000²)/10 = 0.00067556 + 0.00632 = 0.0069956, n_eff = 26.074,
    /// Wilson: (0.1167, 0.4300).
    #[test]
    fn stratified_figures_by_hand() {
        let mut marked = vec![post(true, true); 8];
        marked.extend([post(false, true); 2]);
        let mut unmarked = vec![post(true, false)];
        unmarked.extend([post(false, false); 9]);
        let strata = [
            DesignStratum {
                name: "marked takeover".into(),
                population: 200,
                any_derail_takeover: true,
                any_derail_counter_speech: false,
                labelled: marked,
                drawn: 10,
            },
            DesignStratum {
                name: "not marked".into(),
                population: 800,
                any_derail_takeover: false,
                any_derail_counter_speech: false,
                labelled: unmarked,
                drawn: 10,
            },
        ];
        let f = figures(&strata);
        let p = f.precision.estimate().unwrap();
        assert!(
            close(p.value, 0.8) && close(p.std_error, 0.016_889f64.sqrt()),
            "{p:?}"
        );
        assert!(close(p.low, 0.4818) && close(p.high, 0.9451), "{p:?}");
        assert_eq!(p.n, 10);
        let r = f.recall.estimate().unwrap();
        assert!(close(r.value, 2.0 / 3.0), "{r:?}");
        assert!(close(r.std_error, 0.050_068_6f64.sqrt()), "{r:?}");
        assert!(close(r.low, 0.2591) && close(r.high, 0.9196), "{r:?}");
        assert_eq!(r.n, 20);
        let s = f.share.estimate().unwrap();
        assert!(
            close(s.value, 0.24) && close(s.std_error, 0.006_995_6f64.sqrt()),
            "{s:?}"
        );
        assert!(close(s.low, 0.1167) && close(s.high, 0.4300), "{s:?}");
        // F1 = 2·160 / (240 + 200) = 0.7273.
        let f1 = f.f1.estimate().unwrap();
        assert!(close(f1.value, 320.0 / 440.0), "{f1:?}");
        // No counter-speech in the labels or in derail's marks: nothing to estimate.
        assert!(f.counter_speech_recall.estimate().is_none());
        assert_eq!(f.n, 20);
    }

    /// A stratum that counts with no labels leaves recall and share undefined, but not
    /// precision (the unmarked stratum cannot hold derail's positives).
    #[test]
    fn an_unlabelled_stratum_is_named() {
        let strata = [
            DesignStratum {
                name: "marked takeover".into(),
                population: 50,
                any_derail_takeover: true,
                any_derail_counter_speech: false,
                labelled: vec![post(true, true), post(false, true), post(true, true)],
                drawn: 3,
            },
            DesignStratum {
                name: "not marked".into(),
                population: 500,
                any_derail_takeover: false,
                any_derail_counter_speech: false,
                labelled: vec![],
                drawn: 10,
            },
        ];
        let f = figures(&strata);
        assert!(close(f.precision.estimate().unwrap().value, 2.0 / 3.0));
        assert!(
            f.recall.describe().contains("\"not marked\""),
            "{}",
            f.recall.describe()
        );
        assert!(f.share.estimate().is_none());
    }
}
