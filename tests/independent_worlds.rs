//! Worlds of the third generator (`scripts/independent/gen3.py`, written by a helper that
//! read neither derail's generator nor the held-out one), each kept for the fault it
//! found. It needs `python3` (standard library only) and skips with a message without it.
//! The README's accuracy section gives what derail scores on its seeds 1-8, faults still
//! open included.

mod common;

use std::path::Path;
use std::process::Command;

use common::{analyze_and_score, run_ok};
use serde_json::Value;

/// Generates world `seed`, analyses it with derail and scores it with the held-out scorer.
fn score(py: &str, dir: &Path, seed: u64, posts: u64) -> Value {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/independent/gen3.py");
    let data = dir.join(format!("s{seed}.csv"));
    run_ok(
        Command::new(py)
            .arg(generator)
            .args(["--seed", &seed.to_string(), "--posts", &posts.to_string()])
            .arg("--out")
            .arg(&data),
    );
    analyze_and_score(py, &data, &format!("s{seed}"))
}

/// The seed, its number of posts, and the fault it found.
const WORLDS: [(u64, u64, &str); 10] = [
    (
        4,
        8_000,
        "its dates run newest first from 01/08/2020, so the sampled rows read either way; \
         month first was taken and 7,090 of 8,000 rows ('31/07/2020 23:59') were rejected: \
         the window missed, F1 0",
    ),
    (
        2,
        8_000,
        "a campaign on #BirdTwitter ('Stand up for Greyfen's birds') spoke of the tag's \
         subject in the plural, which did not count as the name's word: a false alarm",
    ),
    (
        6,
        8_000,
        "a campaign on #Birding, its posts naming 'birds': a false alarm",
    ),
    (
        11,
        8_000,
        "a surge on #CookingAtHome over a show's final, in words foreign to the tag, taken up \
         by 14 of the 28 regulars who posted then: a false alarm",
    ),
    (
        8,
        8_000,
        "a campaign on #NightSky for 'dark skies': 'sky' was too short to count as a word \
         of the name: a false alarm",
    ),
    (
        12,
        8_000,
        "a campaign on #AmReading to save a library, one message in three phrasings with \
         no word of the tag's: a false alarm",
    ),
    (
        15,
        8_000,
        "a surge on #CurrentlyReading over a book prize, taken up by 8 of the 30 regulars \
         who posted then (over a quarter, under a third): a false alarm",
    ),
    (
        42,
        8_000,
        "a campaign on #WhatsForDinner for free school lunches in four phrasings, 85 % of \
         its posts in the three largest: a false alarm",
    ),
    (
        40,
        8_000,
        "with five near-duplicate families of any text counted as one message, the \
         #IronBrotherhood flood's photo-only posts (one family, 46 % of it) made it a \
         campaign: it would be missed",
    ),
    (
        51,
        8_000,
        "'Paradise Lost trending worldwide, keep streaming', a quarter of the K-pop flood on \
         #FlagAndFamily, read 'trending' as talk of the tag and was set apart as \
         counter-speech: F1 0.85, the end 259 min early",
    ),
];

#[test]
fn independent_worlds_that_found_a_fault_stay_fixed() {
    let Some(py) = common::python3("the independent worlds") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (seed, posts, fault) in WORLDS {
        let v = score(py, dir.path(), seed, posts);
        let num = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        let line = format!(
            "seed {seed}: F1 {:.3}, missed {}, false alarms {}, posts missing {}; it found: {fault}",
            num("f1"),
            num("windows_missed"),
            num("false_alarms"),
            num("truth_posts_missing"),
        );
        eprintln!("{line}");
        assert_eq!(num("truth_posts_missing"), 0.0, "{line}");
        assert_eq!(num("windows_missed"), 0.0, "{line}");
        assert_eq!(num("false_alarms"), 0.0, "{line}");
        assert!(num("f1") >= 0.95, "{line}");
    }
    // Seed 12's campaign is no takeover on one message alone, which bots posting one text
    // outside the spam lexicons would also be: the report says the verdict is a guess.
    let report = std::fs::read_to_string(dir.path().join("s12.report.json")).unwrap();
    let report: Value = serde_json::from_str(&report).unwrap();
    let amreading = report["hashtags"]
        .as_array()
        .and_then(|tags| tags.iter().find(|t| t["hashtag"] == "amreading"))
        .expect("#AmReading is in the report");
    assert_eq!(amreading["status"], "no takeover", "{amreading}");
    assert_eq!(amreading["guess"], true, "{amreading}");
}

