//! Cutting a slice out of a Parquet file without reading all of it.
//!
//! A `--since`/`--until` slice keeps the row groups whose time statistics can hold it. A
//! `--hashtag` slice first rules out row groups and pages from the statistics of the
//! hashtag column (its minimum and maximum per row group and, where the file has a page
//! index, per page), so a file sorted or clustered by hashtag is read only where the tag
//! can be. It then scans that one column of what is left, in parallel over row groups: a
//! list of hashtags item by item (a dictionary once per dictionary), a text by its hashtags
//! after a cheap byte check. The result is a row selection; the other columns are decoded
//! only for its rows.

use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::{Array, BooleanArray, GenericListArray, OffsetSizeTrait, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::basic::Type as PhysicalType;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::statistics::Statistics;
use rayon::prelude::*;

use super::parquet_format::{BATCH_ROWS, Input, TextColumn, millis};
use crate::load::list_cell::parse_list_cell;

/// The row groups whose time statistics can hold posts of `[since, until)`.
pub(super) fn row_groups_in_time(
    meta: &ArrowReaderMetadata,
    time_col: usize,
    since: Option<i64>,
    until: Option<i64>,
) -> Vec<usize> {
    let md = meta.metadata();
    let field = meta.schema().fields().get(time_col).cloned();
    let unit_ms = |v: i64| -> Option<i64> {
        match field.as_ref().map(|f| f.data_type()) {
            Some(DataType::Timestamp(unit, _)) => Some(millis(v, unit)),
            Some(DataType::Date64) => Some(v),
            Some(DataType::Date32) => Some(v.saturating_mul(86_400_000)),
            _ => None,
        }
    };
    let leaf = field.as_ref().and_then(|f| only_leaf(md, f.name()));
    (0..md.num_row_groups())
        .filter(|&g| {
            let Some(leaf) = leaf else { return true };
            let stats = md.row_group(g).column(leaf).statistics();
            let (lo, hi) = match stats {
                Some(Statistics::Int64(s)) => (s.min_opt().copied(), s.max_opt().copied()),
                Some(Statistics::Int32(s)) => (
                    s.min_opt().map(|&v| v as i64),
                    s.max_opt().map(|&v| v as i64),
                ),
                _ => (None, None),
            };
            let (Some(lo), Some(hi)) = (lo.and_then(unit_ms), hi.and_then(unit_ms)) else {
                return true;
            };
            since.is_none_or(|s| hi >= s) && until.is_none_or(|u| lo < u)
        })
        .collect()
}

/// Whether `hay` holds the lowercase ASCII `needle`, ignoring ASCII case.
fn contains_ascii_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    let upper = first.to_ascii_uppercase();
    memchr::memchr2_iter(first, upper, h)
        .any(|at| h.len() - at >= n.len() && h[at..at + n.len()].eq_ignore_ascii_case(n))
}

/// Whether a text (or a hashtag list cell) holds the normalised tag `needle`.
fn holds_tag(v: &str, is_text: bool, needle: &str) -> bool {
    if is_text {
        // Most texts do not hold the tag's letters at all: a cheap look first. Letters that
        // normalise to ASCII (full-width, circled, mathematical) start with these bytes.
        if needle.is_ascii()
            && !contains_ascii_ci(v, needle)
            && memchr::memchr2(0xEF, 0xE2, v.as_bytes()).is_none()
            && memchr::memmem::find(v.as_bytes(), &[0xF0, 0x9D]).is_none()
        {
            return false;
        }
        let mut hit = false;
        crate::text::for_each_hashtag(v, |t| {
            hit = hit || crate::text::normalize_hashtag(t) == needle;
        });
        hit
    } else {
        parse_list_cell(v, &["tag", "text"])
            .iter()
            .any(|t| crate::text::normalize_hashtag(t.trim_start_matches('#')) == needle)
    }
}

/// Whether a hashtag cell (a list item, or a column of one tag per row) is `needle`, the
/// tag as [`crate::text::normalize_hashtag`] writes it.
fn is_tag(item: &str, needle: &str) -> bool {
    let t = item.trim_start_matches(['#', '＃']).trim();
    if t.is_ascii() {
        t.eq_ignore_ascii_case(needle)
    } else {
        crate::text::normalize_hashtag(t) == needle
    }
}

