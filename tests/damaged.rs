//! Damaged files, built here from good ones (none is committed): for each, derail gives a
//! clear error naming the file, or a partial load with exact accounting — never a panic or
//! a hang.

mod common;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};
use derail::load::{LoadOptions, load_bytes};
use derail::progress::Progress;

/// Good inputs in every format, small.
fn good_inputs() -> Vec<(String, Vec<u8>)> {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Kpop, 400, 3));
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    for f in OutFormat::ALL {
        let p = dir.path().join(format!("good.{}", f.extension()));
        write(&posts, &authors, f, &p).unwrap();
        out.push((
            format!("{}.{}", f.name(), f.extension()),
            std::fs::read(&p).unwrap(),
        ));
    }
    if let Some(real) = common::real_data_dir() {
        for name in [
            "twitter_v1.1_search_response_20160123.json",
            "kpop_bts_army_matchamillion_20200607.csv",
            "snscrape_ukraine_20230514_utf16.jsonl",
        ] {
            out.push((name.to_string(), std::fs::read(real.join(name)).unwrap()));
        }
    }
    out
}

/// Loads damaged bytes and checks the promise: a clear error, or exact accounting. Twice:
/// with the default blocks, and with tiny ones so records straddle many block edges; both
/// must load the same posts.
fn check(name: &str, bytes: &[u8]) {
    let mut loaded = Vec::new();
    for block_bytes in [LoadOptions::default().block_bytes, 4096] {
        let opts = LoadOptions {
            block_bytes,
            ..LoadOptions::default()
        };
        match load_bytes(bytes, name, &opts, &Progress::new()) {
            Err(e) => {
                let m = e.to_string();
                assert!(m.contains(name), "the error does not name the file: {m}");
                loaded.push(None);
            }
            Ok(ds) => {
                if let Err(e) = ds.report.check_accounting(ds.len()) {
                    panic!("{name} ({block_bytes}-byte blocks): {e}");
                }
                loaded.push(Some((ds.report.rows_in, ds.report.loaded)));
            }
        }
    }
    assert_eq!(
        loaded[0], loaded[1],
        "{name}: the block size changed what loaded"
    );
}

#[test]
fn truncated_at_many_offsets() {
    for (name, good) in good_inputs() {
        let n = good.len();
        let mut offsets: Vec<usize> = (1..40).map(|k| n * k / 40).collect();
        offsets.extend([1, 2, 3, n.saturating_sub(1), n.saturating_sub(2)]);
        for cut in offsets {
            check(&format!("cut{cut}-{name}"), &good[..cut.min(n)]);
        }
    }
}

#[test]
fn random_byte_flips() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for (name, good) in good_inputs() {
        for round in 0..25 {
            let mut b = good.clone();
            let flips = rng.random_range(1..60);
            for _ in 0..flips {
                let i = rng.random_range(0..b.len());
                b[i] = rng.random();
            }
            check(&format!("flip{round}-{name}"), &b);
        }
    }
}

#[test]
fn bad_encodings_line_endings_and_nul_bytes() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for (name, good) in good_inputs() {
        // Invalid UTF-8 sprinkled in.
        let mut b = good.clone();
        for _ in 0..30 {
            let i = rng.random_range(0..b.len());
            b.insert(i, 0xFF);
        }
        check(&format!("invalid-utf8-{name}"), &b);
        // UTF-16 without a BOM, both byte orders.
        if let Ok(text) = std::str::from_utf8(&good) {
            let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            check(&format!("utf16le-{name}"), &le);
            let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
            check(&format!("utf16be-{name}"), &be);
            // Mixed line endings.
            let mut mixed = Vec::new();
            for line in text.split('\n') {
                mixed.extend_from_slice(line.as_bytes());
                mixed.extend_from_slice(match rng.random_range(0..3) {
                    0 => b"\r\n".as_slice(),
                    1 => b"\r".as_slice(),
                    _ => b"\n".as_slice(),
                });
            }
            check(&format!("mixed-eol-{name}"), &mixed);
        }
        // NUL bytes.
        let mut b = good.clone();
        for _ in 0..20 {
            let i = rng.random_range(0..b.len());
            b.insert(i, 0);
        }
        check(&format!("nul-{name}"), &b);
    }
}

