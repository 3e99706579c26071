//! The headless commands, run as a user runs them.

mod common;

use std::process::Command;

use common::{derail_bin, temp_file};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(derail_bin())
        .args(args)
        .env("DERAIL_USER", "tester")
        .output()
        .expect("running derail");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn generate_inspect_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kpop.csv");
    let d = data.to_str().unwrap();
    let (ok, _, err) = run(&[
        "generate",
        "--scenario",
        "kpop",
        "--posts",
        "6000",
        "--format",
        "csv",
        "--seed",
        "3",
        "--out",
        d,
    ]);
    assert!(ok, "{err}");
    assert!(dir.path().join("kpop.csv.truth.json").exists());
    assert!(dir.path().join("kpop.csv.truth.csv").exists());

    let (ok, out, err) = run(&["inspect", d, "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "format",
        "mapping",
        "posts",
        "rejected",
        "rejections",
        "time_min",
        "time_max",
        "authors",
        "top_hashtags",
    ] {
        assert!(v.get(key).is_some(), "inspect --json lacks {key}");
    }
    assert_eq!(v["posts"], 6000);
    assert_eq!(v["format"], "csv");
    assert!(
        v["mapping"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["role"] == "text" && m["confidence"].as_f64().unwrap() > 0.5)
    );
    let (ok, text, _) = run(&["inspect", d]);
    assert!(ok);
    for word in [
        "Format",
        "Columns",
        "Rows",
        "Time range",
        "Authors",
        "Top hashtags",
    ] {
        assert!(text.contains(word), "inspect text lacks {word}: {text}");
    }

    let out_csv = dir.path().join("annotated.csv");
    let report = dir.path().join("report.json");
    let (ok, _, err) = run(&[
        "analyze",
        d,
        "--out",
        out_csv.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--timings",
    ]);
    assert!(ok, "{err}");
    assert!(
        err.contains("timings") && err.contains("near-duplicates"),
        "{err}"
    );
    // Every input column, unchanged, then derail's.
    let original = std::fs::read_to_string(&data).unwrap();
    let annotated = std::fs::read_to_string(&out_csv).unwrap();
    let orig_lines: Vec<&str> = original.lines().collect();
    let ann_lines: Vec<&str> = annotated.lines().collect();
    assert_eq!(orig_lines.len(), ann_lines.len());
    assert_eq!(
        ann_lines[0],
        format!(
            "{},derail_tags,derail_cluster,derail_dup_group,derail_coordinated,derail_takeover,derail_label,derail_row",
            orig_lines[0]
        )
    );
    for (o, a) in orig_lines.iter().zip(&ann_lines).skip(1).take(200) {
        assert!(a.starts_with(o), "row not kept byte for byte:\n{o}\n{a}");
    }
    let mut rdr = csv::Reader::from_path(&out_csv).unwrap();
    let takeovers = rdr
        .records()
        .filter(|r| {
            r.as_ref()
                .map(|r| &r[r.len() - 3] == "true")
                .unwrap_or(false)
        })
        .count();
    assert!(takeovers > 1000, "{takeovers}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    for key in [
        "version",
        "config",
        "posts",
        "rejected",
        "hashtags",
        "clusters",
        "dup_groups",
        "coordination",
        "takeovers",
    ] {
        assert!(r.get(key).is_some(), "report lacks {key}");
    }
    let t = &r["takeovers"][0];
    assert_eq!(t["hashtag"], "whitelivesmatter");
    for key in [
        "hashtag",
        "start",
        "peak",
        "end",
        "share",
        "newcomer_share",
        "score",
        "clusters",
    ] {
        assert!(t.get(key).is_some(), "takeover lacks {key}");
    }
    assert!(t["start"].as_str().unwrap().ends_with('Z'));
    assert!(r["config"]["coordination"]["window_seconds"].as_u64() == Some(60));
}

#[test]
fn json_inputs_export_flattened_columns() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("flood.jsonl");
    let d = data.to_str().unwrap();
    assert!(
        run(&[
            "generate",
            "--scenario",
            "spam",
            "--posts",
            "3000",
            "--format",
            "twarc2",
            "--out",
            d
        ])
        .0
    );
    let out_csv = dir.path().join("a.csv");
    let (ok, _, err) = run(&["analyze", d, "--out", out_csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    let mut rdr = csv::Reader::from_path(&out_csv).unwrap();
    let h: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&h[..4], ["id", "created_at", "author_id", "author"]);
    assert_eq!(&h[h.len() - 2..], ["derail_label", "derail_row"]);
    assert_eq!(rdr.records().count(), 3000);
}

