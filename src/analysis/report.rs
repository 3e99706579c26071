//! `report.json`: the analysis summarised for people and scripts.

use serde_json::{Value, json};

use crate::analysis::Analysis;
use crate::analysis::timeline::{Series, bin_width_for, robust_range};
use crate::load::Loaded;
use crate::time::format_iso;

/// The report's format version.
pub const REPORT_VERSION: &str = "1";

pub fn build_report(ds: &Loaded, an: &Analysis) -> Value {
    let r = &ds.report;
    let counts = crate::summary::hashtag_counts(ds);
    let takeover_posts = an
        .tags
        .iter()
        .filter(|&&b| b & crate::analysis::bit::TAKEOVER != 0)
        .count();
    json!({
        "version": REPORT_VERSION,
        "derail_version": env!("CARGO_PKG_VERSION"),
        "input": r.path,
        "format": r.format.name(),
        "config": an.config,
        "posts": ds.len(),
        "rows_in": r.rows_in,
        "rejected": {
            "count": r.rejected,
            "by_kind": r.rejected_by_kind,
            "first": r.rejections.iter().take(20).map(|x| x.to_string()).collect::<Vec<_>>(),
        },
        "load_warnings": r.warnings.iter().map(|w| json!({"code": w.code, "count": w.count, "message": w.message})).collect::<Vec<_>>(),
        "time_min": ds.time_range().map(|t| format_iso(t.0)),
        "time_max": ds.time_range().map(|t| format_iso(t.1)),
        "authors": ds.authors.len(),
        "hashtags": hashtags(ds, an, &counts),
        "clusters": clusters(ds, an),
        "dup_groups": dup_groups(ds, an),
        "dup_group_count": an.dup_groups.len(),
        "coordination": coordination(an),
        "coordination_count": an.coordination.len(),
        "takeovers": an.moments.iter().enumerate().map(|(k, m)| moment(ds, an, k, m)).collect::<Vec<_>>(),
        "takeover_posts": takeover_posts,
        "timelines": timelines(ds, an, &counts),
        "timings_ms": an.timings.iter().map(|(s, ms)| json!({"stage": s, "ms": (ms * 10.0).round() / 10.0})).collect::<Vec<_>>(),
        "warnings": an.warnings,
    })
}

/// The 200 biggest hashtags (`counts`, biggest first), each with its status and the
/// reason for it.
fn hashtags(ds: &Loaded, an: &Analysis, counts: &[(u32, u64)]) -> Vec<Value> {
    let display = crate::summary::display_spellings(ds);
    let assessed: std::collections::HashMap<&str, &crate::analysis::HashtagAssessment> =
        an.hashtags.iter().map(|h| (h.tag.as_str(), h)).collect();
    counts
        .iter()
        .take(200)
        .map(|&(h, c)| {
            let tag = ds.hashtag_names.resolve(h);
            let a = assessed.get(tag);
            json!({
                "hashtag": tag,
                "display": display[h as usize],
                "posts": c,
                "status": a.map(|a| a.status.as_str()).unwrap_or("not assessed"),
                "reason": a.map(|a| a.reason.clone()).unwrap_or_else(|| format!(
                    "fewer than {} posts", an.config.takeover.min_tag_posts)),
                "max_takeover_share": a.map(|a| a.max_share),
                "guess": a.is_some_and(|a| a.guess),
            })
        })
        .collect()
}