#[test]
fn a_ten_megabyte_line() {
    let big = "x".repeat(10 << 20);
    let csv = format!(
        "id,created_at,text\n1,2020-01-01T00:00:00Z,ok\n2,2020-01-01T00:00:01Z,{big}\n3,2020-01-01T00:00:02Z,fine\n"
    );
    check("ten-mb.csv", csv.as_bytes());
    let ds = load_bytes(
        csv.as_bytes(),
        "ten-mb.csv",
        &LoadOptions::default(),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!((ds.report.loaded, ds.report.rejected), (2, 1));
    let jsonl = format!(
        "{{\"id\": \"1\", \"created_at\": \"2021-01-01T00:00:00Z\", \"author_id\": \"1\", \"text\": \"{big}\"}}\n{{\"id\": \"2\", \"created_at\": \"2021-01-01T00:00:00Z\", \"author_id\": \"1\", \"text\": \"short\"}}\n"
    );
    check("ten-mb.jsonl", jsonl.as_bytes());
    // An unclosed quote that swallows the rest of a large file.
    let mut unclosed = String::from("id,created_at,text\n1,2020-01-01T00:00:00Z,\"never closed\n");
    for k in 0..200_000 {
        unclosed.push_str(&format!("{k},2020-01-01T00:00:00Z,row {k}\n"));
    }
    check("unclosed.csv", unclosed.as_bytes());
}

#[test]
fn deeply_nested_json() {
    let deep_array = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    check("deep-array.json", deep_array.as_bytes());
    let mut deep_obj = String::new();
    for _ in 0..100_000 {
        deep_obj.push_str("{\"a\":");
    }
    deep_obj.push('1');
    deep_obj.push_str(&"}".repeat(100_000));
    check("deep-object.jsonl", deep_obj.as_bytes());
    let unbalanced = "{".repeat(1_000_000);
    check("unbalanced.json", unbalanced.as_bytes());
    // A real post with deep junk inside.
    let junk = format!(
        "{{\"id\": \"1\", \"created_at\": \"2021-01-01T00:00:00Z\", \"author_id\": \"1\", \"text\": \"hi\", \"x\": {}{}}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    check("deep-field.jsonl", junk.as_bytes());
}

#[test]
fn headers_without_rows_and_duplicate_headers() {
    check("header-only.csv", b"id,created_at,text\n");
    check("header-only-crlf.csv", b"id,created_at,text\r\n\r\n");
    let dup = b"id,text,created_at,text\n1,first,2020-01-01T00:00:00Z,second\n2,a,2020-01-01T00:00:01Z,b\n";
    check("dup-header.csv", dup);
    let ds = load_bytes(
        dup,
        "dup-header.csv",
        &LoadOptions::default(),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(ds.len(), 2);
    assert!(ds.report.warning("duplicate_headers").is_some());
    assert_eq!(ds.source.columns, ["id", "text", "created_at", "text_2"]);
}

#[test]
fn csv_that_is_json_and_json_that_is_csv() {
    let inputs = good_inputs();
    let json = &inputs
        .iter()
        .find(|(n, _)| n.starts_with("twarc2."))
        .unwrap()
        .1;
    let csv = &inputs
        .iter()
        .find(|(n, _)| n.starts_with("csv."))
        .unwrap()
        .1;
    check("really-json.csv", json);
    let ds = load_bytes(
        json,
        "really-json.csv",
        &LoadOptions::default(),
        &Progress::new(),
    )
    .unwrap();
    assert!(ds.source.format.is_json());
    assert_eq!(ds.len(), 400);
    check("really-csv.json", csv);
    let ds = load_bytes(
        csv,
        "really-csv.json",
        &LoadOptions::default(),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(ds.len(), 400);
    assert!(ds.report.warning("extension_mismatch").is_some());
}

/// A twarc2 page cut short (a collection stopped while writing it) or spoiled at its end
/// keeps the tweets it holds whole, whatever keys its writer put before `data`; the pages
/// after it load in full, and the loss is one rejected row that says what was read.
#[test]
fn a_twarc2_page_cut_short_keeps_its_whole_tweets() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Kpop, 400, 3));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("good.jsonl");
    write(&posts, &authors, OutFormat::Twarc2, &path).unwrap();
    let good = std::fs::read_to_string(&path).unwrap();
    let pages: Vec<&str> = good.lines().collect();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let load = |bytes: &[u8], name: &str| {
        let ds = load_bytes(bytes, name, &LoadOptions::default(), &Progress::new()).unwrap();
        ds.report.check_accounting(ds.len()).unwrap();
        ds
    };
    let whole = load(good.as_bytes(), "good.jsonl");
    assert_eq!(whole.report.rejected, 0);
    let first: serde_json::Value = serde_json::from_str(pages[0]).unwrap();
    let data = first["data"].as_array().unwrap();
    let rest = pages[1..].join("\n");

    // Cut inside the 41st tweet's text: the first 40 are read; the first line being broken
    // must not make the file a document whose open string runs over the pages after it.
    let id = data[40]["id"].as_str().unwrap();
    let at = pages[0].find(&format!("\"id\":\"{id}\"")).unwrap();
    let text_at = at + pages[0][at..].find("\"text\":\"").unwrap() + 12;
    let cut = format!("{}\n{rest}\n", &pages[0][..text_at]);
    let ds = load(cut.as_bytes(), "cut.jsonl");
    assert_eq!(ds.report.rejected, 1);
    assert_eq!(
        ds.report.loaded,
        whole.report.loaded - (data.len() as u64 - 40)
    );
    let rejection = &ds.report.rejections[0];
    assert_eq!(rejection.line, 1);
    assert!(
        rejection.reason.contains("first 40 tweets were read"),
        "{}",
        rejection.reason
    );

    // Spoiled at its very end: every tweet of it is read.
    let spoiled = format!("{},}}\n{rest}\n", &pages[0][..pages[0].len() - 1]);
    let ds = load(spoiled.as_bytes(), "spoiled.jsonl");
    assert_eq!(ds.report.rejected, 1);
    assert_eq!(ds.report.loaded, whole.report.loaded);
}
