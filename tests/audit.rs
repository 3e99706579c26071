//! The audit end to end: `derail sample` draws and journals a stratified plan, the sample
//! is labelled through `derail label` (from the generator's truth), and `derail audit`
//! must reproduce precision, recall and share with their intervals as computed here by
//! the textbook stratified formulas, independently of derail's estimator. A kill -9 in a
//! sampled session loses no confirmed label and keeps the plan.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::derail_bin;
use derail::generate::writers::{OutFormat, write, write_truth};
use derail::generate::{GenConfig, Scenario, generate};
use derail::labels::Labels;

fn derail(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(derail_bin()).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `derail label` on `data` with a script on stdin, to the end.
fn label_with(data: &str, script: &str) {
    let mut child = Command::new(derail_bin())
        .args(["label", data])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Writes a generated world and returns its path and per-post truth (id → label name).
fn world(
    dir: &Path,
    seed: u64,
) -> (
    std::path::PathBuf,
    std::collections::HashMap<String, String>,
) {
    let (posts, authors, truth) = generate(&GenConfig::new(Scenario::Kpop, 20_000, seed));
    let path = dir.join("k.csv");
    write(&posts, &authors, OutFormat::Csv, &path).unwrap();
    let (_, truth_csv) = write_truth(&posts, &truth, &path).unwrap();
    let mut rdr = csv::Reader::from_path(truth_csv).unwrap();
    let labels = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            let label = if !r[4].is_empty() {
                "takeover"
            } else if &r[1] == "counter" {
                "counter-speech"
            } else {
                "original"
            };
            (r[0].to_string(), label.to_string())
        })
        .collect();
    (path, labels)
}