/// Seed 31 (drawn after the clusters' change of 2026-12-07): crypto bots on #KestrelBank,
/// a third of their posts borrowing the bank's name ("Kestrel users: verify your account"),
/// were taken for the tag's own subject (vocabulary 0.30 alike to the baseline's, the
/// name's words counted) and missed: F1 0. The same world's news surge on #AmReading,
/// 149 of its 162 accounts new to the tag, was a false alarm until a quarter of the
/// regulars taking it up was enough (12 of 41 did); this test holds both.
#[test]
fn a_flood_that_borrows_its_brand_s_name_is_found() {
    let Some(py) = common::python3("the independent worlds") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let v = score(py, dir.path(), 31, 8_000);
    let windows = v["windows"].as_array().cloned().unwrap_or_default();
    let kestrel = windows
        .iter()
        .find(|w| w["hashtag"] == "kestrelbank")
        .unwrap_or_else(|| panic!("no #KestrelBank window in {v}"));
    assert_eq!(kestrel["detected"], true, "{kestrel}");
    let recall = kestrel["flood_recall"].as_f64().unwrap_or(0.0);
    assert!(recall >= 0.95, "{kestrel}");
    let onset = kestrel["onset_error_min"].as_f64().unwrap_or(f64::NAN);
    assert!(onset.abs() <= 15.0, "{kestrel}");
    assert_eq!(v["windows_missed"].as_f64(), Some(0.0), "{v}");
    assert_eq!(v["false_alarms"].as_f64(), Some(0.0), "{v}");
}

/// Seed 27: a fifth of the counter-speech answers the flood's own posts ("@CryptoAlerts187
/// don't click the link, it's a scam", in Korean; "@... Looking for actual Volta help? Try
/// #voltahelp"), in words no stance list knows; 18 % of it was marked takeover. An answer
/// to one of the flood's authors that looks unlike the flood is counter-speech (9 % since).
#[test]
fn answers_to_the_flood_in_their_own_words_are_counter_speech() {
    let Some(py) = common::python3("the independent worlds") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let v = score(py, dir.path(), 27, 8_000);
    let marked = v["counter_speech_marked_takeover"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!(
        marked <= 0.10,
        "{marked} of the counter-speech marked takeover: {v}"
    );
    assert_eq!(v["windows_missed"].as_f64(), Some(0.0), "{v}");
    assert!(v["f1"].as_f64().unwrap_or(0.0) >= 0.95, "{v}");
}

/// Seed 36: applause and explanation in plain words ("Beautiful. Keep posting the
/// weddings.", "If you're wondering why this is all wedding photos now, that's the
/// point.") carry no stance word, name no tag and answer no one; 16 % of the world's
/// counter-speech was marked takeover. A post of words alone that looks like neither the
/// baseline nor the flood is counter-speech (0 % since).
#[test]
fn plain_words_about_the_flood_are_counter_speech() {
    let Some(py) = common::python3("the independent worlds") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let v = score(py, dir.path(), 36, 8_000);
    let marked = v["counter_speech_marked_takeover"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!(
        marked <= 0.05,
        "{marked} of the counter-speech marked takeover: {v}"
    );
    assert_eq!(v["windows_missed"].as_f64(), Some(0.0), "{v}");
    assert!(v["f1"].as_f64().unwrap_or(0.0) >= 0.95, "{v}");
    // Each counter-speech example says which signal set it apart.
    let report = std::fs::read_to_string(dir.path().join("s36.report.json")).unwrap();
    let report: Value = serde_json::from_str(&report).unwrap();
    let examples: Vec<&Value> = report["takeovers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| {
            m["counter_speech_examples"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .collect();
    assert!(!examples.is_empty(), "no counter-speech examples");
    let known = [
        "points_elsewhere",
        "stance_on_tag",
        "comment_unlike_flood",
        "answer_unlike_flood",
        "plain_words_unlike_flood",
    ];
    for e in examples {
        let why = e["counter_speech_why"].as_str().unwrap_or("");
        assert!(known.contains(&why), "{e}");
        assert!(!e["why"].as_str().unwrap_or("").is_empty(), "{e}");
    }
}
