//! Replays the fuzzers' seed corpus and every input they ever crashed on
//! (`fuzz/regressions/<target>/`) through the same checks the fuzz targets make, so a
//! fixed bug stays fixed without installing cargo-fuzz.

use std::path::{Path, PathBuf};

use derail::labels::journal::read_journal_from;
use derail::load::{LoadOptions, load_bytes};
use derail::model::Format;
use derail::progress::Progress;
use derail::time::{TimeParser, format_iso};

/// The fuzz target's promise: a clear error naming the input, or balanced accounting.
fn check_load(data: &[u8], format: Option<Format>, what: &str) {
    let opts = LoadOptions {
        format,
        memory_budget: Some(1 << 30),
        block_bytes: 1024, // as in the fuzz targets
        ..LoadOptions::default()
    };
    match load_bytes(data, "fuzz-input", &opts, &Progress::new()) {
        Err(e) => assert!(e.to_string().contains("fuzz-input"), "{what}: {e}"),
        Ok(ds) => {
            if let Err(e) = ds.report.check_accounting(ds.len()) {
                panic!("{what}: {e}");
            }
        }
    }
}

fn check_timestamp(data: &[u8], what: &str) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let p = TimeParser::default();
    if let Some(t) = p.parse(s) {
        let iso = format_iso(t.ms);
        assert_eq!(p.parse_ms(&iso), Some(t.ms), "{what}: {s:?} -> {iso}");
    }
}

fn check_journal(data: &[u8], what: &str) {
    let replay = read_journal_from(data, Path::new("fuzz.journal")).unwrap();
    let v = replay.valid_len as usize;
    assert!(
        v <= data.len() && (v == 0 || data[v - 1] == b'\n'),
        "{what}"
    );
}

fn check(target: &str, data: &[u8], what: &str) {
    match target {
        "csv" => check_load(data, Some(Format::Csv), what),
        "twarc2" => {
            check_load(data, Some(Format::Twarc2Pages), what);
            check_load(data, Some(Format::Twarc2Flat), what);
        }
        "twitter_v1" => {
            check_load(data, Some(Format::TwitterV1), what);
            check_load(data, Some(Format::TwitterV1Search), what);
        }
        "snscrape" => check_load(data, Some(Format::Snscrape), what),
        "bluesky" => check_load(data, Some(Format::Bluesky), what),
        "mastodon" => check_load(data, Some(Format::Mastodon), what),
        "auto_detect" => check_load(data, None, what),
        "platforms" => {
            check_load(data, None, what);
            for f in Format::PLATFORMS {
                check_load(data, Some(f), &format!("{what} as {}", f.name()));
            }
        }
        "timestamp" => check_timestamp(data, what),
        "journal" => check_journal(data, what),
        other => panic!("{what}: no fuzz target is called {other}"),
    }
}

fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(dir) else {
        return out;
    };
    for t in targets.flatten() {
        let target = t.file_name().to_string_lossy().into_owned();
        for f in std::fs::read_dir(t.path()).into_iter().flatten().flatten() {
            out.push((target.clone(), f.path()));
        }
    }
    out.sort();
    out
}

#[test]
fn seed_corpus_and_past_crashes_pass_the_fuzz_checks() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = files_under(&fuzz.join("corpus"));
    assert!(corpus.len() >= 20, "the seed corpus is missing");
    let regressions = files_under(&fuzz.join("regressions"));
    for (target, path) in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap();
        check(target, &data, &path.display().to_string());
    }
}

/// Each platform seed, cut at many points and with bytes flipped, still gives a clear
/// error or a load whose accounting balances, detected or forced to each platform reader.
#[test]
fn damaged_platform_seeds_pass_the_fuzz_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/platforms");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "the platform seeds are missing");
    for path in seeds {
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let step = (data.len() / 23).max(1);
        for cut in (1..data.len()).step_by(step) {
            check_load(&data[..cut], None, &format!("{name} cut at {cut}"));
        }
        let mut flipped = data.clone();
        for (k, at) in (0..flipped.len()).step_by(step).enumerate() {
            flipped[at] = [b'"', b'{', b']', b'\n', 0xff, b','][k % 6];
            check_load(&flipped, None, &format!("{name} flipped at {at}"));
            for f in Format::PLATFORMS {
                check_load(
                    &flipped,
                    Some(f),
                    &format!("{name} flipped at {at} as {}", f.name()),
                );
            }
        }
    }
}
