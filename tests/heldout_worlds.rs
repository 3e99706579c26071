//! Accuracy on worlds derail's own generator did not make: `scripts/heldout/worlds.py`
//! (its own templates, vocabulary and file layouts, written without reading
//! `src/generate/`) draws a world per seed — spam, K-pop and reclaiming floods, counter-speech,
//! campaigns, organic surges and copypasta — and `scripts/heldout/score.py` scores derail's
//! export and report against its truth. The test asserts the worst case over all seeds,
//! never the mean. It needs `python3` (standard library only) and skips with a message
//! without it.
//!
//! `DERAIL_HELDOUT_SEEDS=1-40` and `DERAIL_HELDOUT_POSTS=100000` widen it; the README gives
//! the release-mode run and the peer's figures beside derail's.

mod common;

use std::path::Path;
use std::process::Command;

use common::{analyze_and_score, run_ok};
use serde_json::Value;

const LAYOUTS: [&str; 3] = ["twarc_csv", "v1_jsonl", "generic_csv"];
const ORDERS: [&str; 3] = ["oldest", "shuffled", "newest"];

fn python() -> Option<&'static str> {
    common::python3("the held-out worlds")
}

fn seeds() -> Vec<u64> {
    let spec = std::env::var("DERAIL_HELDOUT_SEEDS").unwrap_or_else(|_| "1-20".into());
    match spec.split_once('-') {
        Some((a, b)) => (a.parse().unwrap_or(1)..=b.parse().unwrap_or(20)).collect(),
        None => spec.split(',').filter_map(|s| s.parse().ok()).collect(),
    }
}

/// Generates one world in the layout and order its seed rotates to, analyses it with
/// derail, and scores it.
fn score_world(py: &str, dir: &Path, seed: u64, posts: u64) -> Value {
    let layout = LAYOUTS[seed as usize % 3];
    let order = ORDERS[(seed as usize / 3) % 3];
    score_world_as(py, dir, seed, posts, layout, order)
}

/// Generates one world in `layout` and `order`, analyses it with derail, and scores it.
fn score_world_as(py: &str, dir: &Path, seed: u64, posts: u64, layout: &str, order: &str) -> Value {
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/heldout");
    let ext = if layout.ends_with("jsonl") {
        "jsonl"
    } else {
        "csv"
    };
    let data = dir.join(format!("s{seed}_{layout}.{ext}"));
    run_ok(
        Command::new(py)
            .arg(scripts.join("worlds.py"))
            .args(["--seed", &seed.to_string(), "--posts", &posts.to_string()])
            .args(["--layout", layout, "--order", order])
            .arg("--out")
            .arg(&data),
    );
    let mut v = analyze_and_score(py, &data, &format!("s{seed}_{layout}"));
    v["seed"] = seed.into();
    v["layout"] = format!("{layout} {order}").into();
    v
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(0.0)
}

