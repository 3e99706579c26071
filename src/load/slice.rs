//! A slice of a corpus: the posts of one hashtag, or of a time range, loaded out of a file
//! that holds more. Parquet files are cut while they are read (row groups by their time
//! statistics, rows by the text column, see [`crate::load::parquet_format`]); other
//! formats are read in full and cut before analysis.
//!
//! The rows left out are neither loaded nor rejected: they are counted as
//! `outside_slice`, so `rows in = loaded + rejected + outside the slice` holds.

use crate::load::Loaded;
use crate::load::builder::{ChunkBuilder, DatasetBuilder, PostRecord};
use crate::model::Dataset;

/// Which posts to load; empty loads every post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slice {
    /// Only posts carrying this hashtag (compared normalised, without `#`).
    pub hashtag: Option<String>,
    /// Only posts at or after this time (UTC milliseconds).
    pub since: Option<i64>,
    /// Only posts before this time (UTC milliseconds).
    pub until: Option<i64>,
}

impl Slice {
    pub fn is_empty(&self) -> bool {
        self.hashtag.is_none() && self.since.is_none() && self.until.is_none()
    }

    /// The slice in words, for reports ("#blm, from 2020-06-01T00:00:00Z").
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.hashtag {
            parts.push(format!("#{}", t.trim_start_matches('#')));
        }
        if let Some(s) = self.since {
            parts.push(format!("from {}", crate::time::format_iso(s)));
        }
        if let Some(u) = self.until {
            parts.push(format!("before {}", crate::time::format_iso(u)));
        }
        parts.join(", ")
    }

    /// Whether post `i` of `ds` is in the slice.
    pub fn holds(&self, ds: &Dataset, i: usize) -> bool {
        let t = ds.created_at[i];
        if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
            return false;
        }
        match &self.hashtag {
            None => true,
            Some(tag) => {
                let want = crate::text::normalize_hashtag(tag.trim_start_matches('#'));
                ds.hashtag_spellings(i)
                    .any(|h| crate::text::normalize_hashtag(h) == want)
            }
        }
    }
}

/// The posts of `ds` in the slice, as a dataset of the same source: each post keeps its
/// line and its place in the source, so exports and labels address it as before.
pub fn cut(ds: Loaded, slice: &Slice) -> Loaded {
    if slice.is_empty() {
        return ds;
    }
    let keep: Vec<usize> = (0..ds.len()).filter(|&i| slice.holds(&ds, i)).collect();
    if keep.len() == ds.len() {
        return ds;
    }
    let mut report = ds.report.clone();
    let left_out = (ds.len() - keep.len()) as u64;
    report.outside_slice += left_out;
    // The builder counts rows again from the chunks it is given.
    report.rows_in = 0;
    report.rejected = 0;
    report.loaded = 0;
    report.naive_timestamps = 0;
    let mut builder = DatasetBuilder::new(report);
    let mut c = ChunkBuilder::with_capacity(keep.len(), 0);
    c.rows_in = ds.report.rows_in;
    c.rejected = ds.report.rejected;
    c.naive_timestamps = ds.report.naive_timestamps;
    for (kind, n) in &ds.report.rejected_by_kind {
        if let Some(k) = crate::load::report::RejectKind::from_name(kind) {
            *c.rejected_by_kind.entry(k).or_default() += n;
        }
    }
    for &i in &keep {
        c.push(PostRecord::of_post(&ds, i, Some(ds.raw(i))));
    }
    builder.append(c);
    let file_of: Vec<u16> = if ds.file_of.is_empty() {
        Vec::new()
    } else {
        keep.iter().map(|&i| ds.file_of[i]).collect()
    };
    let mut out = builder.finish(ds.source.clone());
    out.files = ds.files.clone();
    out.file_of = file_of;
    out.report.elapsed_ms = ds.report.elapsed_ms;
    out.report.warnings = ds.report.warnings.clone();
    out
}
