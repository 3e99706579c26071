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
    let display = crate::summary::display_spellings(ds);
    let assessed: std::collections::HashMap<&str, &crate::analysis::HashtagAssessment> =
        an.hashtags.iter().map(|h| (h.tag.as_str(), h)).collect();
    let hashtags: Vec<Value> = counts
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
            })
        })
        .collect();
    let post_id = |i: u32| ds.post_key(i as usize);
    let clusters: Vec<Value> = an
        .clusters
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "size": c.size,
                "top_terms": c.top_terms,
                "exemplar_ids": c.exemplars.iter().map(|&i| post_id(i)).collect::<Vec<_>>(),
                "exemplar_texts": c.exemplars.iter().take(2).map(|&i| ds.text(i as usize)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let dup_groups: Vec<Value> = an
        .dup_groups
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
                "representative_id": post_id(g.representative),
                "text": ds.text(g.representative as usize),
            })
        })
        .collect();
    let coordination: Vec<Value> = an
        .coordination
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
        .collect();
    let takeovers: Vec<Value> = an
        .moments
        .iter()
        .enumerate()
        .map(|(k, m)| {
            // A few marked posts of the moment, each with the evidence behind its mark.
            let explained = |counter: bool, cap: usize| -> Vec<Value> {
                an.verdicts
                    .iter()
                    .filter(|v| v.moment as usize == k && v.counter_speech == counter)
                    .take(cap)
                    .map(|v| {
                        let i = v.post as usize;
                        json!({
                            "id": ds.id(i),
                            "line": ds.line(i),
                            "familiarity": round3(v.familiarity),
                            "why": an.why(ds, i),
                        })
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
        })
        .collect();
    // Timelines of the top hashtags: total, takeover posts, per cluster and per tag.
    let mut timelines = Vec::new();
    if let Some((lo, hi)) = robust_range(&ds.created_at) {
        let bin = bin_width_for(lo, hi, 300);
        let top: Vec<u32> = counts.iter().take(10).map(|&(h, _)| h).collect();
        for &h in &top {
            let posts: Vec<usize> = (0..ds.len())
                .filter(|&i| ds.hashtags.get(i).contains(&h))
                .collect();
            let mut all = Series::new(lo, hi, bin);
            let mut tk = Series::new(lo, hi, bin);
            let mut cl_count: std::collections::BTreeMap<i32, u64> = Default::default();
            for &i in &posts {
                all.add(ds.created_at[i]);
                if an.is_takeover(i) {
                    tk.add(ds.created_at[i]);
                }
                *cl_count.entry(an.cluster[i]).or_default() += 1;
            }
            let mut top_cl: Vec<(i32, u64)> = cl_count.into_iter().collect();
            top_cl.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            top_cl.truncate(6);
            let by_cluster: Vec<Value> = top_cl
                .iter()
                .map(|&(c, _)| {
                    let mut sr = Series::new(lo, hi, bin);
                    for &i in &posts {
                        if an.cluster[i] == c {
                            sr.add(ds.created_at[i]);
                        }
                    }
                    json!({"cluster": c, "posts": sr.counts})
                })
                .collect();
            let by_tag: Vec<Value> = an
                .tag_names
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.is_empty())
                .filter_map(|(b, name)| {
                    let mut sr = Series::new(lo, hi, bin);
                    let mut any = false;
                    for &i in &posts {
                        if an.tags[i] >> b & 1 == 1 {
                            sr.add(ds.created_at[i]);
                            any = true;
                        }
                    }
                    any.then(|| json!({"tag": name, "posts": sr.counts}))
                })
                .collect();
            timelines.push(json!({
                "hashtag": ds.hashtag_names.resolve(h),
                "start": format_iso(all.start_ms),
                "bin_minutes": bin / 60_000,
                "posts": all.counts,
                "takeover_posts": tk.counts,
                "by_cluster": by_cluster,
                "by_tag": by_tag,
            }));
        }
    }
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
        "hashtags": hashtags,
        "clusters": clusters,
        "dup_groups": dup_groups,
        "dup_group_count": an.dup_groups.len(),
        "coordination": coordination,
        "coordination_count": an.coordination.len(),
        "takeovers": takeovers,
        "takeover_posts": takeover_posts,
        "timelines": timelines,
        "timings_ms": an.timings.iter().map(|(s, ms)| json!({"stage": s, "ms": (ms * 10.0).round() / 10.0})).collect::<Vec<_>>(),
        "warnings": an.warnings,
    })
}

fn round3(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}
