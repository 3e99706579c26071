//! A slice of a corpus: the posts of one hashtag, or of a time range, loaded out of a file
//! that holds more. Every format is cut while it is read: each row is decided as it is
//! converted, before it is stored ([`RowTest`]), so a slice of a file far bigger than
//! memory costs the memory of the slice. Parquet files are cut earlier still (row groups
//! by their time statistics, pages and rows by the hashtag column, see
//! [`crate::load::parquet_format`]).
//!
//! **The rule for a row:** a row is in the slice when its own time is in the range and it
//! carries the hashtag. A repost that arrives without content (a Jetstream repost names
//! only its subject) is kept while reading, and decided once it has taken its subject's
//! content, where that subject is itself in the slice; so a slice holds the same posts
//! whatever the format, the order of the rows or how a Parquet file is cut into row groups.
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

    /// Whether post `i` of `ds` is in the slice (to test many posts, make one
    /// [`RowTest`] and ask it).
    pub fn holds(&self, ds: &Dataset, i: usize) -> bool {
        RowTest::new(self).holds(ds, i)
    }
}

/// A slice as the reader of a file applies it to each row it converts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowTest {
    since: Option<i64>,
    until: Option<i64>,
    /// The hashtag as [`crate::text::normalize_hashtag`] writes it.
    hashtag: Option<String>,
}

impl RowTest {
    pub fn new(slice: &Slice) -> Self {
        RowTest {
            since: slice.since,
            until: slice.until,
            hashtag: slice
                .hashtag
                .as_ref()
                .map(|t| crate::text::normalize_hashtag(t.trim_start_matches('#')).into_owned()),
        }
    }

    /// The test a reader is handed; `None` for the empty slice, which keeps every row.
    pub fn of(slice: &Slice) -> Option<std::sync::Arc<RowTest>> {
        (!slice.is_empty()).then(|| std::sync::Arc::new(RowTest::new(slice)))
    }

    /// Whether post `i` of a loaded dataset is in the slice: its time, and its hashtags
    /// (an empty repost has taken its subject's by now).
    pub fn holds(&self, ds: &Dataset, i: usize) -> bool {
        self.admits_time(ds.created_at[i])
            && self.hashtag.as_ref().is_none_or(|want| {
                ds.hashtag_spellings(i)
                    .any(|h| crate::text::normalize_hashtag(h) == want.as_str())
            })
    }

    /// Whether a row of this time can be in the slice.
    pub fn admits_time(&self, t: i64) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }

    /// Whether a row whose hashtags (normalised) are `tags` can be in the slice. A repost
    /// without content of its own is kept for now: it takes its subject's hashtags when
    /// the dataset is put together, and [`cut`] decides it then.
    pub fn admits_tags<'t>(
        &self,
        mut tags: impl Iterator<Item = &'t str>,
        is_empty_repost: bool,
    ) -> bool {
        match &self.hashtag {
            None => true,
            Some(want) => is_empty_repost || tags.any(|t| t == want),
        }
    }
}

/// The posts of `ds` in the slice, as a dataset of the same source: each post keeps its
/// line and its place in the source, so exports and labels address it as before.
pub fn cut(ds: Loaded, slice: &Slice) -> Loaded {
    if slice.is_empty() {
        return ds;
    }
    let test = RowTest::new(slice);
    let keep: Vec<usize> = (0..ds.len()).filter(|&i| test.holds(&ds, i)).collect();
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