#[test]
fn map_override_and_errors() {
    let (dir, p) = temp_file(
        "odd.csv",
        "when,what,who\n2021-05-01 10:00,first post here,a\n2021-05-01 10:05,second post here,b\n",
    );
    let (ok, out, err) = run(&[
        "inspect",
        p.to_str().unwrap(),
        "--json",
        "--map",
        "text=what",
        "--map",
        "author=who",
        "--tz",
        "+02:00",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["posts"], 2);
    assert_eq!(v["time_min"], "2021-05-01T08:00:00Z");
    assert_eq!(v["naive_zone"], "+02:00");
    let (ok, _, err) = run(&["inspect", p.to_str().unwrap(), "--map", "text=nope"]);
    assert!(!ok);
    assert!(
        err.contains("odd.csv") && err.contains("nope") && err.contains("when, what, who"),
        "{err}"
    );
    let (ok, _, err) = run(&["inspect", dir.path().join("missing.csv").to_str().unwrap()]);
    assert!(!ok && err.contains("missing.csv"), "{err}");
}

/// `generate --out` into a folder that does not exist yet creates it; a folder, and a
/// quoted glob, are inputs like a file.
#[test]
fn folders_and_globs_as_inputs() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format, seed) in [
        ("a.jsonl", "jetstream", "1"),
        ("b.json", "telegram", "2"),
        ("c.ndjson", "reddit", "3"),
    ] {
        let out = dir.path().join("new/sub").join(name);
        let (ok, _, err) = run(&[
            "generate",
            "--posts",
            "500",
            "--format",
            format,
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(ok, "{err}");
    }
    let folder = dir.path().join("new/sub");
    let (ok, out, err) = run(&["inspect", folder.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["posts"], 1500,
        "three files of 500 posts; the truth files left out"
    );
    let glob = folder.join("*.json*");
    let (ok, out, err) = run(&["inspect", glob.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["posts"], 1000, "a.jsonl and b.json");
    let report = dir.path().join("r.json");
    let annotated = dir.path().join("a.csv");
    let (ok, _, err) = run(&[
        "analyze",
        folder.to_str().unwrap(),
        "--out",
        annotated.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let rows = csv::Reader::from_path(&annotated)
        .unwrap()
        .records()
        .count();
    // 1500 posts, and the 50 likes of the Jetstream file (not posts) as rows of their own.
    assert_eq!(rows, 1550);
}

/// `derail export --where` selects with the app's filter engine: the takeover posts of
/// one tag are exactly those the full export marks, and a bad term is named.
#[test]
fn export_where_selects_like_the_app_filter() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("k.csv");
    let d = data.to_str().unwrap();
    let (ok, _, err) = run(&[
        "generate",
        "--scenario",
        "kpop",
        "--posts",
        "8000",
        "--seed",
        "3",
        "--out",
        d,
    ]);
    assert!(ok, "{err}");
    let all = dir.path().join("all.csv");
    let (ok, _, err) = run(&["analyze", d, "--out", all.to_str().unwrap()]);
    assert!(ok, "{err}");
    let mut expected = Vec::new();
    let mut rdr = csv::Reader::from_path(&all).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (tags, takeover) = (col("text"), col("derail_takeover"));
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[takeover] == "true" && r[tags].to_lowercase().contains("#whitelivesmatter") {
            expected.push(r[0].to_string());
        }
    }
    assert!(expected.len() > 500, "{}", expected.len());
    let some = dir.path().join("some.csv");
    let (ok, _, err) = run(&[
        "export",
        d,
        "--out",
        some.to_str().unwrap(),
        "--where",
        "#WhiteLivesMatter tag:takeover",
    ]);
    assert!(ok, "{err}");
    let got: Vec<String> = csv::Reader::from_path(&some)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(got, expected);
    let (ok, _, err) = run(&[
        "export",
        d,
        "--out",
        some.to_str().unwrap(),
        "--where",
        "label:spam",
    ]);
    assert!(!ok);
    assert!(
        err.contains("label:spam") && err.contains("takeover, original"),
        "{err}"
    );
}
