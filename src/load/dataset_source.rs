//! What a dataset is read from: one file, a folder, a list of files (paths and globs), or
//! bytes in memory. Every load goes through [`Source::load`], which hands each file to the
//! reader of its format: Parquet gets the file, the delimited and JSON readers a decoded
//! text stream (see [`crate::load::source`]), so no reader knows of folders, globs or
//! compression. A slice ([`crate::load::LoadOptions::slice`]) travels with the options;
//! each reader cuts it as cheaply as its format allows, and a folder leaves unopened the
//! Parquet files its hive partitions rule out.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::{LoadError, LoadOptions, Loaded, folder};
use crate::progress::Progress;

/// What a dataset is read from.
#[derive(Debug, Clone)]
pub enum Source {
    /// One file, possibly compressed.
    File(PathBuf),
    /// Every data file under a folder, recursively, in path order.
    Folder(PathBuf),
    /// Several files read as one dataset; names are relative to `root`, and `skipped`
    /// lists files of the folders given that are not data files.
    Files {
        root: PathBuf,
        files: Vec<PathBuf>,
        skipped: Vec<PathBuf>,
    },
    /// A file's bytes in memory; `name` stands in for its path in messages.
    Bytes { name: String, bytes: Arc<[u8]> },
}

fn io_error(p: &Path) -> impl Fn(std::io::Error) -> LoadError + '_ {
    move |e| LoadError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    }
}

impl Source {
    /// What a path names: a folder, a glob (`hour_*.jsonl`), or one file.
    pub fn of_path(path: &Path) -> Result<Source, LoadError> {
        if path.is_dir() {
            return Ok(Source::Folder(path.to_path_buf()));
        }
        let Some(files) = folder::expand_glob(path) else {
            return Ok(Source::File(path.to_path_buf()));
        };
        let files = files.map_err(io_error(path))?;
        if files.is_empty() {
            return Err(LoadError::NoRows {
                path: path.display().to_string(),
                what: "no file matches this pattern".into(),
            });
        }
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Ok(Source::Files {
            root,
            files,
            skipped: Vec::new(),
        })
    }

    /// What several paths name together: each folder's data files, each glob's matches
    /// and each file, once each, as one dataset (one path is [`Source::of_path`]).
    pub fn of_paths(paths: &[PathBuf]) -> Result<Source, LoadError> {
        if let [one] = paths {
            return Self::of_path(one);
        }
        let mut files: Vec<PathBuf> = Vec::new();
        let mut skipped = Vec::new();
        for p in paths {
            if p.is_dir() {
                let (f, s) = folder::data_files(p).map_err(io_error(p))?;
                files.extend(f);
                skipped.extend(s);
            } else if let Some(g) = folder::expand_glob(p) {
                files.extend(g.map_err(io_error(p))?);
            } else {
                files.push(p.clone());
            }
        }
        let mut seen = std::collections::HashSet::new();
        files.retain(|f| seen.insert(f.clone()));
        if files.is_empty() {
            return Err(LoadError::NoRows {
                path: paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                what: "no data file among these paths".into(),
            });
        }
        Ok(Source::Files {
            root: folder::common_folder(&files),
            files,
            skipped,
        })
    }

    /// Reads the dataset.
    pub fn load(&self, opts: &LoadOptions, progress: &Progress) -> Result<Loaded, LoadError> {
        match self {
            Source::File(path) => crate::load::load_file(path, opts, progress),
            Source::Folder(dir) => folder::load_folder(dir, opts, progress),
            Source::Files {
                root,
                files,
                skipped,
            } => folder::load_files(root, files, skipped, opts, progress),
            Source::Bytes { name, bytes } => crate::load::load_bytes(bytes, name, opts, progress),
        }
    }
}
