//! Bad input gets a clear message that names the file (and line), never a panic, and the
//! accounting rows in = loaded + rejected always holds.

mod common;

use std::path::PathBuf;

use derail::load::report::RejectKind;
use derail::load::{LoadError, LoadOptions, load_path};
use derail::progress::Progress;

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn load(p: &std::path::Path) -> Result<derail::load::Loaded, LoadError> {
    load_path(p, &LoadOptions::default(), &Progress::new())
}

#[test]
fn empty_file() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "empty.csv", b"");
    let e = load(&p).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("empty.csv") && m.contains("empty"), "{m}");
}

#[test]
fn binary_file() {
    let d = tempfile::tempdir().unwrap();
    let p = write(&d, "image.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let m = load(&p).unwrap_err().to_string();
    assert!(m.contains("image.csv") && m.contains("PNG"), "{m}");
    let noise: Vec<u8> = (0..10_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let p = write(&d, "noise.jsonl", &noise);
    let m = load(&p).unwrap_err().to_string();
    assert!(m.contains("noise.jsonl") && m.contains("binary"), "{m}");
}

#[test]
fn one_megabyte_text_field() {
    let d = tempfile::tempdir().unwrap();
    let big = "x".repeat(1 << 20);
    let csv = format!(
        "id,created_at,text\n1,2020-01-01T00:00:00Z,ok text\n2,2020-01-01T00:01:00Z,\"{big}\"\n3,2020-01-01T00:02:00Z,fine\n"
    );
    let p = write(&d, "big.csv", csv.as_bytes());
    let ds = load(&p).unwrap();
    let r = &ds.report;
    assert_eq!((r.rows_in, r.loaded, r.rejected), (3, 2, 1));
    let rej = &r.rejections[0];
    assert_eq!(rej.kind, RejectKind::FieldTooLarge);
    assert_eq!(rej.line, 3);
    assert_eq!(rej.column.as_deref(), Some("text"));
    assert!(rej.reason.contains("1048576 bytes"), "{}", rej.reason);
    // The same in JSON.
    let json = format!(
        "{{\"id\": \"1\", \"created_at\": \"2020-01-01T00:00:00Z\", \"text\": \"{big}\", \"author_id\": \"9\"}}\n{{\"id\": \"2\", \"created_at\": \"2020-01-01T00:00:00Z\", \"text\": \"ok\", \"author_id\": \"9\"}}\n"
    );
    let p = write(&d, "big.jsonl", json.as_bytes());
    let ds = load(&p).unwrap();
    assert_eq!(
        (ds.report.rows_in, ds.report.loaded, ds.report.rejected),
        (2, 1, 1)
    );
    assert_eq!(ds.report.rejections[0].kind, RejectKind::FieldTooLarge);
}

#[test]
fn missing_timestamp_and_ragged_rows_name_their_lines() {
    let d = tempfile::tempdir().unwrap();
    let csv = "id,created_at,author,text\n1,2020-01-01T00:00:00Z,a,hello there\n2,,b,no time\n3,yesterday,c,bad time\n4,2020-01-01T00:03:00Z\n5,2020-01-01T00:04:00Z,e,fine,extra\n";
    let p = write(&d, "messy.csv", csv.as_bytes());
    let ds = load(&p).unwrap();
    let r = &ds.report;
    assert!(r.balanced());
    assert_eq!((r.rows_in, r.loaded, r.rejected), (5, 2, 3));
    let kinds: Vec<(u64, RejectKind)> = r.rejections.iter().map(|x| (x.line, x.kind)).collect();
    assert_eq!(
        kinds,
        [
            (3, RejectKind::MissingTimestamp),
            (4, RejectKind::BadTimestamp),
            (5, RejectKind::RaggedRow)
        ]
    );
    assert!(r.rejections[1].reason.contains("yesterday"));
    assert!(
        r.rejections[2].reason.contains("2 fields"),
        "{}",
        r.rejections[2].reason
    );
    // The row with an extra field keeps its data and is reported.
    assert!(r.warning("ragged_rows").is_some());
    // A file whose rows all lack a timestamp is an error that quotes the first problem.
    let p = write(&d, "notimes.csv", b"id,created_at,text\n1,,a b\n2,,c d\n");
    let e = load(&p).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("notimes.csv") && m.contains("line 2"), "{m}");
    assert_eq!(e.line(), Some(2));
}

#[test]
fn no_text_column_lists_the_columns() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        &d,
        "numbers.csv",
        b"id,created_at,score\n1,2020-01-01,3\n2,2020-01-02,4\n",
    );
    let m = load(&p).unwrap_err().to_string();
    assert!(
        m.contains("numbers.csv")
            && m.contains("no text column")
            && m.contains("id, created_at, score"),
        "{m}"
    );
    // An override fixes it.
    let opts = LoadOptions {
        overrides: vec![derail::load::mapping::MapOverride::parse("text=score").unwrap()],
        ..Default::default()
    };
    let ds = load_path(&p, &opts, &Progress::new()).unwrap();
    assert_eq!(ds.text(0), "3");
}

