//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use derail::analysis::{Analysis, AnalysisConfig, analyze};
use derail::load::Loaded;
use derail::load::{LoadOptions, load_path};
use derail::progress::Progress;

/// `../shared/real_data`, or `None` (with a message) when it is absent.
pub fn real_data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real_data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; the real-data tests need it",
            dir.display()
        );
        None
    }
}

pub fn load(path: &Path) -> Loaded {
    match load_path(path, &LoadOptions::default(), &Progress::new()) {
        Ok(ds) => ds,
        Err(e) => panic!("loading {}: {e}", path.display()),
    }
}

/// A config that reads no user taggers, so tests do not depend on the machine.
pub fn test_config() -> AnalysisConfig {
    let mut c = AnalysisConfig::default();
    c.tags.taggers_dirs.clear();
    c
}

pub fn analyse(ds: &Loaded) -> Analysis {
    match analyze(ds, &test_config(), &Progress::new()) {
        Ok(a) => a,
        Err(_) => panic!("analysis cancelled"),
    }
}

/// A file named `name` holding `contents`, in a temporary folder that lives as long as
/// the returned guard.
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// Path to the built `derail` binary.
pub fn derail_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_derail"))
}

/// `python3`, or `None` (with a message naming what needs it) when it is absent.
pub fn python3(needed_by: &str) -> Option<&'static str> {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some("python3")
    } else {
        eprintln!("SKIPPED: python3 is absent; {needed_by} need it");
        None
    }
}

/// Runs `cmd`, which must succeed, and returns what it printed.
pub fn run_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Analyses the generated world `data` with derail (its export and report written beside
/// it, named from `stem`) and scores them against the world's truth with
/// `scripts/heldout/score.py`.
pub fn analyze_and_score(py: &str, data: &Path, stem: &str) -> serde_json::Value {
    let dir = data.parent().expect("a world's file is in a folder");
    let annotated = dir.join(format!("{stem}.annotated.csv"));
    let report = dir.join(format!("{stem}.report.json"));
    run_ok(
        std::process::Command::new(derail_bin())
            .arg("analyze")
            .arg(data)
            .arg("--out")
            .arg(&annotated)
            .arg("--report")
            .arg(&report),
    );
    let scorer = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/heldout/score.py");
    let json = run_ok(
        std::process::Command::new(py)
            .arg(scorer)
            .arg("--truth")
            .arg(data)
            .arg("--annotated")
            .arg(&annotated)
            .arg("--report")
            .arg(&report)
            .arg("--json"),
    );
    serde_json::from_str(&json).expect("score.py prints JSON")
}
