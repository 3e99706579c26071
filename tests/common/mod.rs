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