#[test]
fn invalid_and_truncated_json_lines() {
    let d = tempfile::tempdir().unwrap();
    let good = r#"{"id": "1", "created_at": "2021-01-01T00:00:00.000Z", "text": "hi #a", "author_id": "7"}"#;
    let body = format!(
        "{good}\n{{\"id\": \"2\", broken\n{good}\n{{\"id\": \"3\", \"created_at\": \"2021-01-0"
    );
    let p = write(&d, "cut.jsonl", body.as_bytes());
    let ds = load(&p).unwrap();
    let r = &ds.report;
    assert_eq!((r.rows_in, r.loaded, r.rejected), (4, 2, 2));
    assert_eq!(r.rejections[0].line, 2);
    assert_eq!(r.rejections[0].kind, RejectKind::InvalidJson);
    assert_eq!(r.rejections[1].line, 4);
    assert_eq!(r.rejections[1].kind, RejectKind::TruncatedRecord);
}

#[test]
fn latin1_rows_and_format_detected_from_content() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = b"id,created_at,text\n1,2020-01-01T00:00:00Z,caf\xe9 au lait\n2,2020-01-01T00:00:01Z,plain\n".to_vec();
    csv.extend_from_slice("3,2020-01-01T00:00:02Z,déjà vu\n".as_bytes());
    let p = write(&d, "latin.csv", &csv);
    let ds = load(&p).unwrap();
    assert_eq!(ds.text(0), "café au lait");
    assert_eq!(ds.text(2), "déjà vu");
    assert_eq!(
        ds.report.warning("not_utf8").map(|w| w.lines.clone()),
        Some(vec![2])
    );
    // A .csv that holds JSON is read as JSON, and the mismatch is reported.
    let p = write(
        &d,
        "really_json.csv",
        br#"{"id": "1", "created_at": "2021-01-01T00:00:00.000Z", "text": "x", "author_id": "7"}"#,
    );
    let ds = load(&p).unwrap();
    assert!(ds.source.format.is_json());
    assert!(ds.report.warning("extension_mismatch").is_some());
}

/// A file far larger than this machine's memory (a sparse 1 TiB CSV) is refused with a
/// clear message before anything is read into memory.
#[test]
fn a_file_too_large_for_memory_is_refused_up_front() {
    let d = tempfile::tempdir().unwrap();
    // A real CSV head (longer than anything the sniffers read), then a sparse tail.
    let mut head = String::from("id,created_at,text\n");
    for k in 0..20_000 {
        head.push_str(&format!("{k},2020-01-01T00:00:00Z,hello world {k}\n"));
    }
    let p = write(&d, "huge.csv", head.as_bytes());
    let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
    if f.set_len(1 << 40).is_err() {
        eprintln!("skipped: this filesystem cannot hold a sparse 1 TiB file");
        return;
    }
    drop(f);
    let e = load(&p).unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, LoadError::TooLarge { .. }), "{m}");
    assert!(m.contains("huge.csv") && m.contains("too large"), "{m}");
}