#[test]
fn worst_case_over_held_out_worlds() {
    let Some(py) = python() else { return };
    let posts: u64 = std::env::var("DERAIL_HELDOUT_POSTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let scores: Vec<Value> = seeds()
        .into_iter()
        .map(|s| score_world(py, dir.path(), s, posts))
        .collect();
    let mut table = String::new();
    for v in &scores {
        table.push_str(&format!(
            "seed {:>3} {:<22} F1 {:.3} ARI {:.3} (templates {:.3}) missed {} false alarms {} counter-speech marked {:.0}% tagged {:.0}% |onset| {:.0} |end| {:.0} min\n",
            v["seed"],
            v["layout"].as_str().unwrap_or(""),
            num(v, "f1"),
            num(v, "ari"),
            num(v, "ari_templates"),
            num(v, "windows_missed"),
            num(v, "false_alarms"),
            100.0 * num(v, "counter_speech_marked_takeover"),
            100.0 * num(v, "counter_speech_tagged"),
            num(v, "max_abs_onset_error_min"),
            num(v, "max_abs_end_error_min"),
        ));
    }
    eprintln!("{table}");
    let worst = |key: &str, max: bool| {
        let it = scores.iter().map(|v| num(v, key));
        if max {
            it.fold(f64::MIN, f64::max)
        } else {
            it.fold(f64::MAX, f64::min)
        }
    };
    // The goals are no window missed, F1 >= 0.95 and at most 5 % of counter-speech marked
    // takeover, in every world (README, "Accuracy"). The first two are met: no window is
    // missed (one was, seed 8's small flood, until the wave's ends stopped hanging on a
    // coin toss), and the worst F1 over seeds 1-40 in all three layouts is 0.975 (0.86,
    // seed 8's small reclaiming flood in the generic CSV, before a newcomer's post that
    // carries little was taken for what the newcomers around it post; 0.77 before a word
    // the flood carries far more often than the baseline stopped counting as familiar).
    // Counter-speech is not met: 8 % of one world's is marked (35 % before the flood's
    // content was learned only from posts that do not talk about the tag, 9 % before a
    // stance in a sentence ending in the tag made a post a candidate).
    let missed: f64 = scores.iter().map(|v| num(v, "windows_missed")).sum();
    assert_eq!(missed, 0.0, "{missed} windows missed:\n{table}");
    assert_eq!(worst("false_alarms", true), 0.0, "a false alarm:\n{table}");
    let worst_f1 = worst("f1", false);
    assert!(worst_f1 >= 0.95, "worst F1 {worst_f1:.3}:\n{table}");
    assert!(
        worst("counter_speech_marked_takeover", true) <= 0.10,
        "over 10% of a world's counter-speech marked takeover:\n{table}"
    );
    // Onsets and ends: the goals are 15 and 60 minutes. Worst measured on seeds 1-20: 25
    // minutes (a small flood's first two posts among five of the tag's own) and 91 (seeds
    // 21-40: 41 and 136). Ends were 228 minutes off (a flood holding 45 % for four hours
    // before the truth's end) until a wave ended where the flood's rate fell below the pace
    // of the tag's other posts during it, not where its realised share tipped for good; and
    // 285 and 365 before a wave took in the suspect bins before it, its onset and end were
    // weighed as likelihoods and a flood dipping for an hour stayed one wave.
    let worst_onset = worst("max_abs_onset_error_min", true);
    assert!(
        worst_onset <= 30.0,
        "worst onset error {worst_onset:.0} min:\n{table}"
    );
    let worst_end = worst("max_abs_end_error_min", true);
    assert!(
        worst_end <= 120.0,
        "worst end error {worst_end:.0} min:\n{table}"
    );
    // Clusters against the truth's templates (a family's phrasings one by one, each with
    // its fill-ins) and against its families (several phrasings of one intent: "tip: add X
    // to your Y", "never skip the X in Y"). Perfect templates score only 0.45-0.5 against
    // the families, which no clustering by words can join. Worst measured on seeds 1-20:
    // 0.87 and 0.46 with a text's opening and closing words among its template features,
    // 0.80 and 0.42 without them (a long fill-in outweighed its frame); the bisecting
    // TF-IDF k-means before template features scored 0.17-0.56 against the templates and
    // 0.26-0.48 against the families (twarc-csv).
    let worst_templates = worst("ari_templates", false);
    assert!(
        worst_templates >= 0.85,
        "worst ARI against the templates {worst_templates:.3}:\n{table}"
    );
    let worst_families = worst("ari", false);
    assert!(
        worst_families >= 0.38,
        "worst ARI against the families {worst_families:.3}:\n{table}"
    );
}

/// Worlds that each found a fault the seeds above did not, drawn after them and kept as
/// they were found (layout and order as the seed rotates them): the seed, its number of
/// posts, the least F1 and the worst end error (minutes) it must stay within, and what it
/// found.
const WORLDS_THAT_FOUND_A_FAULT: [(u64, u64, f64, f64, &str); 11] = [
    (
        183,
        20_000,
        0.98,
        120.0,
        "a reclaiming flood's family that jokes with the tag's words (\"our dogs are proud \
         boys too\", with a photo) was taken for counter-speech: F1 0.957",
    ),
    (
        188,
        20_000,
        0.98,
        120.0,
        "a spam flood of #Starbucks whose bots also tagged half its posts #Netflix, flooded \
         too, was dropped as #Netflix's co-tag: its window missed, F1 0.956",
    ),
    (
        4,
        20_000,
        0.98,
        60.0,
        "#Spotify's spam flood ended 91 minutes early: the posts judged stopped 90 minutes \
         after the wave's last bin, while the end may wait three hours for the flood to \
         come back",
    ),
    (
        209,
        5_000,
        0.95,
        120.0,
        "at 5,000 posts, #ProudBoys's reclaiming flood ended 231 minutes early, its posts \
         judged only to midnight while it went on at half the tag's posts until 4:00",
    ),
    (
        236,
        20_000,
        0.98,
        60.0,
        "#ProudPatriots's slow reclaiming flood (\"proud of my husband\", in the tag's own \
         words) held 56 % of the tag's posts for eight hours, but no two-hour bin passed 48 % \
         on the baseline's evidence alone, so it was never judged beside its flood: the \
         window missed, F1 0.928 in all three layouts",
    ),
    (
        266,
        10_000,
        0.98,
        60.0,
        "an awards night's organic surge on #NowWatching (\"Parasite WON BEST PICTURE\") by \
         newcomers from the tag's own neighbourhood (crowd similarity 0.35) was declared a \
         takeover once a run of bins could open a wave: a false alarm, F1 0.871",
    ),
    (
        313,
        30_000,
        0.98,
        60.0,
        "a small crypto-spam flood of #Spotify (93 posts) was dropped as copypasta passing \
         through: four of its posts were copies of #IndieMusic's own template (\"if you like \
         X try Y\", 135 copies), which outweighed its eleven families that never left the \
         tag: the window missed, F1 0",
    ),
    (
        291,
        100_000,
        0.98,
        60.0,
        "once copypasta was weighed per copy, background #RunningCommunity, whose own \
         templates began two hours into the data and ran for ten days, was declared a \
         takeover: a false alarm the per-family weighing had hidden for the wrong reason",
    ),
    (
        344,
        8_000,
        0.95,
        60.0,
        "a small reclaiming flood of #WesternBrothers (65 posts in 16 hours) hovered under \
         half in every bin, and its run of suspect bins was judged against a baseline that \
         had taken in the bin before, with the flood's first posts: their authors were no \
         longer new and their words were the tag's own. In the generic CSV, whose links are \
         only t.co addresses, the run held 44 %: the window missed, F1 0",
    ),
    (
        358,
        12_000,
        0.985,
        60.0,
        "#ProudBoys's reclaiming flood joked with the tag's name (\"our dogs are proud boys \
         too ❤️\", a photo, retweeted): posts that spell the name out were kept out of what \
         the flood was learned from, as comments are, so the family looked unlike the flood \
         and its retweets were taken for counter-speech: F1 0.975",
    ),
    (
        75,
        5_000,
        0.95,
        180.0,
        "a K-pop flood of 60 posts on #HeritageNotHate, two in three of the tag's posts for \
         eight hours, sat in bins of half a day (the tag's own volume, 1-2 posts an hour): its \
         run of suspect bins pooled at 49 %, the hours before and after it diluting it; the \
         window missed, F1 0 (its end is still 161 minutes late)",
    ),
];

#[test]
fn worlds_that_found_a_fault_stay_fixed() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (seed, posts, min_f1, max_end, fault) in WORLDS_THAT_FOUND_A_FAULT {
        let v = score_world(py, dir.path(), seed, posts);
        let line = format!(
            "seed {seed} ({}, {posts} posts): F1 {:.3}, missed {}, false alarms {}, |end| {:.0} min; it found: {fault}",
            v["layout"].as_str().unwrap_or(""),
            num(&v, "f1"),
            num(&v, "windows_missed"),
            num(&v, "false_alarms"),
            num(&v, "max_abs_end_error_min"),
        );
        eprintln!("{line}");
        assert_eq!(num(&v, "windows_missed"), 0.0, "{line}");
        assert_eq!(num(&v, "false_alarms"), 0.0, "{line}");
        assert!(num(&v, "f1") >= min_f1, "{line}");
        assert!(num(&v, "max_abs_end_error_min") <= max_end, "{line}");
    }
}