/// For each item of a column of hashtags, whether it is the tag; `None` for items that
/// are not text (a list of structs is read the slow way).
fn item_hits(items: &dyn Array, needle: &str) -> Option<Vec<bool>> {
    let hit = |v: Option<&str>| v.is_some_and(|s| is_tag(s, needle));
    Some(match items.data_type() {
        DataType::Utf8 => items.as_string::<i32>().iter().map(hit).collect(),
        DataType::LargeUtf8 => items.as_string::<i64>().iter().map(hit).collect(),
        DataType::Utf8View => items.as_string_view().iter().map(hit).collect(),
        DataType::Dictionary(_, _) => {
            // Each distinct value is looked at once.
            let d = items.as_any_dictionary();
            let values = item_hits(d.values().as_ref(), needle)?;
            let keys = d.normalized_keys();
            (0..items.len())
                .map(|k| {
                    items.is_valid(k) && keys.get(k).and_then(|&v| values.get(v)) == Some(&true)
                })
                .collect()
        }
        _ => return None,
    })
}

/// A list column's offsets of each row's items, and the items; `None` for other columns.
fn list_parts(array: &dyn Array) -> Option<(Vec<usize>, &dyn Array)> {
    fn parts<O: OffsetSizeTrait>(l: &GenericListArray<O>) -> (Vec<usize>, &dyn Array) {
        let offsets = l.value_offsets().iter().map(|o| o.as_usize()).collect();
        (offsets, l.values().as_ref())
    }
    match array.data_type() {
        DataType::List(_) => Some(parts(array.as_list::<i32>())),
        DataType::LargeList(_) => Some(parts(array.as_list::<i64>())),
        _ => None,
    }
}

/// For each cell of the hashtag (or text) column, whether it is null, an empty list or
/// blank text.
fn empty_cells(cells: &arrow_array::ArrayRef) -> Vec<bool> {
    let n = cells.len();
    if let Some((offsets, _)) = list_parts(cells.as_ref()) {
        return (0..n)
            .map(|r| cells.is_null(r) || offsets[r] == offsets[r + 1])
            .collect();
    }
    let text = TextColumn::of(cells);
    (0..n)
        .map(|r| {
            text.get(r).is_none_or(|v| {
                let v = v.trim();
                v.is_empty() || v == "[]"
            })
        })
        .collect()
}

/// Which rows of a list-of-hashtags column hold the tag; `None` where the column is not a
/// list of text.
fn list_hits(array: &dyn Array, needle: &str) -> Option<Vec<bool>> {
    let (offsets, items) = list_parts(array)?;
    let hits = item_hits(items, needle)?;
    Some(
        (0..array.len())
            .map(|r| {
                array.is_valid(r)
                    && hits
                        .get(offsets[r]..offsets[r + 1])
                        .is_some_and(|h| h.contains(&true))
            })
            .collect(),
    )
}

/// Whether values between `min` and `max` (byte order, as Parquet's statistics of text
/// are) can spell the normalised tag `needle`: in any ASCII case, with or without `#`,
/// with trailing spaces. A value that starts with a space or a non-ASCII letter (a
/// full-width `＃` or letter normalises to ASCII) can be anything, so such a range is
/// always kept, as is every range for a tag that is not ASCII.
fn range_may_hold(min: &[u8], max: &[u8], needle: &str) -> bool {
    if !needle.is_ascii()
        || needle.is_empty()
        || max.first().is_some_and(|&b| b >= 0x80)
        || min.first().is_none_or(|&b| b <= b' ')
    {
        return true;
    }
    let upper = needle.to_ascii_uppercase();
    // Half-open spans [first, past): every case variant of the tag lies between its upper
    // and lower case spellings; "!" is the first byte after a space.
    let spans = [
        (
            upper.clone().into_bytes(),
            format!("{needle}!").into_bytes(),
        ),
        (
            format!("#{upper}").into_bytes(),
            format!("#{needle}!").into_bytes(),
        ),
    ];
    spans
        .iter()
        .any(|(first, past)| min < past.as_slice() && max >= first.as_slice())
}

/// The one leaf column (the one whose row groups and pages carry statistics) of a
/// top-level column: the column itself, or the items of a list; `None` for a struct or
/// a map, whose several leaves no one range describes.
fn only_leaf(md: &ParquetMetaData, root_name: &str) -> Option<usize> {
    let mut leaves = md
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.path().parts().first().map(String::as_str) == Some(root_name))
        .map(|(i, _)| i);
    match (leaves.next(), leaves.next()) {
        (Some(leaf), None) => Some(leaf),
        _ => None,
    }
}