fn clusters(ds: &Loaded, an: &Analysis) -> Vec<Value> {
    an.clusters
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "size": c.size,
                "top_terms": c.top_terms,
                "exemplar_ids": c.exemplars.iter().map(|&i| ds.post_key(i as usize)).collect::<Vec<_>>(),
                "exemplar_texts": c.exemplars.iter().take(2).map(|&i| ds.text(i as usize)).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// The 100 biggest near-duplicate groups.
fn dup_groups(ds: &Loaded, an: &Analysis) -> Vec<Value> {
    an.dup_groups
        .iter()
        .take(100)
        .map(|g| {
            json!({
                "id": g.id,
                "size": g.size,
                "authors": g.authors,
                "retweets": g.retweets,
                "first": format_iso(g.first_ms),
                "last": format_iso(g.last_ms),
                "representative_id": ds.post_key(g.representative as usize),
                "text": ds.text(g.representative as usize),
            })
        })
        .collect()
}

/// The first 500 coordinated episodes.
fn coordination(an: &Analysis) -> Vec<Value> {
    an.coordination
        .iter()
        .take(500)
        .map(|c| {
            json!({
                "id": c.id,
                "dup_group": c.dup_group,
                "kind": c.kind,
                "accounts": c.accounts,
                "posts": c.posts,
                "start": format_iso(c.start_ms),
                "end": format_iso(c.end_ms),
            })
        })
        .collect()
}

/// Takeover moment `k`, with a few of its marked posts and the evidence behind each.
fn moment(ds: &Loaded, an: &Analysis, k: usize, m: &crate::analysis::TakeoverMoment) -> Value {
    // The moment's first marked posts, by time then id (not by where they sit in the file).
    let explained = |counter: bool, cap: usize| -> Vec<Value> {
        let mut chosen: Vec<&crate::analysis::PostVerdict> = an
            .verdicts
            .iter()
            .filter(|v| v.moment as usize == k && v.counter_speech.is_some() == counter)
            .collect();
        chosen.sort_by(|a, b| ds.cmp_time_id(a.post as usize, b.post as usize));
        chosen
            .into_iter()
            .take(cap)
            .map(|v| {
                let i = v.post as usize;
                let mut example = json!({
                    "id": ds.id(i),
                    "line": ds.line(i),
                    "familiarity": round3(v.familiarity),
                    "why": an.why(ds, i),
                });
                if let Some(why) = v.counter_speech {
                    example["counter_speech_why"] = json!(why);
                }
                example
            })
            .collect()
    };
    json!({
        "hashtag": m.hashtag,
        "display": m.display,
        "start": format_iso(m.onset_ms),
        "peak": format_iso(m.peak_ms),
        "end": format_iso(m.end_ms),
        "share": round3(m.share),
        "newcomer_share": round3(m.newcomer_share),
        "score": m.score,
        "clusters": m.clusters.iter().map(|c| c.0).collect::<Vec<_>>(),
        "cluster_shares": m.clusters.iter().map(|c| json!({"cluster": c.0, "share": round3(c.1)})).collect::<Vec<_>>(),
        "terms": m.terms,
        "burst_factor": round3(m.burst_factor),
        "posts": m.posts,
        "takeover_posts": m.takeover_posts,
        "takeover_authors": m.takeover_authors,
        "baseline_posts": m.baseline_posts,
        "baseline_authors": m.baseline_authors,
        "baseline_from": format_iso(m.baseline_from_ms),
        "baseline_to": format_iso(m.baseline_to_ms),
        "counter_speech_posts": m.counter_speech_posts,
        "on_topic_share": round3(m.on_topic_share),
        "topic_similarity": round3(m.topic_similarity),
        "why": "its posts between start and end were mostly by authors new to the tag, with content foreign to the tag's baseline; counter-speech (posts about the tag or its crowd) is never counted as takeover",
        "takeover_examples": explained(false, 10),
        "counter_speech_examples": explained(true, 5),
        "near_duplicate_share": round3(m.near_duplicate_share),
        "coordinated_share": round3(m.coordinated_share),
        "lexicons": m.lexicons.iter().map(|(n, s)| json!({"tagger": n, "share": round3(*s)})).collect::<Vec<_>>(),
        "bin_minutes": m.bin_ms / 60_000,
        "crowd_similarity": round3(m.crowd_similarity),
    })
}

/// Timelines of the 10 biggest hashtags over the dataset's span: all posts, takeover
/// posts, per cluster and per tag.
fn timelines(ds: &Loaded, an: &Analysis, counts: &[(u32, u64)]) -> Vec<Value> {
    let Some((lo, hi)) = robust_range(&ds.created_at) else {
        return Vec::new();
    };
    let bin = bin_width_for(lo, hi, 300);
    counts
        .iter()
        .take(10)
        .map(|&(h, _)| timeline(ds, an, h, (lo, hi, bin)))
        .collect()
}

/// The timeline of hashtag `h` in bins of `bin` ms from `lo` to `hi`: all its posts, its
/// takeover posts, its six biggest clusters and every tag its posts carry.
fn timeline(ds: &Loaded, an: &Analysis, h: u32, (lo, hi, bin): (i64, i64, i64)) -> Value {
    let posts: Vec<usize> = (0..ds.len())
        .filter(|&i| ds.hashtags.get(i).contains(&h))
        .collect();
    let series_of = |keep: &dyn Fn(usize) -> bool| {
        let mut sr = Series::new(lo, hi, bin);
        let mut any = false;
        for &i in posts.iter().filter(|&&i| keep(i)) {
            sr.add(ds.created_at[i]);
            any = true;
        }
        (sr, any)
    };
    let (all, _) = series_of(&|_| true);
    let (tk, _) = series_of(&|i| an.is_takeover(i));
    let mut cl_count: std::collections::BTreeMap<i32, u64> = Default::default();
    for &i in &posts {
        *cl_count.entry(an.cluster[i]).or_default() += 1;
    }
    let mut top_cl: Vec<(i32, u64)> = cl_count.into_iter().collect();
    top_cl.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top_cl.truncate(6);
    let by_cluster: Vec<Value> = top_cl
        .iter()
        .map(|&(c, _)| {
            let (sr, _) = series_of(&|i| an.cluster[i] == c);
            json!({"cluster": c, "posts": sr.counts})
        })
        .collect();
    let by_tag: Vec<Value> = an
        .tag_names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.is_empty())
        .filter_map(|(b, name)| {
            let (sr, any) = series_of(&|i| an.tags[i] >> b & 1 == 1);
            any.then(|| json!({"tag": name, "posts": sr.counts}))
        })
        .collect();
    json!({
        "hashtag": ds.hashtag_names.resolve(h),
        "start": format_iso(all.start_ms),
        "bin_minutes": bin / 60_000,
        "posts": all.counts,
        "takeover_posts": tk.counts,
        "by_cluster": by_cluster,
        "by_tag": by_tag,
    })
}

fn round3(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}