/// Worlds whose counter-speech was marked takeover, kept as they were found (layout and
/// order as the seed rotates them): the seed, its number of posts, the largest share of
/// its counter-speech that may be marked takeover, and what it found.
const COUNTER_SPEECH_WORLDS: [(u64, u64, f64, &str); 2] = [
    (
        366,
        12_000,
        0.05,
        "#IronBrotherhood's reclaiming crowd wrote \"hey, please don't follow the accounts that \
         started #IronBrotherhood. add #LoveIsLove to your photo posts too.\", retweeted twice: \
         the full stop after the tag did not end the sentence, so the comment was learned as the \
         flood's content and then looked like the flood, and so did two more comments sharing \
         its words: 3 of 16 marked takeover (19 %)",
    ),
    (
        365,
        12_000,
        0.05,
        "\"hey, #ProtectOurMonuments #TakeThemDown is where the resources are!!\" and its \
         retweet were learned as the flood's content and then looked like the flood by their \
         own words (each in 2 of 74 flood posts): 2 of 18 marked takeover (11 %)",
    ),
];

#[test]
fn counter_speech_worlds_stay_fixed() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (seed, posts, max_marked, fault) in COUNTER_SPEECH_WORLDS {
        let v = score_world(py, dir.path(), seed, posts);
        let marked = num(&v, "counter_speech_marked_takeover");
        let line = format!(
            "seed {seed} ({}, {posts} posts): F1 {:.3}, counter-speech marked {:.0} %; it found: {fault}",
            v["layout"].as_str().unwrap_or(""),
            num(&v, "f1"),
            100.0 * marked,
        );
        eprintln!("{line}");
        assert!(marked <= max_marked, "{line}");
        assert!(num(&v, "f1") >= 0.95, "{line}");
        assert_eq!(num(&v, "windows_missed"), 0.0, "{line}");
    }
}

