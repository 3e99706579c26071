//! Labels survive a killed process, exports keep every row and byte, labels round-trip
//! through an annotated CSV, and agreement statistics work end to end.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{analyse, derail_bin, load};
use derail::export::{ExportOptions, export_annotated};
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};
use derail::labels::{LabelCommand, Labels};
use derail::progress::Progress;

fn sample(dir: &std::path::Path, name: &str, posts: usize) -> std::path::PathBuf {
    let (p, a, _) = generate(&GenConfig::new(Scenario::Kpop, posts, 5));
    let path = dir.join(name);
    write(&p, &a, OutFormat::Csv, &path).unwrap();
    path
}

#[test]
fn journal_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), "k.csv", 2000);
    let ds = load(&data);
    let keys: Vec<String> = (0..300).map(|i| ds.post_key(i)).collect();
    let mut child = Command::new(derail_bin())
        .arg("label")
        .arg(&data)
        .env("DERAIL_USER", "killer")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("ready"), "{line}");
    // Send every command at once; the process works through them while we count acks.
    let labels = ["takeover", "original", "unsure"];
    let mut script = String::new();
    for (k, key) in keys.iter().enumerate() {
        script.push_str(&format!("set {key} {}\n", labels[k % 3]));
    }
    stdin.write_all(script.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut acked = 0usize;
    while acked < 120 {
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "saved");
        acked += 1;
    }
    // SIGKILL in the middle of labelling.
    child.kill().unwrap();
    child.wait().unwrap();
    let reopened = Labels::open(&data, &ds.source.fingerprint).unwrap();
    for (k, key) in keys.iter().take(acked).enumerate() {
        assert_eq!(
            reopened.name_of(key),
            Some(labels[k % 3]),
            "label {k} was shown as saved but lost"
        );
    }
    assert!(reopened.len() >= acked);
    assert!(
        reopened.warnings.iter().all(|w| w.contains("cut short")),
        "{:?}",
        reopened.warnings
    );
}

#[test]
fn export_round_trip_keeps_labels_ids_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), "d.csv", 3000);
    // Formula-like text, to check neutralising.
    let ds = load(&data);
    let an = analyse(&ds);
    let mut labels = Labels::open(&data, &ds.source.fingerprint).unwrap();
    let t = labels.by_name("takeover").unwrap();
    let o = labels.by_name("original").unwrap();
    let picked: Vec<String> = (0..ds.len()).step_by(37).map(|i| ds.post_key(i)).collect();
    labels
        .apply(LabelCommand::Assign {
            posts: picked[..20].to_vec(),
            label: Some(t),
        })
        .unwrap();
    labels
        .apply(LabelCommand::Assign {
            posts: picked[20..].to_vec(),
            label: Some(o),
        })
        .unwrap();
    let out = dir.path().join("export.csv");
    let opts = ExportOptions {
        label_details: true,
        ..Default::default()
    };
    let s = export_annotated(&ds, Some(&an), Some(&labels), &out, &opts, &Progress::new()).unwrap();
    assert_eq!(s.rows, ds.len() as u64);
    // Original bytes first, then derail's columns.
    let orig = std::fs::read_to_string(&data).unwrap();
    let exp = std::fs::read_to_string(&out).unwrap();
    for (a, b) in orig.lines().zip(exp.lines()) {
        assert!(b.starts_with(a));
        assert_eq!(b.as_bytes()[a.len()], b',');
    }
    // Re-open the export: ids exact, labels back.
    let back = load(&out);
    assert_eq!(back.len(), ds.len());
    for i in 0..ds.len() {
        assert_eq!(back.id(i), ds.id(i));
    }
    let annotated = derail::labels::agreement::read_annotated(&out).unwrap();
    let coding = annotated.by_id.as_ref().unwrap();
    assert_eq!(coding.len(), picked.len());
    assert_eq!(annotated.by_row.as_ref().unwrap().len(), picked.len());
    for (k, key) in picked.iter().enumerate() {
        assert_eq!(
            coding.get(key).map(String::as_str),
            Some(if k < 20 { "takeover" } else { "original" })
        );
    }
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let h = rdr.headers().unwrap().clone();
    assert_eq!(&h[h.len() - 3], "derail_labelled_by");
    assert_eq!(&h[h.len() - 1], "derail_row");
    // Import into a fresh copy of the dataset.
    let copy = dir.path().join("copy.csv");
    std::fs::copy(&data, &copy).unwrap();
    let ds2 = load(&copy);
    let mut fresh = Labels::open(&copy, &ds2.source.fingerprint).unwrap();
    let s = fresh.import_annotated(&ds2, &out).unwrap();
    assert_eq!((s.labelled, s.unmatched), (picked.len(), 0));
    assert_eq!(s.key, derail::labels::agreement::MatchKey::PostId);
    assert_eq!(fresh.name_of(&picked[0]), Some("takeover"));
    // Changing the source after load is caught, not exported wrongly.
    std::fs::write(
        &data,
        orig.replacen("#WhiteLivesMatter", "#Whitelivesmatter", 1),
    )
    .unwrap();
    let err = export_annotated(
        &ds,
        Some(&an),
        Some(&labels),
        &dir.path().join("x.csv"),
        &opts,
        &Progress::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("changed"), "{err}");
}