fn plan_json(path: &Path, tag: &str, half_width: &str, seed: &str) -> serde_json::Value {
    let (ok, out, err) = derail(&[
        "sample",
        path.to_str().unwrap(),
        "--hashtag",
        tag,
        "--half-width",
        half_width,
        "--seed",
        seed,
        "--json",
    ]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

const Z: f64 = 1.959_963_984_540_054;

fn wilson(p: f64, n: f64) -> (f64, f64) {
    let z2 = Z * Z;
    let d = 1.0 + z2 / n;
    let c = (p + z2 / (2.0 * n)) / d;
    let h = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

/// The interval the README documents: Wilson at the effective sample size p(1−p)/V, or
/// at the labels' count when p is 0 or 1.
fn interval(p: f64, v: f64, n: f64) -> (f64, f64) {
    if p > 0.0 && p < 1.0 && v > 0.0 {
        wilson(p, p * (1.0 - p) / v)
    } else {
        wilson(p, n)
    }
}

fn assert_figure(v: &serde_json::Value, name: &str, value: f64, ci: (f64, f64)) {
    let got = v[name]
        .as_f64()
        .unwrap_or_else(|| panic!("{name} missing: {v}"));
    let lo = v[format!("{name}_ci")][0].as_f64().unwrap();
    let hi = v[format!("{name}_ci")][1].as_f64().unwrap();
    assert!((got - value).abs() < 1e-9, "{name}: {got} vs {value}");
    assert!(
        (lo - ci.0).abs() < 1e-9 && (hi - ci.1).abs() < 1e-9,
        "{name} interval: ({lo}, {hi}) vs {ci:?}"
    );
}

#[test]
fn audit_reproduces_the_stratified_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let (data, truth) = world(dir.path(), 4);
    let d = data.to_str().unwrap();
    let plan = plan_json(&data, "#WhiteLivesMatter", "0.15", "3");
    let id = plan["id"].as_str().unwrap().to_string();
    // Label every drawn post but one per stratum, with the truth's label.
    let strata = plan["strata"].as_array().unwrap();
    let skipped: Vec<&str> = strata
        .iter()
        .map(|s| s["sample"][0].as_str().unwrap())
        .collect();
    let mut script = format!("queue sample:{id}\n");
    for k in plan["order"].as_array().unwrap() {
        let k = k.as_str().unwrap();
        if !skipped.contains(&k) {
            script.push_str(&format!("set {k} {}\n", truth[k]));
        }
    }
    label_with(d, &script);

    let (ok, out, err) = derail(&["audit", d, "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = v["moments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["hashtag"] == "whitelivesmatter")
        .unwrap()
        .clone();
    assert_eq!(m["plan"], id.as_str());

    // Per stratum: N, n labelled, k hand-takeover; derail's verdict is constant in it.
    struct S {
        big_n: f64,
        n: f64,
        k: f64,
        marked: bool,
    }
    let s: Vec<S> = strata
        .iter()
        .map(|st| {
            let labelled: Vec<&str> = st["sample"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
                .filter(|k| !skipped.contains(k))
                .collect();
            S {
                big_n: st["population"].as_f64().unwrap(),
                n: labelled.len() as f64,
                k: labelled.iter().filter(|k| truth[**k] == "takeover").count() as f64,
                marked: st["derail_takeover"].as_bool().unwrap(),
            }
        })
        .collect();
    let n_total: f64 = s.iter().map(|x| x.n).sum();
    assert_eq!(m["n"].as_f64().unwrap(), n_total);
    // s² of a 0/1 indicator with k ones in n: k(n−k) / (n(n−1)); when all n agree, as
    // if one more had not (the README's rule): 1/(n+1).
    let s2 = |x: &S| {
        if x.k == 0.0 || x.k == x.n {
            1.0 / (x.n + 1.0)
        } else {
            x.k * (x.n - x.k) / (x.n * (x.n - 1.0))
        }
    };
    let fpc = |x: &S| 1.0 - x.n / x.big_n;

    // Share: Σ W_h p_h, V = Σ W_h² (1 − f_h) s²_h / n_h (Cochran 5.7).
    let big_n: f64 = s.iter().map(|x| x.big_n).sum();
    let share: f64 = s.iter().map(|x| x.big_n / big_n * x.k / x.n).sum();
    let v_share: f64 = s
        .iter()
        .map(|x| (x.big_n / big_n).powi(2) * fpc(x) * s2(x) / x.n)
        .sum();
    assert_figure(&m, "share", share, interval(share, v_share, n_total));

    // Precision: the marked stratum's own proportion.
    let mk = s.iter().find(|x| x.marked).unwrap();
    let precision = mk.k / mk.n;
    let v_prec = fpc(mk) * s2(mk) / mk.n;
    assert_figure(
        &m,
        "precision",
        precision,
        interval(precision, v_prec, mk.n),
    );

    // Recall: TP / (TP + FN) with TP = N_m p_m, FN = Σ_unmarked N_h p_h; linearised,
    // d = (1 − R)·T / X in the marked stratum and −R·T / X elsewhere.
    let tp = mk.big_n * mk.k / mk.n;
    let x_hat: f64 = s.iter().map(|x| x.big_n * x.k / x.n).sum();
    let recall = tp / x_hat;
    let v_rec: f64 = s
        .iter()
        .map(|x| {
            let c = if x.marked { 1.0 - recall } else { -recall } / x_hat;
            x.big_n.powi(2) * fpc(x) * c * c * s2(x) / x.n
        })
        .sum();
    let n_rec = n_total;
    assert_figure(&m, "recall", recall, interval(recall, v_rec, n_rec));
    // derail's own share is beside it, and the design names the plan.
    assert!(m["derail_share"].as_f64().unwrap() > 0.5);
    assert!(m["design"].as_str().unwrap().contains(&id));
    assert_eq!(
        m["labels_by_queue"][format!("sample:{id}")]
            .as_f64()
            .unwrap(),
        n_total
    );
}

/// Without a plan, labels count as a simple random sample of the window, and those the
/// uncertain queue served are left out and counted.
#[test]
fn labels_without_a_plan_are_a_simple_random_sample() {
    let dir = tempfile::tempdir().unwrap();
    let (data, truth) = world(dir.path(), 6);
    let d = data.to_str().unwrap();
    let (ok, out, err) = derail(&[
        "analyze",
        d,
        "--out",
        dir.path().join("a.csv").to_str().unwrap(),
    ]);
    assert!(ok, "{err}{out}");
    let mut rdr = csv::Reader::from_path(dir.path().join("a.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let text = h.iter().position(|c| c == "text").unwrap();
    let window: Vec<String> = rdr
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r[text].to_lowercase().contains("#whitelivesmatter"))
        .map(|r| r[0].to_string())
        .collect();
    let picked: Vec<&String> = window.iter().step_by(97).take(30).collect();
    let mut script = String::from("queue random\n");
    for k in &picked[..25] {
        script.push_str(&format!("set {k} {}\n", truth[k.as_str()]));
    }
    script.push_str("queue uncertain\n");
    for k in &picked[25..] {
        script.push_str(&format!("set {k} {}\n", truth[k.as_str()]));
    }
    label_with(d, &script);
    let (ok, out, err) = derail(&["audit", d, "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = &v["moments"][0];
    assert!(
        m["design"]
            .as_str()
            .unwrap()
            .contains("simple random sample"),
        "{m}"
    );
    assert!(m["plan"].is_null());
    let counted = m["n"].as_u64().unwrap();
    assert!(counted <= 25 && counted > 10, "{m}");
    let uncertain = m["not_counted"]["served by the uncertain queue (not a random draw)"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(counted, m["labels_by_queue"]["random"].as_u64().unwrap());
    assert!(uncertain > 0, "{m}");
    let (ok, text, _) = derail(&["audit", d]);
    assert!(ok);
    assert!(
        text.contains("takeover precision") && text.contains("simple random sample"),
        "{text}"
    );
}

#[test]
fn kill_9_in_a_sampled_session_keeps_the_plan_and_every_saved_label() {
    let dir = tempfile::tempdir().unwrap();
    let (data, truth) = world(dir.path(), 5);
    let d = data.to_str().unwrap();
    let plan = plan_json(&data, "whitelivesmatter", "0.2", "9");
    let id = plan["id"].as_str().unwrap().to_string();
    let order: Vec<String> = plan["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let mut child = Command::new(derail_bin())
        .args(["label", d])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let mut script = format!("queue sample:{id}\n");
    for k in &order {
        script.push_str(&format!("set {k} {}\n", truth[k.as_str()]));
    }
    stdin.write_all(script.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut acked = 0;
    while acked < 20 {
        line.clear();
        stdout.read_line(&mut line).unwrap();
        if line.trim() == "saved" {
            acked += 1;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let fp = derail::load::load_path(
        &data,
        &Default::default(),
        &derail::progress::Progress::new(),
    )
    .unwrap()
    .dataset
    .source
    .fingerprint;
    let reopened = Labels::open(&data, &fp).unwrap();
    let kept = reopened
        .plan_for("whitelivesmatter")
        .expect("the plan survives");
    assert_eq!(kept.id, id);
    assert_eq!(kept.order, order);
    for k in &order[..acked] {
        let e = reopened.get(k).expect("a label shown as saved was lost");
        assert_eq!(reopened.name_of(k), Some(truth[k.as_str()].as_str()));
        assert_eq!(e.queue.as_deref(), Some(format!("sample:{id}").as_str()));
    }
}

/// The "next most useful" queue serves the window's newcomers' posts closest to the line
/// between foreign and familiar first, and `derail sample --uncertain` prints it.
#[test]
fn the_uncertain_queue_is_closest_to_the_decision_first() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = world(dir.path(), 7);
    let ds = common::load(&data);
    let an = common::analyse(&ds);
    let k = an
        .moments
        .iter()
        .position(|m| m.hashtag == "whitelivesmatter")
        .unwrap();
    let order = derail::audit::uncertain_order(&ds, &an, k);
    assert!(order.len() > 100, "{}", order.len());
    let line = an.config.takeover.foreign_below;
    let gaps: Vec<f32> = order
        .iter()
        .map(|&i| (an.familiarity[i as usize] - line).abs())
        .collect();
    assert!(gaps.windows(2).all(|w| w[0] <= w[1]), "not closest first");
    let (from, to, window) = derail::audit::plan::window_posts(&ds, &an.moments[k]);
    assert!(from <= to);
    assert!(order.iter().all(|i| window.contains(i)));
    // Every post the moment marks is a judged newcomer's post, so the queue holds it.
    let marked: Vec<u32> = window
        .iter()
        .copied()
        .filter(|&i| an.is_takeover(i as usize))
        .collect();
    assert!(!marked.is_empty() && marked.iter().all(|i| order.contains(i)));
    let (ok, out, err) = derail(&[
        "sample",
        data.to_str().unwrap(),
        "--hashtag",
        "whitelivesmatter",
        "--uncertain",
    ]);
    assert!(ok, "{err}");
    let first: Vec<&str> = out
        .lines()
        .take(3)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let expected: Vec<String> = order
        .iter()
        .take(3)
        .map(|&i| ds.post_key(i as usize))
        .collect();
    assert_eq!(first, expected);
}

/// Two coders, one workflow: the sample goes out as a blind packet, the second coder's
/// export comes back as their own layer, `derail audit` reports their agreement (kappa
/// checked here by hand) and lists the disagreements, and adjudicated labels are a third
/// layer that leaves both coders' labels as they were.
#[test]
fn a_second_coder_is_compared_and_adjudicated() {
    use derail::export::{ExportOptions, export_annotated};
    use derail::labels::LabelCommand;
    let dir = tempfile::tempdir().unwrap();
    let (data, truth) = world(dir.path(), 8);
    let d = data.to_str().unwrap();
    let plan = plan_json(&data, "whitelivesmatter", "0.25", "2");
    let order: Vec<String> = plan["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    // Coder one: the truth.
    let mut script = String::new();
    for k in &order {
        script.push_str(&format!("set {k} {}\n", truth[k.as_str()]));
    }
    label_with(d, &script);
    // The packet: the sample in its order, no verdicts.
    let packet = dir.path().join("packet.csv");
    let (ok, _, err) = derail(&[
        "packet",
        d,
        "--hashtag",
        "whitelivesmatter",
        "--out",
        packet.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let mut rdr = csv::Reader::from_path(&packet).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        ["derail_packet", "id", "created_at", "author", "text"]
    );
    let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert_eq!(ids, order);
    // Coder two opens the packet, labels it, flipping the first five, and exports.
    let pds = common::load(&packet);
    assert_eq!(pds.len(), order.len());
    let mut two = Labels::in_memory();
    two.user = "bob".into();
    let flip = |l: &str| {
        if l == "takeover" {
            "original"
        } else {
            "takeover"
        }
    };
    for (n, k) in order.iter().enumerate() {
        let t = truth[k.as_str()].as_str();
        let name = if n < 5 { flip(t) } else { t };
        let label = two.by_name(name);
        two.apply(LabelCommand::Assign {
            posts: vec![pds.post_key(n)],
            label,
        })
        .unwrap();
    }
    let theirs = dir.path().join("bob.csv");
    export_annotated(
        &pds,
        None,
        Some(&two),
        &theirs,
        &ExportOptions::default(),
        &derail::progress::Progress::new(),
    )
    .unwrap();
    let (ok, _, err) = derail(&[
        "import-labels",
        d,
        theirs.to_str().unwrap(),
        "--coder",
        "bob",
    ]);
    assert!(ok, "{err}");
    assert!(
        err.contains(&format!("imported {} labels", order.len())) && err.contains("post ids"),
        "{err}"
    );
    // Adjudicate two of the five.
    let script = format!(
        "layer adjudicated\nset {} {}\nset {} {}\n",
        order[0],
        truth[order[0].as_str()],
        order[1],
        flip(&truth[order[1].as_str()])
    );
    label_with(d, &script);

    let (ok, out, err) = derail(&["audit", d, "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = v["moments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["hashtag"] == "whitelivesmatter")
        .unwrap();
    let c = &m["coders"][0];
    assert_eq!(c["coder"], "bob");
    assert_eq!(c["common"].as_u64().unwrap() as usize, order.len());
    let dis = c["disagreements"].as_array().unwrap();
    assert_eq!(dis.len(), 5);
    let adjudicated: Vec<&serde_json::Value> =
        dis.iter().filter(|d| !d["adjudicated"].is_null()).collect();
    assert_eq!(adjudicated.len(), 2);
    // Kappa by hand: observed agreement and the coders' marginals over the labels.
    let n = order.len() as f64;
    let own: Vec<&str> = order.iter().map(|k| truth[k.as_str()].as_str()).collect();
    let bob: Vec<&str> = own
        .iter()
        .enumerate()
        .map(|(i, l)| if i < 5 { flip(l) } else { l })
        .collect();
    let po = own.iter().zip(&bob).filter(|(a, b)| a == b).count() as f64 / n;
    let mut names: Vec<&str> = own.iter().chain(&bob).copied().collect();
    names.sort();
    names.dedup();
    let pe: f64 = names
        .iter()
        .map(|l| {
            (own.iter().filter(|x| *x == l).count() as f64 / n)
                * (bob.iter().filter(|x| *x == l).count() as f64 / n)
        })
        .sum();
    let kappa = (po - pe) / (1.0 - pe);
    assert!((c["kappa"].as_f64().unwrap() - kappa).abs() < 1e-9, "{c}");
    // The figures use the adjudicated label: post 1's now disagrees with the truth.
    let plan_labels = m["n"].as_u64().unwrap() as usize;
    assert_eq!(plan_labels, order.len());
    let reopened =
        derail::labels::Labels::read_existing(&data, &common::load(&data).source.fingerprint)
            .unwrap()
            .unwrap();
    assert_eq!(
        reopened.name_of(&order[1]),
        Some(truth[order[1].as_str()].as_str()),
        "own label kept"
    );
    assert_eq!(
        reopened
            .resolved(&order[1])
            .and_then(|e| reopened.def(e.label))
            .map(|d| d.name.as_str()),
        Some(flip(&truth[order[1].as_str()]))
    );
    assert_eq!(
        reopened
            .get_in("coder:bob", &order[1])
            .and_then(|e| reopened.def(e.label))
            .map(|d| d.name.as_str()),
        Some(flip(&truth[order[1].as_str()])),
        "the coder's label kept"
    );
}
