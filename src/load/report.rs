//! What a load saw: rows in, loaded, rejected (each with file, line and reason), warnings
//! about damage that was repaired or kept, and the column mapping.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::load::mapping::RoleMapping;
use crate::model::{Format, RawSpan};

/// How many rejections keep their full details; all of them are counted.
pub const MAX_DETAILED_REJECTIONS: usize = 100_000;
/// How many example lines a warning keeps.
pub const MAX_WARNING_EXAMPLES: usize = 10;

/// Why a row was not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    MissingTimestamp,
    BadTimestamp,
    MissingText,
    RaggedRow,
    FieldTooLarge,
    InvalidJson,
    UnknownJsonObject,
    TruncatedRecord,
    BinaryData,
    /// A record of the source that is not a post (a like, a follow, a service message).
    NotAPost,
    /// A post already loaded from an earlier file of the same dataset (same id).
    RepeatedPost,
    /// A row whose quote was never closed, so the rows after it were read into one field.
    UnclosedQuote,
    /// A row read into the unclosed quote of an earlier row.
    SwallowedRow,
}

impl RejectKind {
    pub fn name(self) -> &'static str {
        match self {
            RejectKind::MissingTimestamp => "missing timestamp",
            RejectKind::BadTimestamp => "unreadable timestamp",
            RejectKind::MissingText => "missing text",
            RejectKind::RaggedRow => "ragged row",
            RejectKind::FieldTooLarge => "field too large",
            RejectKind::InvalidJson => "invalid JSON",
            RejectKind::UnknownJsonObject => "unrecognised JSON object",
            RejectKind::TruncatedRecord => "truncated record",
            RejectKind::BinaryData => "binary data",
            RejectKind::NotAPost => "not a post",
            RejectKind::RepeatedPost => "repeat of a post in an earlier file",
            RejectKind::UnclosedQuote => "unclosed quote",
            RejectKind::SwallowedRow => "row swallowed by an unclosed quote",
        }
    }
}

impl RejectKind {
    pub const ALL: [RejectKind; 13] = [
        RejectKind::MissingTimestamp,
        RejectKind::BadTimestamp,
        RejectKind::MissingText,
        RejectKind::RaggedRow,
        RejectKind::FieldTooLarge,
        RejectKind::InvalidJson,
        RejectKind::UnknownJsonObject,
        RejectKind::TruncatedRecord,
        RejectKind::BinaryData,
        RejectKind::NotAPost,
        RejectKind::RepeatedPost,
        RejectKind::UnclosedQuote,
        RejectKind::SwallowedRow,
    ];

    /// The kind whose [`RejectKind::name`] this is.
    pub fn from_name(name: &str) -> Option<RejectKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// The file it is in, for a dataset of several files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line where the row starts.
    pub line: u64,
    /// The column involved, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub kind: RejectKind,
    /// A readable reason, quoting the offending value.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}, ")?;
        }
        match &self.column {
            Some(c) => write!(f, "line {}, column {:?}: {}", self.line, c, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// Damage that was repaired or kept, with example lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable code, e.g. `float_rounded_ids`.
    pub code: String,
    pub message: String,
    /// How many rows it concerns.
    pub count: u64,
    /// Example 1-based lines.
    pub lines: Vec<u64>,
}

impl Warning {
    /// " (lines 3, 17, 40)" for its example lines; empty without any.
    pub fn lines_note(&self) -> String {
        if self.lines.is_empty() {
            return String::new();
        }
        let list: Vec<String> = self.lines.iter().map(|l| l.to_string()).collect();
        format!(" (lines {})", list.join(", "))
    }
}

/// Accumulates warnings by code (used per load chunk, then merged).
#[derive(Debug, Clone, Default)]
pub struct WarningSink {
    by_code: BTreeMap<String, Warning>,
}

impl WarningSink {
    pub fn add(&mut self, code: &str, message: impl FnOnce() -> String, line: u64) {
        let w = self
            .by_code
            .entry(code.to_string())
            .or_insert_with(|| Warning {
                code: code.to_string(),
                message: message(),
                count: 0,
                lines: Vec::new(),
            });
        w.count += 1;
        if w.lines.len() < MAX_WARNING_EXAMPLES && line > 0 {
            w.lines.push(line);
        }
    }

    pub fn merge(&mut self, other: WarningSink) {
        for (code, w) in other.by_code {
            match self.by_code.get_mut(&code) {
                Some(mine) => {
                    mine.count += w.count;
                    for l in w.lines {
                        if mine.lines.len() < MAX_WARNING_EXAMPLES {
                            mine.lines.push(l);
                        }
                    }
                }
                None => {
                    self.by_code.insert(code, w);
                }
            }
        }
    }

    pub fn get_mut(&mut self, code: &str) -> Option<&mut Warning> {
        self.by_code.get_mut(code)
    }

    pub fn into_vec(self) -> Vec<Warning> {
        self.by_code.into_values().collect()
    }
}

/// Duplicate post ids and how they were handled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DuplicateIds {
    /// Distinct ids that occur more than once.
    pub ids_repeated: u64,
    /// Rows beyond the first occurrence of each id.
    pub extra_rows: u64,
    /// Rows that repeat an earlier row exactly (same id, time, author and text).
    pub identical_rows: u64,
    pub examples: Vec<String>,
    /// The documented rule.
    pub rule: String,
}