/// The leaf column of a top-level hashtag column whose values are text: the column
/// itself, or the items of a list.
fn hashtag_leaf(md: &ParquetMetaData, root_name: &str) -> Option<usize> {
    only_leaf(md, root_name).filter(|&leaf| {
        md.file_metadata()
            .schema_descr()
            .column(leaf)
            .physical_type()
            == PhysicalType::BYTE_ARRAY
    })
}

/// What the hashtag column's statistics allow in one row group.
struct Allowed {
    /// Row ranges within the group that can hold the tag.
    rows: Vec<Range<usize>>,
    /// Pages of the hashtag column kept, and all of them (1 and 1 without a page index).
    pages: (usize, usize),
}

/// The rows of row group `g` that the hashtag column's statistics cannot rule out: none
/// when the group's minimum and maximum rule it out, else the pages whose minimum and
/// maximum can hold the tag (all rows where the file has no page index).
fn rows_statistics_allow(
    md: &ParquetMetaData,
    g: usize,
    leaf: Option<usize>,
    needle: &str,
    keep_empty: bool,
) -> Allowed {
    let rows = md.row_group(g).num_rows().max(0) as usize;
    let index = md.page_index_for_row_group(g);
    let offsets = leaf.and_then(|l| index.offset_index(l));
    let page_count = offsets.map_or(1, |o| o.page_locations().len().max(1));
    let all = Allowed {
        rows: std::iter::once(0..rows).collect(),
        pages: (page_count, page_count),
    };
    let Some(leaf) = leaf else { return all };
    // Where empty cells matter (reposts that take their original's hashtags), a range
    // with empty cells is kept whatever its values.
    if let Some(s) = md.row_group(g).column(leaf).statistics()
        && let (Some(lo), Some(hi)) = (s.min_bytes_opt(), s.max_bytes_opt())
        && !(keep_empty && s.null_count_opt() != Some(0))
        && !range_may_hold(lo, hi, needle)
    {
        return Allowed {
            rows: Vec::new(),
            pages: (0, page_count),
        };
    }
    let (Some(ColumnIndexMetaData::BYTE_ARRAY(pages)), Some(offsets)) =
        (index.column_index(leaf), offsets)
    else {
        return all;
    };
    let starts: Vec<usize> = offsets
        .page_locations()
        .iter()
        .map(|p| p.first_row_index.max(0) as usize)
        .collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut kept = 0;
    for (i, &from) in starts.iter().enumerate() {
        let to = starts.get(i + 1).copied().unwrap_or(rows).min(rows);
        let keep =
            if i as u64 >= pages.num_pages() || (keep_empty && pages.null_count(i) != Some(0)) {
                true
            } else if pages.is_null_page(i) {
                false
            } else {
                match (pages.min_value(i), pages.max_value(i)) {
                    (Some(lo), Some(hi)) => range_may_hold(lo, hi, needle),
                    _ => true,
                }
            };
        if keep && from < to {
            kept += 1;
            match out.last_mut() {
                Some(last) if last.end == from => last.end = to,
                _ => out.push(from..to),
            }
        }
    }
    Allowed {
        rows: out,
        pages: (kept, page_count),
    }
}

/// The rows of a hashtag slice, found from one column: the hashtag list where the file
/// has one (a small column), else the text.
pub(super) struct TagRows {
    /// The row groups that hold at least one such row, in file order.
    pub groups: Vec<usize>,
    /// The rows of those groups to read.
    pub selection: RowSelection,
    /// Pages of the hashtag column the statistics ruled out, and all its pages.
    pub pages_ruled_out: (usize, usize),
}

