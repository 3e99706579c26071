//! A `--hashtag`/`--since`/`--until` slice is decided row by row while a file is read, in
//! every format: the same posts come out of a twarc CSV, v1.1 and twarc2 JSON lines, a
//! Bluesky JSON array and Parquet, they are the posts a full read holds in the slice, and
//! every row left out is counted.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::load;
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};
use derail::load::Loaded;
use derail::load::slice::Slice;
use derail::load::{LoadOptions, load_path};
use derail::progress::Progress;

fn load_sliced(path: &Path, slice: &Slice) -> Loaded {
    let opts = LoadOptions {
        slice: slice.clone(),
        ..LoadOptions::default()
    };
    load_path(path, &opts, &Progress::new()).unwrap()
}

fn ids(ds: &Loaded) -> BTreeSet<String> {
    (0..ds.len()).map(|i| ds.id(i).into_owned()).collect()
}

#[test]
fn every_format_streams_the_same_slice_a_full_read_holds() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 6_000, 5));
    let dir = tempfile::tempdir().unwrap();
    let formats = [
        (OutFormat::Csv, "corpus.csv"),
        (OutFormat::V1, "corpus.v1.jsonl"),
        (OutFormat::Twarc2Flat, "corpus.twarc2.jsonl"),
        (OutFormat::Bluesky, "corpus.bluesky.json"),
        (OutFormat::Parquet, "corpus.parquet"),
    ];
    let t0 = posts.iter().map(|p| p.time_ms).min().unwrap();
    let t1 = posts.iter().map(|p| p.time_ms).max().unwrap();
    let slices = [
        Slice {
            hashtag: Some("#ProudBoys".into()),
            ..Slice::default()
        },
        Slice {
            since: Some(t0 + (t1 - t0) / 3),
            until: Some(t0 + (t1 - t0) * 2 / 3),
            ..Slice::default()
        },
        Slice {
            hashtag: Some("lovewins".into()),
            since: Some(t0 + (t1 - t0) / 2),
            ..Slice::default()
        },
    ];
    let mut answers: Vec<Vec<BTreeSet<String>>> = Vec::new();
    for (format, name) in formats {
        let path = dir.path().join(name);
        write(&posts, &authors, format, &path).unwrap();
        let full = load(&path);
        let mut per_slice = Vec::new();
        for slice in &slices {
            let kept: Vec<usize> = (0..full.len()).filter(|&i| slice.holds(&full, i)).collect();
            let want: BTreeSet<String> = kept.iter().map(|&i| full.id(i).into_owned()).collect();
            assert!(
                want.len() > 50 && want.len() < full.len() * 3 / 4,
                "{name}: the slice {} should cut the corpus ({} of {})",
                slice.describe(),
                want.len(),
                full.len()
            );
            let s = load_sliced(&path, slice);
            assert_eq!(ids(&s), want, "{name}, {}", slice.describe());
            if let Err(e) = s.report.check_accounting(s.len()) {
                panic!("{name}, {}: {e}", slice.describe());
            }
            assert_eq!(s.report.rows_in, full.report.rows_in, "{name}");
            assert_eq!(
                (s.len(), s.report.rejected),
                (kept.len(), full.report.rejected),
                "{name}, {}: posts and rejected rows",
                slice.describe()
            );
            assert_eq!(
                s.report.outside_slice,
                (full.len() - kept.len()) as u64,
                "{name}, {}: every post left out is counted",
                slice.describe()
            );
            per_slice.push(want);
        }
        answers.push(per_slice);
    }
    // Bluesky names posts by their URI; the other formats keep the tweet ids.
    for (k, a) in answers.iter().enumerate().skip(1) {
        if formats[k].0 == OutFormat::Bluesky {
            continue;
        }
        for (slice, (got, csv)) in slices.iter().zip(a.iter().zip(&answers[0])) {
            assert!(
                got == csv,
                "{} gives the slice {} CSV gives: {} posts against {}",
                formats[k].1,
                slice.describe(),
                got.len(),
                csv.len()
            );
        }
    }
}
