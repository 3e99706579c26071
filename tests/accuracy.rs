//! Accuracy against the generator's ground truth, for every kind of takeover, in several
//! formats: onset within 15 minutes, takeover-post F1 ≥ 0.95, clusters pure with respect to
//! the templates and agreeing with them (adjusted Rand index), copypasta recall ≥ 0.95, and
//! no alarms on background hashtags.

mod common;

use common::{analyse, load};
use derail::generate::evaluate::evaluate;
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};

fn check(scenario: Scenario, format: OutFormat, seed: u64) {
    let cfg = GenConfig::new(scenario, 20_000, seed);
    let (posts, authors, truth) = generate(&cfg);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("data.{}", format.extension()));
    write(&posts, &authors, format, &path).unwrap();
    let ds = load(&path);
    assert_eq!(
        ds.len(),
        posts.len(),
        "{scenario:?} {format:?}: every post loads"
    );
    let an = analyse(&ds);
    let ev = evaluate(&ds, &an, &posts, &truth).unwrap();
    let label = format!("{scenario:?} in {format:?} (seed {seed}): {ev:#?}");
    for t in &ev.takeovers {
        let err = t
            .onset_error_minutes
            .unwrap_or_else(|| panic!("takeover of #{} not found; {label}", t.hashtag));
        assert!(
            err <= 15.0,
            "onset of #{} off by {err:.1} min; {label}",
            t.hashtag
        );
    }
    if !truth.takeovers.is_empty() {
        assert!(ev.f1 >= 0.95, "F1 {:.3}; {label}", ev.f1);
    }
    assert!(
        ev.cluster_purity >= 0.9,
        "purity {:.3}; {label}",
        ev.cluster_purity
    );
    // Purity rewards splitting; the adjusted Rand index does not. This generator's
    // templates are intents written several ways ("Married 12 years and still #ProudBoys",
    // "Just two dads being #ProudBoys"), which derail's clusters keep apart by wording:
    // 0.54-0.93 measured over these worlds (the peer's k-means, 0.43-0.62 on 20k-post
    // worlds of each scenario).
    assert!(
        ev.cluster_ari >= 0.5,
        "cluster ARI {:.3}; {label}",
        ev.cluster_ari
    );
    assert!(
        ev.copypasta_recall >= 0.95,
        "copypasta recall {:.3}; {label}",
        ev.copypasta_recall
    );
    assert!(
        ev.background_alarms.is_empty(),
        "alarms on background tags; {label}"
    );
    assert!(
        ev.other_alarms.is_empty(),
        "alarms on tags that were not taken over; {label}"
    );
}

#[test]
fn kpop_fancam_flood() {
    check(Scenario::Kpop, OutFormat::Csv, 1);
    check(Scenario::Kpop, OutFormat::Twarc2, 2);
    check(Scenario::Kpop, OutFormat::Bluesky, 3);
}

#[test]
fn reclaiming_flood() {
    check(Scenario::Reclaim, OutFormat::Tcat, 4);
    check(Scenario::Reclaim, OutFormat::V1, 5);
    check(Scenario::Reclaim, OutFormat::Mastodon, 6);
}

#[test]
fn spam_bot_flood() {
    check(Scenario::Spam, OutFormat::Twarc2Flat, 7);
    check(Scenario::Spam, OutFormat::Snscrape, 8);
    check(Scenario::Spam, OutFormat::Csv, 9);
}

#[test]
fn three_takeovers_at_once_and_a_quiet_dataset() {
    check(Scenario::Mixed, OutFormat::Csv, 10);
    check(Scenario::Mixed, OutFormat::Twarc2, 11);
    check(Scenario::Quiet, OutFormat::Csv, 12);
}

/// The platforms collected since Twitter's API closed: a Jetstream capture (reposts carry
/// no text, only their subject; likes are interleaved), a Telegram group export and a
/// Reddit dump.
#[test]
fn platform_layouts() {
    check(Scenario::Kpop, OutFormat::Jetstream, 13);
    check(Scenario::Reclaim, OutFormat::Telegram, 14);
    check(Scenario::Spam, OutFormat::Reddit, 15);
}

/// The same input and config give the same output at any thread count.
#[test]
fn deterministic_across_thread_counts() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 8_000, 99));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    write(&posts, &authors, OutFormat::Csv, &path).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let ds = load(&path);
            let an = analyse(&ds);
            let report = derail::analysis::report::build_report(&ds, &an);
            let mut v = report;
            if let Some(o) = v.as_object_mut() {
                o.remove("timings_ms");
            }
            (
                an.tags.clone(),
                an.cluster.clone(),
                an.dup_group.clone(),
                v.to_string(),
            )
        })
    };
    let one = run(1);
    let three = run(3);
    assert!(one.0 == three.0, "tags differ");
    assert!(one.1 == three.1, "clusters differ");
    assert!(one.2 == three.2, "near-duplicate groups differ");
    assert_eq!(one.3, three.3, "reports differ");
}

