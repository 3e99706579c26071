//! The same posts must give the same findings however they are stored: in every format
//! derail writes, shuffled, newest first, and with 0.5 % of the rows damaged. Moments are
//! compared with the oldest-first CSV: the same hashtags, onsets within 15 minutes, and
//! takeover-post F1 (by post id, over the original posts that loaded: a Bluesky repost has
//! no id of its own to match) within 0.02.
//!
//! 20k posts per world in `cargo test`; `DERAIL_INVARIANCE_POSTS=100000` (or 1000000) runs
//! the same worlds bigger, in a release build (README, "Accuracy").

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{analyse, load};
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenAuthor, GenConfig, GenPost, Scenario, TruthRole, generate};
use derail::model::PostKind;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What one run found: its moments (hashtag, onset) and the ids of the posts it marked.
struct Findings {
    moments: Vec<(String, i64)>,
    marked: HashSet<String>,
    loaded: HashSet<String>,
    /// How it read and described the posts, for the runs compared in detail (kept for
    /// those only: at 1M posts, every run's maps would not fit in memory).
    details: Option<Details>,
}

/// How one run read and described the posts, keyed by post id.
struct Details {
    /// Post id → topic cluster.
    clusters: HashMap<String, i32>,
    /// Post id → what its text says of it: its script tags and its language.
    reading: HashMap<String, (Vec<String>, String)>,
    /// Each cluster as the report describes it: its exemplars' ids and its top terms.
    described: Vec<(Vec<String>, Vec<String>)>,
    /// Post id → its near-duplicate group's number.
    dup_group: HashMap<String, u32>,
    /// Per moment, the ids of the posts report.json shows as its examples.
    examples: Vec<Vec<String>>,
}

fn findings(path: &Path, detailed: bool) -> Findings {
    let ds = load(path);
    let an = analyse(&ds);
    let mut moments: Vec<(String, i64)> = an
        .moments
        .iter()
        .map(|m| (m.hashtag.clone(), m.onset_ms))
        .collect();
    moments.sort();
    // Bluesky ids are `at://` URIs that end in the generated id.
    let id = |i: usize| {
        let id = ds.id(i);
        id.rsplit('/').next().unwrap_or(&id).to_string()
    };
    Findings {
        moments,
        marked: (0..ds.len())
            .filter(|&i| an.is_takeover(i))
            .map(id)
            .collect(),
        loaded: (0..ds.len()).map(id).collect(),
        details: detailed.then(|| details(&ds, &an, &id)),
    }
}

fn details(
    ds: &derail::load::Loaded,
    an: &derail::analysis::Analysis,
    id: &dyn Fn(usize) -> String,
) -> Details {
    Details {
        clusters: (0..ds.len()).map(|i| (id(i), an.cluster[i])).collect(),
        reading: (0..ds.len())
            .map(|i| {
                let scripts = (0..an.tag_names.len())
                    .filter(|&b| an.tags[i] >> b & 1 == 1 && an.tag_names[b].starts_with("script:"))
                    .map(|b| an.tag_names[b].clone())
                    .collect();
                (
                    id(i),
                    (scripts, an.langs.resolve(an.lang[i] as u32).to_string()),
                )
            })
            .collect(),
        described: {
            let mut d: Vec<(Vec<String>, Vec<String>)> = an
                .clusters
                .iter()
                .map(|c| {
                    let ids = c.exemplars.iter().map(|&i| id(i as usize)).collect();
                    (ids, c.top_terms.clone())
                })
                .collect();
            d.sort();
            d
        },
        dup_group: (0..ds.len()).map(|i| (id(i), an.dup_group[i])).collect(),
        examples: {
            let report = derail::analysis::report::build_report(ds, an);
            let ids = |m: &serde_json::Value, key: &str| -> Vec<String> {
                m[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| e["id"].as_str().unwrap_or("").to_string())
                    .collect()
            };
            let mut e: Vec<Vec<String>> = report["takeovers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| {
                    [
                        ids(m, "takeover_examples"),
                        ids(m, "counter_speech_examples"),
                    ]
                    .concat()
                })
                .collect();
            e.sort();
            e
        },
    }
}