/// A quote that is never closed swallows the rows after it, up to the next quote. The
/// swallowing row and every row it swallowed are rejected, each with its own line, so
/// rows in = loaded + rejected counts the rows a reader of the file sees; a post whose
/// text merely runs over lines (one starting with a date) is loaded as it is; and the
/// annotated export still writes every byte back.
#[test]
fn an_unclosed_quote_that_swallows_rows_loses_none_silently() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,created_at,author,text\r\n");
    for i in 1..=14 {
        let text = match i {
            3 => "\"broken text with an opening quote only".to_string(),
            6 => "\"hello world\"".to_string(),
            // A swallow that stops at the very next row (its own text is quoted).
            12 => "\"open only".to_string(),
            13 => "\"quoted, with a comma\"".to_string(),
            8 => "\"Rally schedule:\n2020-06-04 at noon, downtown\"".to_string(),
            _ => format!("post {i}"),
        };
        csv.push_str(&format!("{i},2020-06-04T18:{i:02}:00Z,user{i},{text}\r\n"));
    }
    let p = write(&d, "swallow.csv", csv.as_bytes());
    let ds = load(&p).unwrap();
    let r = &ds.report;
    assert_eq!(
        (r.rows_in, r.loaded, r.rejected),
        (14, 8, 6),
        "{:?}",
        r.rejections
    );
    assert!(r.check_accounting(ds.len()).is_ok());
    let kinds: Vec<(u64, RejectKind)> = r.rejections.iter().map(|x| (x.line, x.kind)).collect();
    assert_eq!(
        kinds,
        [
            (4, RejectKind::UnclosedQuote),
            (5, RejectKind::SwallowedRow),
            (6, RejectKind::SwallowedRow),
            (7, RejectKind::SwallowedRow),
            (14, RejectKind::UnclosedQuote),
            (15, RejectKind::SwallowedRow),
        ]
    );
    assert!(
        r.rejections[0].reason.contains("lines 5–7"),
        "{}",
        r.rejections[0].reason
    );
    assert!(
        r.rejections[1].to_string().contains("line 4"),
        "{}",
        r.rejections[1]
    );
    // The multi-line post on line 9 (row 8) is a post, not a swallow.
    assert!((0..ds.len()).any(|i| ds.text(i).contains("Rally schedule")));
    // Every byte goes back out in the annotated export.
    let out = d.path().join("out.csv");
    derail::export::export_annotated(&ds, None, None, &out, &Default::default(), &Progress::new())
        .unwrap();
    let exported = std::fs::read_to_string(&out).unwrap();
    for i in 1..=14 {
        assert!(
            exported.contains(&format!("user{i},")),
            "row {i} missing from the export"
        );
    }
}

/// Slash dates whose order the sampled rows cannot tell (newest first, the file opens on
/// the 1st to the 12th of a month) are read month first as a guess; when rows further on
/// read only day first ("31/07/2020"), the file is read again day first and says so,
/// and nothing is rejected or read in the wrong month.
#[test]
fn slash_dates_the_sample_cannot_order_are_read_again_when_the_file_tells() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,Date,Author,Full Text\n");
    // 300 rows on 01/08/2020, newest first, then 300 on 31/07/2020.
    for (k, day) in [(0, "01/08/2020"), (1, "31/07/2020")] {
        for i in 0..300 {
            let minute = 59 - (i % 60);
            csv.push_str(&format!(
                "{},{day} 23:{minute:02},user{i},post number {i} #Tag\n",
                1000 - 300 * k - i
            ));
        }
    }
    let p = write(&d, "listening.csv", csv.as_bytes());
    let ds = load(&p).unwrap();
    assert_eq!((ds.report.loaded, ds.report.rejected), (600, 0));
    let w = ds
        .report
        .warning("slash_order_day_first")
        .expect("says it read day first");
    assert_eq!(w.count, 300, "{}", w.message);
    let first = (0..ds.len()).map(|i| ds.created_at[i]).max().unwrap();
    assert_eq!(derail::time::format_iso(first), "2020-08-01T23:59:00Z");

    // Only dates that read either way: month first, shown as a guess.
    let ambiguous: String = csv.lines().take(301).map(|l| format!("{l}\n")).collect();
    let p = write(&d, "ambiguous.csv", ambiguous.as_bytes());
    let ds = load(&p).unwrap();
    assert_eq!((ds.report.loaded, ds.report.rejected), (300, 0));
    assert!(ds.report.warning("slash_order_guessed").is_some());
    let first = (0..ds.len()).map(|i| ds.created_at[i]).max().unwrap();
    assert_eq!(derail::time::format_iso(first), "2020-01-08T23:59:00Z");

    // Both orders in one file (100 rows only month first, 50 only day first): the order
    // that rejects fewer rows is kept, and the rows it cannot read are reported.
    let mut mixed = String::from("id,Date,Author,Full Text\n");
    for (k, (day, n)) in [("01/08/2020", 150), ("12/25/2020", 100), ("31/07/2020", 50)]
        .into_iter()
        .enumerate()
    {
        for i in 0..n {
            mixed.push_str(&format!(
                "{},{day} 10:00,u{i},post {i} #Tag\n",
                k * 1000 + i
            ));
        }
    }
    let p = write(&d, "mixed.csv", mixed.as_bytes());
    let ds = load(&p).unwrap();
    assert_eq!((ds.report.loaded, ds.report.rejected), (250, 50));
    assert!(ds.report.warning("slash_order_contradicted").is_some());
    assert!(ds.report.warning("slash_order_day_first").is_none());
}
