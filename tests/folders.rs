//! A folder of files is one dataset: the three real K-pop flood snapshots open as 3,000
//! posts; a folder that holds the same posts as JSONL and as CSV loads each post once and
//! reports the repeats; exports write every input row with its source file.

mod common;

use common::{analyse, load, real_data_dir};
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};
use derail::load::report::RejectKind;
use derail::model::Format;

fn export_rows(ds: &derail::load::Loaded, dir: &std::path::Path) -> Vec<csv::StringRecord> {
    let out = dir.join("annotated.csv");
    derail::export::export_annotated(
        ds,
        None,
        None,
        &out,
        &Default::default(),
        &derail::progress::Progress::new(),
    )
    .unwrap();
    let mut r = csv::Reader::from_path(&out).unwrap();
    let header = r.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "source_file"), "{header:?}");
    r.records().map(Result::unwrap).collect()
}

#[test]
fn the_kpop_flood_snapshots_open_as_one_dataset() {
    let Some(real) = real_data_dir() else {
        return;
    };
    let dir = real.join("kpop_flood_20200604");
    let ds = load(&dir);
    assert_eq!(ds.source.format, Format::Folder);
    assert_eq!(ds.len(), 3000);
    assert_eq!(ds.files.len(), 3);
    assert!(ds.report.check_accounting(ds.len()).is_ok());
    assert_eq!(ds.source_file(0), "snapshot_0002utc.csv");
    assert_eq!(ds.source_file(2999), "snapshot_0158utc.csv");
    let _ = analyse(&ds);
    let tmp = tempfile::tempdir().unwrap();
    let rows = export_rows(&ds, tmp.path());
    assert_eq!(rows.len(), 3000);
}

#[test]
fn the_same_posts_in_two_formats_load_once() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Kpop, 2000, 21));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("collection");
    std::fs::create_dir_all(data.join("hourly")).unwrap();
    write(
        &posts,
        &authors,
        OutFormat::Twarc2Flat,
        &data.join("a_posts.jsonl"),
    )
    .unwrap();
    write(
        &posts,
        &authors,
        OutFormat::Csv,
        &data.join("hourly/b_posts.csv"),
    )
    .unwrap();
    // Side files that are not data: left out, and said so.
    std::fs::write(data.join("README.md"), "notes").unwrap();
    std::fs::write(data.join(".DS_Store"), "x").unwrap();
    std::fs::write(data.join("a_posts.jsonl.truth.json"), "{}").unwrap();
    let ds = load(&data);
    assert_eq!(ds.len(), posts.len(), "each post once");
    assert_eq!(
        ds.report
            .rejected_by_kind
            .get(RejectKind::RepeatedPost.name()),
        Some(&(posts.len() as u64))
    );
    assert_eq!(ds.report.rows_in, 2 * posts.len() as u64);
    assert!(ds.report.check_accounting(ds.len()).is_ok());
    // The rule: the file first in path order keeps the post.
    assert!((0..ds.len()).all(|i| ds.source_file(i) == "a_posts.jsonl"));
    let r = &ds.report.rejections[0];
    assert_eq!(r.file.as_deref(), Some("hourly/b_posts.csv"));
    assert!(r.to_string().contains("a_posts.jsonl"), "{r}");
    assert!(ds.report.warning("skipped_files").is_some());
    // Every input row is exported: the posts, then the repeats with their file and line.
    let rows = export_rows(&ds, dir.path());
    assert_eq!(rows.len(), 2 * posts.len());
    // The analysis of the folder matches that of one file.
    let one = load(&data.join("a_posts.jsonl"));
    let (a, b) = (analyse(&ds), analyse(&one));
    assert_eq!(
        a.moments
            .iter()
            .map(|m| (&m.hashtag, m.onset_ms))
            .collect::<Vec<_>>(),
        b.moments
            .iter()
            .map(|m| (&m.hashtag, m.onset_ms))
            .collect::<Vec<_>>()
    );
}

#[test]
fn an_empty_folder_says_what_it_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "x").unwrap();
    let e = derail::load::load_path(
        dir.path(),
        &Default::default(),
        &derail::progress::Progress::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no data files") && e.contains(".csv"), "{e}");
}