/// Finds the rows of `groups` that can hold `#tag` (the slice is cut exactly once the
/// posts' hashtags are extracted). Row groups are scanned in parallel, each by its own
/// reader, and only over the rows the statistics allow. Where the file names what a row
/// reposts (`repost_of`), a repost with an empty hashtag cell is kept too: it takes its
/// original's text and hashtags once loaded, as it does in a full read.
pub(super) fn rows_with_tag<R: Input + Send>(
    open: &(dyn Fn() -> Result<R, String> + Sync),
    meta: &ArrowReaderMetadata,
    groups: &[usize],
    (column, column_is_text): (usize, bool),
    repost_of: Option<usize>,
    tag: &str,
) -> Result<TagRows, String> {
    let md = meta.metadata();
    let scan = TagScan {
        needle: crate::text::normalize_hashtag(tag.trim_start_matches('#')).into_owned(),
        leaf: if column_is_text {
            None
        } else {
            meta.schema()
                .fields()
                .get(column)
                .and_then(|f| hashtag_leaf(md, f.name()))
        },
        column,
        column_is_text,
        repost_of,
    };
    let per_group: Vec<GroupHits> = groups
        .par_iter()
        .map(|&g| scan.group(open, meta, g))
        .collect::<Result<_, _>>()?;
    let mut kept = Vec::new();
    let mut rows: Vec<bool> = Vec::new();
    let mut pages_ruled_out = (0, 0);
    for (&g, found) in groups.iter().zip(per_group) {
        pages_ruled_out.0 += found.pages_ruled_out;
        pages_ruled_out.1 += found.pages;
        if !found.hits.contains(&true) {
            continue;
        }
        kept.push(g);
        rows.extend(found.hits);
    }
    Ok(TagRows {
        groups: kept,
        selection: RowSelection::from_filters(&[BooleanArray::from(rows)]),
        pages_ruled_out,
    })
}

/// How one file's row groups are searched for a tag: the column searched (hashtags or
/// text), its leaf with page statistics, and the column naming what a row reposts.
struct TagScan {
    needle: String,
    leaf: Option<usize>,
    column: usize,
    column_is_text: bool,
    repost_of: Option<usize>,
}

/// One row group's rows that can hold the tag, and its pages the statistics ruled out
/// of all its pages.
struct GroupHits {
    hits: Vec<bool>,
    pages_ruled_out: usize,
    pages: usize,
}

impl TagScan {
    /// Reads one row group's searched column, over the rows its statistics allow.
    fn group<R: Input + Send>(
        &self,
        open: &(dyn Fn() -> Result<R, String> + Sync),
        meta: &ArrowReaderMetadata,
        g: usize,
    ) -> Result<GroupHits, String> {
        let md = meta.metadata();
        let rows = md.row_group(g).num_rows().max(0) as usize;
        let Allowed {
            rows: allowed,
            pages,
        } = rows_statistics_allow(md, g, self.leaf, &self.needle, self.repost_of.is_some());
        let mut group = GroupHits {
            hits: vec![false; rows],
            pages_ruled_out: pages.1 - pages.0,
            pages: pages.1,
        };
        if allowed.is_empty() {
            return Ok(group);
        }
        let roots: Vec<usize> = std::iter::once(self.column).chain(self.repost_of).collect();
        let mask = ProjectionMask::roots(md.file_metadata().schema_descr(), roots);
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(open()?, meta.clone())
            .with_row_groups(vec![g])
            .with_projection(mask)
            .with_row_selection(RowSelection::from_consecutive_ranges(
                allowed.iter().cloned(),
                rows,
            ))
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| e.to_string())?;
        let kept_rows: usize = allowed.iter().map(|r| r.len()).sum();
        let mut found: Vec<bool> = Vec::with_capacity(kept_rows);
        for batch in reader {
            found.extend(self.batch_hits(&batch.map_err(|e| e.to_string())?));
        }
        // Back to the group's rows: the scanned ranges in order.
        let mut at = found.into_iter();
        for r in &allowed {
            for h in &mut group.hits[r.clone()] {
                *h = at.next().unwrap_or(false);
            }
        }
        Ok(group)
    }

    /// Which rows of a batch of the projected columns can hold the tag: a cell that names
    /// it, or a repost whose hashtag cell is empty.
    fn batch_hits(&self, batch: &RecordBatch) -> Vec<bool> {
        // The projected columns come in the file's order.
        let (at_tag, at_ref) = match self.repost_of {
            Some(r) if r < self.column => (1, Some(0)),
            Some(_) => (0, Some(1)),
            None => (0, None),
        };
        let col = batch.column(at_tag);
        let mut hits = match list_hits(col.as_ref(), &self.needle) {
            Some(h) if !self.column_is_text => h,
            _ => {
                let text = TextColumn::of(col);
                (0..batch.num_rows())
                    .map(|r| {
                        text.get(r)
                            .is_some_and(|v| holds_tag(&v, self.column_is_text, &self.needle))
                    })
                    .collect()
            }
        };
        if let Some(at_ref) = at_ref {
            let refs = TextColumn::of(batch.column(at_ref));
            let empty = empty_cells(col);
            for (r, h) in hits.iter_mut().enumerate() {
                *h = *h || (empty[r] && refs.get(r).is_some_and(|v| !v.trim().is_empty()));
            }
        }
        hits
    }
}