/// Every marked post says why, and where the newcomers around it weighed in its
/// familiarity (a post that carries little, beside a flood), the reason says so.
#[test]
fn marked_posts_say_why() {
    let cfg = GenConfig::new(Scenario::Reclaim, 20_000, 5);
    let (posts, authors, _truth) = generate(&cfg);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    write(&posts, &authors, OutFormat::Csv, &path).unwrap();
    let ds = load(&path);
    let an = analyse(&ds);
    let marked: Vec<usize> = (0..ds.len()).filter(|&i| an.is_takeover(i)).collect();
    assert!(marked.len() > 100, "{} posts marked", marked.len());
    let mut weighed = 0;
    for &i in &marked {
        let why = an
            .why(&ds, i)
            .unwrap_or_else(|| panic!("post {i} marked without a reason"));
        assert!(why.contains("the author is new to the tag"), "{why}");
        let nearby = an.verdict(i).map_or(0.0, |v| v.taken_nearby);
        assert_eq!(
            nearby > 0.0,
            why.contains("weighed among the newcomers around it"),
            "{why}"
        );
        if nearby > 0.0 {
            weighed += 1;
        }
    }
    assert!(
        weighed > 0,
        "no marked post was weighed among its newcomers"
    );
}

/// A flood whose first posts trickle in below the share that makes a bin suspect, in the
/// bin just before the wave's first: those posts are judged against the tag's past before
/// them, so their authors are new to the tag and the posts are marked, not taken for the
/// tag's own crowd (the bin joins the baseline before the wave is found).
#[test]
fn a_floods_first_posts_before_its_wave_are_new_to_the_tag() {
    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    let t0: i64 = 1_600_000_000 - 1_600_000_000 % DAY; // a midnight, UTC
    let mut rows: Vec<(i64, String, String)> = Vec::new();
    let places = [
        "north bridge",
        "old mill",
        "ferry steps",
        "town weir",
        "boat club",
    ];
    let states = ["steady", "rising slowly", "a little low", "back to normal"];
    // The tag's own crowd: 30 locals, a post every 15 minutes for seven days.
    for k in 0..7 * 24 * 4 {
        let text = format!(
            "river level at the {} is {} #RiverWatch",
            places[k % places.len()],
            states[(k / 5) % states.len()]
        );
        rows.push((t0 + k as i64 * 15 * MIN, format!("local{}", k % 30), text));
    }
    // Other tags, so the crowd's words are this tag's own and not everyone's.
    let dishes = [
        "ramen",
        "focaccia",
        "curry",
        "dumplings",
        "tacos",
        "risotto",
    ];
    for k in 0..2_000 {
        let text = format!(
            "made {} for dinner tonight, so good #cooking",
            dishes[k % dishes.len()]
        );
        rows.push((t0 + k as i64 * 5 * MIN, format!("cook{}", k % 200), text));
    }
    // The flood on day six: two posts in the 10:00-12:00 bin (a fifth of it), five in
    // the next (suspect), then one every five minutes until 20:00.
    let day6 = t0 + 5 * DAY;
    let mut flood: Vec<i64> = vec![10 * HOUR + 30 * MIN, 11 * HOUR + 20 * MIN];
    flood.extend((0..5).map(|k| 12 * HOUR + 10 * MIN + k * 25 * MIN));
    flood.extend((0..72).map(|k| 14 * HOUR + 2 * MIN + k * 5 * MIN));
    let coins = ["PEPE", "SHIB", "DOGE", "BABYCAT"];
    for (k, &at) in flood.iter().enumerate() {
        let text = format!(
            "claim free ${} airdrop now 🚀 https://coin-drop.example/c{k} #RiverWatch",
            coins[k % coins.len()]
        );
        rows.push((day6 + at, format!("bot{k}"), text));
    }
    rows.sort();
    let mut csv = String::from("id,created_at,author,text\n");
    for (n, (t, author, text)) in rows.iter().enumerate() {
        let when = jiff::Timestamp::from_second(*t).unwrap();
        csv.push_str(&format!("{},{when},{author},\"{text}\"\n", 1000 + n));
    }
    let (_dir, path) = common::temp_file("riverwatch.csv", csv);
    let ds = load(&path);
    let an = analyse(&ds);
    let moment = an
        .moments
        .iter()
        .find(|m| m.hashtag == "riverwatch")
        .unwrap_or_else(|| panic!("no takeover of #RiverWatch: {:?}", an.moments));
    let first_two: Vec<usize> = (0..ds.len())
        .filter(|&i| ds.text(i).contains("airdrop") && ds.created_at[i] < (day6 + 12 * HOUR) * 1000)
        .collect();
    assert_eq!(first_two.len(), 2);
    for &i in &first_two {
        assert!(
            an.is_takeover(i),
            "the flood's post at {} is not marked (moment from {})",
            derail::time::format_iso(ds.created_at[i]),
            derail::time::format_iso(moment.onset_ms)
        );
    }
}
