//! The label journal: an append-only JSON-lines file. Every label action is one line,
//! written, flushed and fsync'd before the caller is told it is saved; replaying the lines
//! restores the labels and the label set. A torn last line (a crash mid-write) is dropped
//! on reopen and reported.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::LabelDef;

pub const JOURNAL_VERSION: u32 = 1;

/// A previous label of a post, for undo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedEntry {
    pub label: u32,
    pub by: String,
    pub at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// First line: which dataset the journal belongs to.
    Header {
        version: u32,
        dataset: String,
        fingerprint: String,
        created_ms: i64,
    },
    /// The full label set (names, colours, order) after a change to it.
    Labelset { labels: Vec<LabelDef> },
    /// Posts get a label (`None` clears it).
    Assign {
        posts: Vec<String>,
        label: Option<u32>,
        by: String,
        at_ms: i64,
        /// The queue the posts were served by (`sample:PLAN`, `random`, `next`,
        /// `uncertain`); absent when the labeller picked them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queue: Option<String>,
        /// The layer written: absent for the labeller's own labels, `coder:NAME` for a
        /// second coder's imported labels, `adjudicated` for the adjudication.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        layer: String,
    },
    /// A sampling plan was drawn (it is kept; a later plan for the same tag supersedes it).
    Plan {
        plan: crate::audit::plan::SamplePlan,
    },
    /// Posts get back exact earlier entries (undo of an assign).
    Restore {
        posts: Vec<String>,
        entries: Vec<Option<SavedEntry>>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        layer: String,
    },
}

/// A line with its sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub seq: u64,
    #[serde(flatten)]
    pub op: Op,
}

/// What reading a journal found.
#[derive(Debug, Default)]
pub struct Replay {
    pub lines: Vec<Line>,
    /// Problems, each with its line number: torn or unreadable lines.
    pub problems: Vec<String>,
    /// Byte length of the valid prefix (a torn tail is cut here before appending).
    pub valid_len: u64,
}

/// Reads a journal, tolerating a torn final line and skipping unreadable ones.
pub fn read_journal(path: &Path) -> io::Result<Replay> {
    let f = File::open(path)?;
    read_journal_from(BufReader::new(f), path)
}

/// Reads journal lines from any reader; `path` only names the journal in problems.
pub fn read_journal_from(mut r: impl BufRead, path: &Path) -> io::Result<Replay> {
    let mut replay = Replay::default();
    let mut buf = Vec::new();
    let mut offset = 0u64;
    let mut lineno = 0u64;
    loop {
        buf.clear();
        let n = r.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        lineno += 1;
        let complete = buf.ends_with(b"\n");
        let text = String::from_utf8_lossy(&buf);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            offset += n as u64;
            if complete {
                replay.valid_len = offset;
            }
            continue;
        }
        if !complete {
            replay.problems.push(format!(
                "{}: line {lineno} was cut short (the app stopped while writing it); it was dropped",
                path.display()
            ));
            break;
        }
        match serde_json::from_str::<Line>(trimmed) {
            Ok(l) => replay.lines.push(l),
            Err(e) => replay.problems.push(format!(
                "{}: line {lineno} is unreadable ({e}); it was skipped",
                path.display()
            )),
        }
        offset += n as u64;
        replay.valid_len = offset;
    }
    Ok(replay)
}

/// An open journal for appending.
pub struct Journal {
    path: PathBuf,
    file: File,
    next_seq: u64,
}

impl Journal {
    /// Opens (or creates) a journal; a torn tail is cut off first.
    pub fn open(path: &Path, valid_len: Option<u64>, next_seq: u64) -> io::Result<Journal> {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(false)
            .write(true)
            .truncate(false)
            .open(path)?;
        let len = file.metadata()?.len();
        if let Some(v) = valid_len
            && v < len
        {
            file.set_len(v)?;
        }
        file.seek(SeekFrom::End(0))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            next_seq,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and makes it durable (write, flush, fsync) before returning.
    pub fn append(&mut self, op: Op) -> io::Result<u64> {
        let seq = self.next_seq;
        let line = Line { seq, op };
        let mut bytes = serde_json::to_vec(&line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.file.flush()?;
        self.file.sync_data()?;
        self.next_seq += 1;
        Ok(seq)
    }
}

/// Can we create files in `dir`?
pub fn dir_writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".derail-write-test-{}", std::process::id()));
    match File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

/// Where the journal of a dataset lives: beside it (`data.csv.derail-labels.jsonl`), or in
/// the app's data folder when the dataset's folder is read-only.
pub fn journal_path_for(dataset: &Path, fingerprint: &str) -> PathBuf {
    let beside = {
        let mut s = dataset.as_os_str().to_owned();
        s.push(".derail-labels.jsonl");
        PathBuf::from(s)
    };
    let dir = dataset
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if beside.exists() || dir_writable(dir) {
        return beside;
    }
    let name = dataset
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dataset".into());
    fallback_dir().join(format!("{name}-{fingerprint}.derail-labels.jsonl"))
}

/// The app's data folder for journals of read-only datasets.
pub fn fallback_dir() -> PathBuf {
    if let Ok(d) = std::env::var("DERAIL_DATA_DIR") {
        return PathBuf::from(d).join("journals");
    }
    directories::ProjectDirs::from("org", "derail", "derail")
        .map(|d| d.data_dir().join("journals"))
        .unwrap_or_else(|| std::env::temp_dir().join("derail-journals"))
}