/// The posts whose scripts or language differ between two runs.
fn read_differently(a: &Details, b: &Details) -> Vec<String> {
    let mut ids: Vec<String> = a
        .reading
        .iter()
        .filter(|(id, r)| b.reading.get(*id).is_some_and(|other| other != *r))
        .map(|(id, r)| format!("{id} {r:?} vs {:?}", b.reading[id]))
        .collect();
    ids.sort();
    ids
}

fn f1(found: &Findings, truth: &HashSet<String>, originals: &HashSet<String>) -> f64 {
    let truth: HashSet<&String> = truth
        .iter()
        .filter(|id| found.loaded.contains(*id))
        .collect();
    let marked: Vec<&String> = found
        .marked
        .iter()
        .filter(|id| originals.contains(*id))
        .collect();
    let tp = marked.iter().filter(|id| truth.contains(*id)).count() as f64;
    let p = tp / marked.len().max(1) as f64;
    let r = tp / truth.len().max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Do two runs put the same posts together (the same partition, whatever the numbers)?
fn same_partition(a: &Details, b: &Details) -> bool {
    let mut ab: HashMap<i32, i32> = HashMap::new();
    let mut ba: HashMap<i32, i32> = HashMap::new();
    a.clusters.iter().all(|(id, &ca)| {
        let Some(&cb) = b.clusters.get(id) else {
            return true;
        };
        *ab.entry(ca).or_insert(cb) == cb && *ba.entry(cb).or_insert(ca) == ca
    })
}

/// The posts in another order (retweets keep pointing at their originals).
fn reorder(posts: &[GenPost], order: &[usize]) -> Vec<GenPost> {
    let mut new_index = vec![0usize; posts.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    order
        .iter()
        .map(|&old| {
            let mut p = posts[old].clone();
            p.ref_index = p.ref_index.map(|r| new_index[r]);
            p
        })
        .collect()
}

/// Damages about `share` of the records of a line-based file: a JSON line is cut in half;
/// a CSV record (a line that starts with its id and holds no quotes) is cut to its id.
fn damage(path: &Path, share: f64, seed: u64) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let is_csv = path.extension().is_some_and(|e| e == "csv");
    let mut out = String::with_capacity(text.len());
    for (k, line) in text.split_inclusive('\n').enumerate() {
        let record = if is_csv {
            k > 0 && line.starts_with(|c: char| c.is_ascii_digit()) && !line.contains('"')
        } else {
            line.starts_with('{')
        };
        if record && rng.random_bool(share) {
            let mut cut = if is_csv {
                line.find(',').unwrap_or(line.len() / 2)
            } else {
                line.len() / 2
            };
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&line[..cut]);
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    std::fs::write(path, out).unwrap();
}

fn write_variant(
    dir: &Path,
    name: &str,
    posts: &[GenPost],
    authors: &[GenAuthor],
    format: OutFormat,
) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.{}", format.extension()));
    write(posts, authors, format, &path).unwrap();
    path
}

/// Posts per world: 20k, or `DERAIL_INVARIANCE_POSTS`.
fn world_posts() -> usize {
    std::env::var("DERAIL_INVARIANCE_POSTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

fn check_world(scenario: Scenario, seed: u64) {
    let (posts, authors, _) = generate(&GenConfig::new(scenario, world_posts(), seed));
    let truth: HashSet<String> = posts
        .iter()
        .filter(|p| p.role == TruthRole::Takeover && p.kind != PostKind::Retweet)
        .map(|p| p.id.to_string())
        .collect();
    let originals: HashSet<String> = posts
        .iter()
        .filter(|p| p.kind != PostKind::Retweet)
        .map(|p| p.id.to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let n = posts.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut shuffled: Vec<usize> = (0..n).collect();
    shuffled.shuffle(&mut rng);
    let newest_first: Vec<usize> = {
        let mut v: Vec<usize> = (0..n).collect();
        v.sort_by_key(|&i| std::cmp::Reverse((posts[i].time_ms, posts[i].id)));
        v
    };
    let reference = findings(
        &write_variant(dir.path(), "reference", &posts, &authors, OutFormat::Csv),
        true,
    );
    let Some(ref_details) = &reference.details else {
        unreachable!("the reference run keeps its details")
    };
    let ref_f1 = f1(&reference, &truth, &originals);
    let mut variants: Vec<(String, Findings)> = Vec::new();
    for format in OutFormat::ALL {
        let path = write_variant(dir.path(), format.name(), &posts, &authors, format);
        variants.push((format.name().to_string(), findings(&path, false)));
    }
    for (order_name, order) in [("shuffled", &shuffled), ("newest first", &newest_first)] {
        let moved = reorder(&posts, order);
        for format in [OutFormat::Csv, OutFormat::V1, OutFormat::Bluesky] {
            let path = write_variant(
                dir.path(),
                &format!("{}-{order_name}", format.name()),
                &moved,
                &authors,
                format,
            );
            let mut found = findings(&path, format == OutFormat::Csv);
            if let Some(details) = found.details.take() {
                let (found, reference) = (&details, ref_details);
                assert!(
                    same_partition(found, reference),
                    "{scenario:?} seed {seed}: the clusters change when the CSV is {order_name}"
                );
                let differ = read_differently(found, reference);
                assert!(
                    differ.is_empty(),
                    "{scenario:?} seed {seed}: {} posts read differently when the CSV is \
                     {order_name}, e.g. {:?}",
                    differ.len(),
                    &differ[..differ.len().min(3)]
                );
                assert!(
                    found.described == reference.described,
                    "{scenario:?} seed {seed}: the clusters' exemplars or terms change when the \
                     CSV is {order_name}"
                );
                assert!(
                    found.dup_group == reference.dup_group,
                    "{scenario:?} seed {seed}: the near-duplicate groups are numbered otherwise \
                     when the CSV is {order_name}"
                );
                assert!(
                    found.examples == reference.examples,
                    "{scenario:?} seed {seed}: the moments' example posts change when the CSV is \
                     {order_name}: {:?} vs {:?}",
                    found.examples,
                    reference.examples
                );
            }
            variants.push((format!("{} {order_name}", format.name()), found));
        }
    }
    for format in [OutFormat::Csv, OutFormat::V1] {
        let path = write_variant(
            dir.path(),
            &format!("{}-damaged", format.name()),
            &posts,
            &authors,
            format,
        );
        damage(&path, 0.005, seed);
        variants.push((format!("{} damaged", format.name()), findings(&path, false)));
    }
    let tags = |f: &Findings| -> Vec<String> {
        let mut v: Vec<String> = f.moments.iter().map(|m| m.0.clone()).collect();
        v.dedup();
        v
    };
    let onsets: HashMap<&str, Vec<i64>> =
        reference
            .moments
            .iter()
            .fold(HashMap::new(), |mut m, (t, o)| {
                m.entry(t.as_str()).or_default().push(*o);
                m
            });
    for (name, f) in &variants {
        let label = format!("{scenario:?} seed {seed}, {name}");
        assert_eq!(
            tags(f),
            tags(&reference),
            "{label}: other hashtags taken over"
        );
        assert_eq!(
            f.moments.len(),
            reference.moments.len(),
            "{label}: {:?} vs {:?}",
            f.moments,
            reference.moments
        );
        for (tag, onset) in &f.moments {
            let nearest = onsets[tag.as_str()]
                .iter()
                .map(|o| (o - onset).abs())
                .min()
                .unwrap_or(i64::MAX);
            assert!(
                nearest <= 15 * 60_000,
                "{label}: onset of #{tag} moved by {:.1} min",
                nearest as f64 / 60_000.0
            );
        }
        let d = (f1(f, &truth, &originals) - ref_f1).abs();
        assert!(
            d <= 0.02,
            "{label}: F1 {:.3} vs {ref_f1:.3}",
            f1(f, &truth, &originals)
        );
    }
}

#[test]
fn kpop_flood_in_every_layout_order_and_with_damage() {
    check_world(Scenario::Kpop, 31);
}

#[test]
fn three_floods_in_every_layout_order_and_with_damage() {
    check_world(Scenario::Mixed, 32);
}

#[test]
fn quiet_world_stays_quiet_in_every_layout_order_and_with_damage() {
    check_world(Scenario::Quiet, 33);
}