/// Several paths on the command line are one dataset in the order given: the CSV named
/// first keeps each post, the JSONL's copies are reported as repeats; a file named twice
/// is read once; and the three K-pop snapshots named one by one give 3,000 posts.
#[test]
fn several_paths_load_as_one_dataset_in_the_order_given() {
    use derail::load::folder::load_paths;
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Spam, 1500, 4));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("x/posts.csv");
    let jsonl = dir.path().join("y/posts.jsonl");
    std::fs::create_dir_all(csv.parent().unwrap()).unwrap();
    std::fs::create_dir_all(jsonl.parent().unwrap()).unwrap();
    write(&posts, &authors, OutFormat::Csv, &csv).unwrap();
    write(&posts, &authors, OutFormat::Twarc2Flat, &jsonl).unwrap();
    let p = derail::progress::Progress::new();
    let opts = Default::default();
    let ds = load_paths(&[csv.clone(), jsonl.clone(), csv.clone()], &opts, &p).unwrap();
    assert_eq!(ds.len(), posts.len());
    assert_eq!(
        ds.report.rows_in,
        2 * posts.len() as u64,
        "the CSV named twice is read once"
    );
    assert!(ds.report.check_accounting(ds.len()).is_ok());
    assert!((0..ds.len()).all(|i| ds.source_file(i) == "x/posts.csv"));
    assert_eq!(
        ds.report
            .rejected_by_kind
            .get(RejectKind::RepeatedPost.name()),
        Some(&(posts.len() as u64))
    );
    let other_way = load_paths(&[jsonl.clone(), csv.clone()], &opts, &p).unwrap();
    assert!((0..other_way.len()).all(|i| other_way.source_file(i) == "y/posts.jsonl"));
    let out = std::process::Command::new(common::derail_bin())
        .args([
            "inspect",
            csv.to_str().unwrap(),
            jsonl.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["posts"], posts.len());
    if let Some(real) = common::real_data_dir() {
        let snaps: Vec<std::path::PathBuf> = [
            "snapshot_0002utc.csv",
            "snapshot_0145utc.csv",
            "snapshot_0158utc.csv",
        ]
        .iter()
        .map(|n| real.join("kpop_flood_20200604").join(n))
        .collect();
        let ds = load_paths(&snaps, &opts, &p).unwrap();
        assert_eq!(ds.len(), 3000);
        assert_eq!(ds.source_file(0), "snapshot_0002utc.csv");
    }
}

/// A folder that holds one data file (and a note beside it) is that file: the same posts,
/// the same format and the file's own columns in the export, with the note reported as
/// left out, and every row accounted for.
#[test]
fn a_folder_of_one_file_is_that_file() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Spam, 1500, 4));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("one");
    std::fs::create_dir_all(&data).unwrap();
    let file = data.join("posts.csv");
    write(&posts, &authors, OutFormat::Csv, &file).unwrap();
    std::fs::write(data.join("README.md"), "collected by hand").unwrap();
    // A .txt is read as data, and this one holds none.
    std::fs::write(data.join("notes.txt"), "notes\nwho collected it\n").unwrap();
    let alone = load(&file);
    let ds = load(&data);
    assert_eq!(ds.source.format, alone.source.format);
    assert_eq!(ds.len(), alone.len());
    assert_eq!(ds.created_at, alone.created_at);
    assert!(ds.files.is_empty(), "one file, no source_file column");
    assert!(ds.report.warning("skipped_files").is_some());
    assert!(
        ds.report
            .format_detail
            .contains("the only readable data file")
    );
    assert!(
        ds.report
            .warnings
            .iter()
            .any(|w| w.code.starts_with("unreadable_file") && w.message.contains("notes.txt")),
        "{:?}",
        ds.report.warnings
    );
    assert!(ds.report.check_accounting(ds.len()).is_ok());
    let a = analyse(&ds);
    let b = analyse(&alone);
    assert_eq!(a.moments.len(), b.moments.len());
}
