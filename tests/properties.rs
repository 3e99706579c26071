//! Property tests: exports re-read to identical fields for any Unicode text, long ids stay
//! exact, and timestamps round-trip to the millisecond.

mod common;

use proptest::prelude::*;

use derail::export::{ExportOptions, export_annotated};
use derail::load::{LoadOptions, load_path};
use derail::progress::Progress;
use derail::time::{TimeParser, format_iso};

/// Text with the characters that break CSV writers and readers.
fn nasty_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        "\\PC{0,12}",
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{fffe}".to_string()),
        Just("=1+1".to_string()),
        Just(" ".to_string()),
        Just("방탄 🥰 ファン".to_string()),
        Just("&amp;".to_string()),
        Just("\\u2019".to_string()),
    ];
    proptest::collection::vec(pieces, 0..8).prop_map(|v| format!("post {}", v.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn exported_csv_rereads_to_identical_fields(texts in proptest::collection::vec(nasty_text(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let mut w = csv::Writer::from_path(&input).unwrap();
        w.write_record(["id", "created_at", "text"]).unwrap();
        for (k, t) in texts.iter().enumerate() {
            w.write_record([format!("{}", 1_000_000_000_000_000_000u64 + k as u64), format!("2021-03-0{}T10:00:00Z", 1 + k % 9), t.clone()]).unwrap();
        }
        w.flush().unwrap();
        drop(w);
        let ds = load_path(&input, &LoadOptions::default(), &Progress::new()).unwrap();
        prop_assert!(ds.report.balanced());
        prop_assert_eq!(ds.len(), texts.len());
        let out = dir.path().join("out.csv");
        export_annotated(&ds, None, None, &out, &ExportOptions::default(), &Progress::new()).unwrap();
        let mut orig = csv::ReaderBuilder::new().has_headers(false).from_path(&input).unwrap();
        let mut back = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&out).unwrap();
        let a: Vec<csv::StringRecord> = orig.records().map(Result::unwrap).collect();
        let b: Vec<csv::StringRecord> = back.records().map(Result::unwrap).collect();
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            let y_orig: Vec<&str> = y.iter().take(x.len()).collect();
            let x_all: Vec<&str> = x.iter().collect();
            prop_assert_eq!(x_all, y_orig);
        }
    }

    #[test]
    fn long_ids_round_trip_exactly(ids in proptest::collection::vec(0u128..100_000_000_000_000_000_000u128, 1..20)) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("ids.csv");
        let mut body = String::from("id,created_at,text\n");
        let ids: Vec<String> = ids.iter().map(|i| format!("{:019}", i % 100_000_000_000_000_000_000)).collect();
        for id in &ids {
            body.push_str(&format!("{id},2021-03-01T10:00:00Z,hello\n"));
        }
        std::fs::write(&input, body).unwrap();
        let ds = load_path(&input, &LoadOptions::default(), &Progress::new()).unwrap();
        for (k, id) in ids.iter().enumerate() {
            let got = ds.id(k).into_owned();
            prop_assert_eq!(got.as_str(), id.as_str());
        }
        let out = dir.path().join("out.csv");
        export_annotated(&ds, None, None, &out, &ExportOptions::default(), &Progress::new()).unwrap();
        let mut r = csv::Reader::from_path(&out).unwrap();
        let back: Vec<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
        prop_assert_eq!(back, ids);
    }

    #[test]
    fn timestamps_round_trip_to_the_millisecond(ms in -62_135_596_800_000i64..253_402_300_799_999i64) {
        let iso = format_iso(ms);
        prop_assert_eq!(TimeParser::default().parse_ms(&iso), Some(ms));
    }
}