/// Every layout the held-out generator writes, each in the order its source would have.
const ALL_LAYOUTS: [(&str, &str); 5] = [
    ("twarc_csv", "newest"),
    ("twarc2_jsonl", "newest"),
    ("v1_jsonl", "oldest"),
    ("generic_csv", "shuffled"),
    ("jetstream_jsonl", "oldest"),
];

/// The same posts in five layouts (twarc-csv; twarc2's API pages, whose retweets are cut
/// at 140 characters with their full text in `includes`; v1.1 JSON; a generic CSV with no
/// link addresses; Bluesky Jetstream, whose reposts carry no text and whose links are shown
/// cut short) must give the same findings: every window found in each, onsets within 15
/// minutes of one another, F1 within 0.02. Seed 447 was drawn with the Jetstream layout
/// and found its fault: a spam flood's links shown as bare hosts read as words, and the
/// onset was 25 minutes later there than in the other four (F1 0.975 against 1.000).
#[test]
fn the_same_world_in_every_layout_gives_the_same_findings() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    for seed in [447, 449] {
        let scores: Vec<Value> = ALL_LAYOUTS
            .iter()
            .map(|&(layout, order)| score_world_as(py, dir.path(), seed, 8_000, layout, order))
            .collect();
        let mut table = String::new();
        for (v, (layout, _)) in scores.iter().zip(ALL_LAYOUTS) {
            let onsets: Vec<String> = v["windows"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|w| format!("{} {}", w["hashtag"], w["onset_error_min"]))
                .collect();
            table.push_str(&format!(
                "seed {seed} {layout:<16} F1 {:.3} missed {} onsets {}\n",
                num(v, "f1"),
                num(v, "windows_missed"),
                onsets.join(", ")
            ));
        }
        eprintln!("{table}");
        for v in &scores {
            assert_eq!(num(v, "windows_missed"), 0.0, "a window missed:\n{table}");
        }
        let f1: Vec<f64> = scores.iter().map(|v| num(v, "f1")).collect();
        let spread = f1.iter().cloned().fold(f64::MIN, f64::max)
            - f1.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread <= 0.02, "F1 differs by {spread:.3}:\n{table}");
        let windows = scores[0]["windows"].as_array().map_or(0, Vec::len);
        assert!(windows > 0, "seed {seed} has no takeover window");
        for k in 0..windows {
            let onsets: Vec<f64> = scores
                .iter()
                .filter_map(|v| v["windows"][k]["onset_error_min"].as_f64())
                .collect();
            assert_eq!(onsets.len(), scores.len(), "an onset missing:\n{table}");
            let spread = onsets.iter().cloned().fold(f64::MIN, f64::max)
                - onsets.iter().cloned().fold(f64::MAX, f64::min);
            assert!(spread <= 15.0, "onsets {spread:.0} min apart:\n{table}");
        }
    }
}