#[test]
fn neutralised_export_and_atomic_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("f.csv");
    std::fs::write(&data, "id,created_at,text\n1,2021-01-01T00:00:00Z,=HYPERLINK(\"x\")\n2,2021-01-01T00:00:01Z,@SUM(1) ok\n3,2021-01-01T00:00:02Z,-5\n").unwrap();
    let ds = load(&data);
    let out = dir.path().join("n.csv");
    let opts = ExportOptions {
        neutralize_formulas: true,
        ..Default::default()
    };
    export_annotated(&ds, None, None, &out, &opts, &Progress::new()).unwrap();
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][2], "'=HYPERLINK(\"x\")");
    assert_eq!(&rows[1][2], "'@SUM(1) ok");
    assert_eq!(&rows[2][2], "-5");
    // No temporary files are left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(left.is_empty());
}

#[test]
fn agree_command() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let c = dir.path().join("c.csv");
    std::fs::write(
        &a,
        "id,derail_label\n1,y\n2,y\n3,y\n4,y\n5,y\n6,n\n7,n\n8,n\n9,n\n10,n\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "id,derail_label\n1,y\n2,y\n3,y\n4,y\n5,n\n6,n\n7,n\n8,n\n9,y\n10,y\n",
    )
    .unwrap();
    std::fs::write(
        &c,
        "id,derail_label\n1,y\n2,y\n3,y\n4,y\n5,y\n6,n\n7,n\n8,n\n9,n\n10,y\n",
    )
    .unwrap();
    let out = Command::new(derail_bin())
        .args(["agree", a.to_str().unwrap(), b.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((v["pairs"][0]["kappa"].as_f64().unwrap() - 0.4).abs() < 1e-9);
    assert_eq!(v["pairs"][0]["disagreements"].as_array().unwrap().len(), 3);
    let out = Command::new(derail_bin())
        .args([
            "agree",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            c.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Krippendorff's alpha (3 labellers)"),
        "{text}"
    );
    assert!(text.contains("confusion matrix"));
}

/// Two coders label the same ten rows of a real file that has no id column (the BTS ARMY
/// CSV); their annotated exports carry `derail_row`, and `derail agree` matches on it and
/// reproduces the kappa worked by hand (0.4, as in `agreement::tests::kappa_by_hand`).
/// Importing one coder's export back matches every row.
#[test]
fn agree_matches_rows_of_a_file_with_no_id_column() {
    let Some(real) = common::real_data_dir() else {
        return;
    };
    let data = real.join("kpop_bts_army_matchamillion_20200607.csv");
    let ds = load(&data);
    assert!((0..ds.len()).all(|i| !ds.has_id(i)), "the file has no ids");
    let dir = tempfile::tempdir().unwrap();
    let posts: Vec<String> = (0..10).map(|i| ds.post_key(i)).collect();
    let coder = |name: &str, pattern: &str| {
        let mut l = Labels::in_memory();
        l.user = name.into();
        for (p, c) in posts.iter().zip(pattern.chars()) {
            let label = l.by_name(if c == 'y' { "takeover" } else { "original" });
            l.apply(LabelCommand::Assign {
                posts: vec![p.clone()],
                label,
            })
            .unwrap();
        }
        let out = dir.path().join(format!("{name}.csv"));
        let s = export_annotated(
            &ds,
            None,
            Some(&l),
            &out,
            &ExportOptions::default(),
            &Progress::new(),
        )
        .unwrap();
        assert_eq!(s.rows, ds.len() as u64 + ds.report.rejected);
        out
    };
    let a = coder("a", "yyyyynnnnn");
    let b = coder("b", "yyyynnnnyy");
    let out = Command::new(derail_bin())
        .args(["agree", a.to_str().unwrap(), b.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["matched_on"], "row");
    assert_eq!(v["pairs"][0]["common"], 10);
    assert!(
        (v["pairs"][0]["kappa"].as_f64().unwrap() - 0.4).abs() < 1e-9,
        "{v}"
    );
    let text = Command::new(derail_bin())
        .args(["agree", a.to_str().unwrap(), b.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("rows matched on derail_row"), "{text}");
    let mut fresh = Labels::in_memory();
    let s = fresh.import_annotated(&ds, &b).unwrap();
    assert_eq!((s.labelled, s.unmatched), (10, 0));
    assert_eq!(s.key, derail::labels::agreement::MatchKey::Row);
    assert_eq!(fresh.name_of(&posts[4]), Some("original"));
    assert_eq!(fresh.name_of(&posts[9]), Some("takeover"));
}