pub const DUPLICATE_ID_RULE: &str = "every row is kept and analysed as its own post; the N-th \
    occurrence of a repeated id is addressed as ID#N in labels, the journal and the post table";

/// The report of one load.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadReport {
    pub path: String,
    pub format: Format,
    pub format_detail: String,
    pub encoding: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    pub mapping: Vec<RoleMapping>,
    /// Rows (records, JSON items) found in the input.
    pub rows_in: u64,
    pub loaded: u64,
    pub rejected: u64,
    /// Rejections with details, in input order (the first [`MAX_DETAILED_REJECTIONS`]).
    pub rejections: Vec<Rejection>,
    /// All rejections counted by kind.
    pub rejected_by_kind: BTreeMap<String, u64>,
    pub warnings: Vec<Warning>,
    /// The zone assumed for timestamps without one.
    pub naive_zone: String,
    /// How many loaded posts had a timestamp without a zone.
    pub naive_timestamps: u64,
    pub duplicate_ids: DuplicateIds,
    /// Rows left out because they are outside the slice asked for (`--hashtag`,
    /// `--since`, `--until`): rows in = loaded + rejected + outside_slice.
    #[serde(default)]
    pub outside_slice: u64,
    pub bytes: u64,
    pub elapsed_ms: f64,
    /// Lines and byte spans of rejected rows of delimited text, kept so an export can
    /// write every input row back.
    #[serde(skip)]
    pub rejected_rows: Vec<(u64, RawSpan)>,
}

impl LoadReport {
    pub fn new(path: &str, format: Format) -> Self {
        Self {
            path: path.to_string(),
            format,
            format_detail: format.description().to_string(),
            encoding: "UTF-8".into(),
            delimiter: None,
            mapping: Vec::new(),
            rows_in: 0,
            loaded: 0,
            rejected: 0,
            rejections: Vec::new(),
            rejected_by_kind: BTreeMap::new(),
            warnings: Vec::new(),
            naive_zone: "UTC".into(),
            naive_timestamps: 0,
            duplicate_ids: DuplicateIds::default(),
            outside_slice: 0,
            bytes: 0,
            elapsed_ms: 0.0,
            rejected_rows: Vec::new(),
        }
    }

    /// rows in = loaded + rejected (+ the rows outside a slice): the accounting invariant
    /// every load keeps.
    pub fn balanced(&self) -> bool {
        self.rows_in == self.loaded + self.rejected + self.outside_slice
    }

    /// Checks the whole accounting of a load that produced `posts` posts: rows in =
    /// loaded + rejected, loaded = posts, the counts by kind add up, and every detailed
    /// rejection has a line and a reason. `Err` says what does not hold.
    pub fn check_accounting(&self, posts: usize) -> Result<(), String> {
        if !self.balanced() {
            return Err(format!(
                "rows in {} != loaded {} + rejected {} + outside the slice {}",
                self.rows_in, self.loaded, self.rejected, self.outside_slice
            ));
        }
        if self.loaded != posts as u64 {
            return Err(format!("{} loaded but {posts} posts", self.loaded));
        }
        let by_kind: u64 = self.rejected_by_kind.values().sum();
        if by_kind != self.rejected {
            return Err(format!("{} rejected but {by_kind} by kind", self.rejected));
        }
        if let Some(r) = self
            .rejections
            .iter()
            .find(|r| r.line == 0 || r.reason.is_empty())
        {
            return Err(format!("a rejection without a line or a reason: {r:?}"));
        }
        Ok(())
    }

    pub fn warning(&self, code: &str) -> Option<&Warning> {
        self.warnings.iter().find(|w| w.code == code)
    }
}
