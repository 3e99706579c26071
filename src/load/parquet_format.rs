//! Parquet files (arrow-rs): the columns are mapped to roles exactly as a CSV header is,
//! from their names and a sample of their values, and only the mapped columns are read.
//!
//! A row's "line" is its 1-based row number in the file, so rejections, `derail_row` and
//! labels address Parquet rows the way they address lines of text. A `--since`/`--until`
//! slice skips whole row groups whose time statistics lie outside it, and a `--hashtag`
//! slice reads the text column first and then the other columns only for the rows that
//! can hold the tag.

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, SchemaRef, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::ChunkReader;
use rayon::prelude::*;

use crate::load::Loaded;
use crate::load::builder::{ChunkBuilder, DatasetBuilder};
use crate::load::csv_format::{self, CsvContext, Dialect};
use crate::load::mapping::{self, Role};
use crate::load::parquet_slice::{row_groups_in_time, rows_with_tag};
use crate::load::report::LoadReport;
use crate::load::row_to_post::{self, Row};
use crate::load::slice::Slice;
use crate::load::{LoadError, LoadOptions, partitions};
use crate::model::{Dataset, Format, RawSpan, SourceInfo};
use crate::progress::Progress;
use crate::time::{TimeParser, format_iso};

/// Rows decoded per batch.
pub(super) const BATCH_ROWS: usize = 64 * 1024;
/// Rows converted per parallel chunk.
const CHUNK_ROWS: usize = 8 * 1024;

/// Whether the file starts with Parquet's magic bytes.
pub fn is_parquet_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"PAR1"
}

/// What a Parquet file is read from: the file, or its bytes in memory.
pub trait Input: ChunkReader + 'static {}
impl<T: ChunkReader + 'static> Input for T {}

/// A fingerprint of a Parquet file that needs no full read: its size and its footer
/// (the footer holds every row group's offsets and statistics, so it changes with them).
fn fingerprint<R: Input>(input: &R) -> Result<String, String> {
    let len = input.len();
    let tail = len.min(64 * 1024);
    let buf = input
        .get_bytes(len - tail, tail as usize)
        .map_err(|e| e.to_string())?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&len.to_le_bytes());
    h.update(&buf);
    Ok(format!("{:016x}", h.digest()))
}

/// A timestamp of `unit` in UTC milliseconds.
pub(super) fn millis(v: i64, unit: &TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => v.saturating_mul(1000),
        TimeUnit::Millisecond => v,
        TimeUnit::Microsecond => v.div_euclid(1000),
        TimeUnit::Nanosecond => v.div_euclid(1_000_000),
    }
}

/// Cell `row` of a timestamp or date column in UTC milliseconds (`None` for other types
/// and nulls).
fn time_cell_ms(array: &dyn Array, row: usize) -> Option<i64> {
    if array.is_null(row) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row),
                TimeUnit::Millisecond => {
                    array.as_primitive::<TimestampMillisecondType>().value(row)
                }
                TimeUnit::Microsecond => {
                    array.as_primitive::<TimestampMicrosecondType>().value(row)
                }
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row),
            };
            millis(v, unit)
        }
        DataType::Date32 => array.as_primitive::<Date32Type>().value(row) as i64 * 86_400_000,
        DataType::Date64 => array.as_primitive::<Date64Type>().value(row),
        _ => return None,
    })
}

/// One value of a column as text (what a CSV cell of it would hold): numbers in decimal,
/// timestamps and dates in ISO 8601 (UTC), lists as a JSON array of their items.
pub fn cell_string(array: &dyn Array, row: usize) -> Option<String> {
    if array.is_null(row) {
        return None;
    }
    if let Some(ms) = time_cell_ms(array, row) {
        return Some(format_iso(ms));
    }
    Some(match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => array.as_string_view().value(row).to_string(),
        DataType::Binary => String::from_utf8_lossy(array.as_binary::<i32>().value(row)).into(),
        DataType::LargeBinary => {
            String::from_utf8_lossy(array.as_binary::<i64>().value(row)).into()
        }
        DataType::Boolean => array.as_boolean().value(row).to_string(),
        DataType::Int8 => array.as_primitive::<Int8Type>().value(row).to_string(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(row).to_string(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(row).to_string(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(row).to_string(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).to_string(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).to_string(),
        DataType::Float32 => array.as_primitive::<Float32Type>().value(row).to_string(),
        DataType::Float64 => array.as_primitive::<Float64Type>().value(row).to_string(),
        DataType::List(_) => list_string(&array.as_list::<i32>().value(row)),
        DataType::LargeList(_) => list_string(&array.as_list::<i64>().value(row)),
        DataType::Dictionary(_, _) => {
            let d = array.as_any_dictionary();
            let key = *d.normalized_keys().get(row)?;
            return cell_string(d.values().as_ref(), key);
        }
        _ => return None,
    })
}

/// A cell as the loader reads it: as [`cell_string`], but a list whose items hold no
/// separator is joined with spaces (read back by the list parser without JSON).
fn load_cell(array: &dyn Array, row: usize) -> Option<String> {
    let items = match array.data_type() {
        DataType::List(_) if !array.is_null(row) => array.as_list::<i32>().value(row),
        DataType::LargeList(_) if !array.is_null(row) => array.as_list::<i64>().value(row),
        _ => return cell_string(array, row),
    };
    let v: Vec<String> = (0..items.len())
        .filter_map(|k| cell_string(items.as_ref(), k))
        .collect();
    let plain = v.iter().all(|x| {
        !x.is_empty()
            && !x.starts_with(['[', '\'', '"'])
            && !x.contains([',', ';', '|', ' ', '\t', '\n', ']'])
    });
    Some(if plain {
        v.join(" ")
    } else {
        serde_json::to_string(&v).unwrap_or_default()
    })
}

fn list_string(items: &ArrayRef) -> String {
    let v: Vec<String> = (0..items.len())
        .filter_map(|k| cell_string(items.as_ref(), k))
        .collect();
    serde_json::to_string(&v).unwrap_or_default()
}

/// A column of a batch, read as text.
pub(super) enum TextColumn<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Owned(Vec<Option<String>>),
    /// The same value in every row: a hive partition's value, from the file's folders.
    Constant(&'a str),
    /// Any other type, turned to text row by row (on the pool's threads).
    Other(&'a dyn Array),
}

impl<'a> TextColumn<'a> {
    pub(super) fn of(array: &'a ArrayRef) -> Self {
        match array.data_type() {
            DataType::Utf8 => TextColumn::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => TextColumn::LargeUtf8(array.as_string::<i64>()),
            DataType::Utf8View => TextColumn::View(array.as_string_view()),
            DataType::Dictionary(_, _) => {
                let d = array.as_any_dictionary();
                let values: Vec<Option<String>> = (0..d.values().len())
                    .map(|k| cell_string(d.values().as_ref(), k))
                    .collect();
                let keys = d.normalized_keys();
                TextColumn::Owned(
                    (0..array.len())
                        .map(|r| {
                            if array.is_null(r) {
                                None
                            } else {
                                keys.get(r).and_then(|&k| values.get(k).cloned().flatten())
                            }
                        })
                        .collect(),
                )
            }
            _ => TextColumn::Other(array.as_ref()),
        }
    }

    pub(super) fn get(&self, row: usize) -> Option<Cow<'_, str>> {
        match self {
            TextColumn::Utf8(a) => (!a.is_null(row)).then(|| Cow::Borrowed(a.value(row))),
            TextColumn::LargeUtf8(a) => (!a.is_null(row)).then(|| Cow::Borrowed(a.value(row))),
            TextColumn::View(a) => (!a.is_null(row)).then(|| Cow::Borrowed(a.value(row))),
            TextColumn::Owned(v) => v.get(row).and_then(|s| s.as_deref()).map(Cow::Borrowed),
            TextColumn::Constant(v) => Some(Cow::Borrowed(v)),
            TextColumn::Other(a) => load_cell(*a, row).map(Cow::Owned),
        }
    }

    /// The cell's bytes where the column holds text (for the field-size check).
    fn raw(&self, row: usize) -> &[u8] {
        match self {
            TextColumn::Utf8(a) if !a.is_null(row) => a.value(row).as_bytes(),
            TextColumn::LargeUtf8(a) if !a.is_null(row) => a.value(row).as_bytes(),
            TextColumn::View(a) if !a.is_null(row) => a.value(row).as_bytes(),
            TextColumn::Owned(v) => v
                .get(row)
                .and_then(|s| s.as_deref())
                .unwrap_or("")
                .as_bytes(),
            TextColumn::Constant(v) => v.as_bytes(),
            _ => b"",
        }
    }
}

/// One row of a batch, addressed by the file's column numbers (a column that was not
/// read reads as absent).
struct BatchRow<'c, 'a> {
    columns: &'c [Option<TextColumn<'a>>],
    row: usize,
}

impl Row for BatchRow<'_, '_> {
    fn get(&self, i: usize) -> Option<Cow<'_, str>> {
        match self.columns.get(i)? {
            Some(c) => Some(c.get(self.row).unwrap_or(Cow::Borrowed(""))),
            None => Some(Cow::Borrowed("")),
        }
    }
    fn len(&self) -> usize {
        self.columns.len()
    }
    fn time_ms(&self, i: usize) -> Option<i64> {
        match self.columns.get(i) {
            Some(Some(TextColumn::Other(a))) => time_cell_ms(*a, self.row),
            _ => None,
        }
    }
    fn count(&self, i: usize) -> Option<u32> {
        let Some(Some(TextColumn::Other(a))) = self.columns.get(i) else {
            return None;
        };
        let r = self.row;
        let clamp = |v: i128| -> u32 {
            if v < 0 {
                crate::model::METRIC_NONE
            } else {
                v.min(u32::MAX as i128 - 1) as u32
            }
        };
        let v: i128 = match a.data_type() {
            _ if a.is_null(r) => return Some(crate::model::METRIC_NONE),
            DataType::Int8 => a.as_primitive::<Int8Type>().value(r) as i128,
            DataType::Int16 => a.as_primitive::<Int16Type>().value(r) as i128,
            DataType::Int32 => a.as_primitive::<Int32Type>().value(r) as i128,
            DataType::Int64 => a.as_primitive::<Int64Type>().value(r) as i128,
            DataType::UInt8 => a.as_primitive::<UInt8Type>().value(r) as i128,
            DataType::UInt16 => a.as_primitive::<UInt16Type>().value(r) as i128,
            DataType::UInt32 => a.as_primitive::<UInt32Type>().value(r) as i128,
            DataType::UInt64 => a.as_primitive::<UInt64Type>().value(r) as i128,
            _ => return None,
        };
        Some(clamp(v))
    }
    fn list(&self, i: usize) -> Option<Vec<String>> {
        let Some(Some(TextColumn::Other(a))) = self.columns.get(i) else {
            return None;
        };
        let r = self.row;
        // The common case, a list of text: read the items in place, no slice per row.
        if let Some(l) = a.as_list_opt::<i32>()
            && let Some(items) = l.values().as_string_opt::<i32>()
        {
            if a.is_null(r) {
                return Some(Vec::new());
            }
            let offsets = l.value_offsets();
            let (from, to) = (offsets[r] as usize, offsets[r + 1] as usize);
            return Some(
                (from..to)
                    .filter(|&k| !items.is_null(k))
                    .map(|k| items.value(k).to_string())
                    .collect(),
            );
        }
        let items = match a.data_type() {
            _ if a.is_null(r) => return Some(Vec::new()),
            DataType::List(_) => a.as_list::<i32>().value(r),
            DataType::LargeList(_) => a.as_list::<i64>().value(r),
            _ => return None,
        };
        Some(
            (0..items.len())
                .filter_map(|k| cell_string(items.as_ref(), k))
                .collect(),
        )
    }
    fn raw_field(&self, i: usize) -> &[u8] {
        self.columns
            .get(i)
            .and_then(|c| c.as_ref())
            .map(|c| c.raw(self.row))
            .unwrap_or(b"")
    }
}

fn open_metadata<R: Input>(input: &R) -> Result<ArrowReaderMetadata, String> {
    // The page index (where the file has one) lets a row selection skip whole pages.
    let options = parquet::arrow::arrow_reader::ArrowReaderOptions::new()
        .with_page_index_policy(parquet::file::metadata::PageIndexPolicy::Optional);
    ArrowReaderMetadata::load(input, options)
        .map_err(|e| format!("not a readable Parquet file: {e}"))
}

/// The first rows of every column as text, for the role mapping.
fn sample_rows<R: Input>(
    f: R,
    meta: &ArrowReaderMetadata,
    n: usize,
) -> Result<Vec<Vec<String>>, String> {
    let mut reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
        .with_batch_size(n)
        .with_limit(n)
        .build()
        .map_err(|e| e.to_string())?;
    let Some(batch) = reader.next().transpose().map_err(|e| e.to_string())? else {
        return Ok(Vec::new());
    };
    Ok((0..batch.num_rows())
        .map(|r| {
            batch
                .columns()
                .iter()
                .map(|c| cell_string(c.as_ref(), r).unwrap_or_default())
                .collect()
        })
        .collect())
}

/// The rows a Parquet file holds, from its footer.
pub fn row_count(path: &Path) -> Result<u64, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let meta = open_metadata(&file)?;
    Ok(meta.metadata().file_metadata().num_rows().max(0) as u64)
}

/// Loads a Parquet file.
pub fn load_parquet(
    path: &Path,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    load_parquet_in_partition(path, &[], opts, progress)
}

/// Loads a Parquet file of a hive-partitioned folder: each partition `(key, value)` the
/// file's own columns lack (DuckDB's `PARTITION_BY` and Spark leave the partition columns
/// out of the files) is read as a column holding `value` in every row, and takes part in
/// the role mapping like any other column, so `lang=ja/` gives its posts a language and
/// `date=2020-06-04/` a day where the files have no time of their own. A hashtag
/// partition is not the post's hashtag list (a post under `tag=blm/` may carry other
/// tags, which its text holds), so it never takes that role unless the user maps it.
pub fn load_parquet_in_partition(
    path: &Path,
    partition: &[(String, String)],
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let open = || File::open(path).map_err(|e| e.to_string());
    guarded(path, || load_input(path, &open, partition, opts, progress))
}

/// Loads a Parquet file held in memory; `name` stands in for its path in messages.
pub fn load_parquet_bytes(
    bytes: &[u8],
    name: &Path,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let b = bytes::Bytes::copy_from_slice(bytes);
    let open = || Ok(b.clone());
    guarded(name, || load_input(name, &open, &[], opts, progress))
}

/// Runs a load, turning a panic inside the Parquet decoder (a damaged file can reach
/// one) into an error that names the file.
fn guarded(
    path: &Path,
    load: impl FnOnce() -> Result<Loaded, LoadError>,
) -> Result<Loaded, LoadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load)).unwrap_or_else(|_| {
        Err(LoadError::Io {
            path: path.display().to_string(),
            message: "the Parquet file is damaged: its pages could not be decoded".into(),
        })
    })
}

fn load_input<R: Input + Send>(
    path: &Path,
    open: &(dyn Fn() -> Result<R, String> + Sync),
    partition: &[(String, String)],
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let started = std::time::Instant::now();
    let path_str = path.display().to_string();
    let fail = io_error(&path_str);
    let file = open().map_err(fail)?;
    let meta = open_metadata(&file).map_err(fail)?;
    let columns = Columns::of(&meta, partition);
    let total_rows = meta.metadata().file_metadata().num_rows().max(0) as u64;
    if total_rows == 0 {
        return Err(LoadError::NoRows {
            path: path_str,
            what: "the Parquet file holds no rows".into(),
        });
    }
    let base_tp = TimeParser {
        naive_zone: opts.naive_zone.clone(),
        ..Default::default()
    };
    let (mapping, time_col) = map_roles(open, &meta, &columns, opts, &base_tp, &path_str)?;
    let mut report = LoadReport::new(&path_str, Format::Parquet);
    report.naive_zone = opts.naive_zone.to_string();
    report.bytes = file.len();
    report.mapping = mapping.roles.clone();
    report.format_detail = format!(
        "Parquet ({} rows in {} row groups, {} columns)",
        total_rows,
        meta.metadata().num_row_groups(),
        columns.header.len()
    );
    let time_parser = csv_format::time_parser_for(&base_tp, &mapping);
    let projection = decoded_columns(&mapping, columns.in_file);
    let ctx = CsvContext::new(
        Dialect {
            delimiter: b',',
            quoting: true,
            trim: false,
            has_header: true,
        },
        columns.header.clone(),
        mapping,
        time_parser,
        opts.max_field_bytes,
    )
    .with_slice(&opts.slice);

    let chosen =
        ChosenRows::of(open, &meta, &ctx, time_col, &opts.slice, columns.in_file).map_err(fail)?;
    chosen.describe(&opts.slice, meta.metadata(), &mut report.format_detail);
    let reader = chosen.batches(open, &meta, &projection).map_err(fail)?;
    let row_numbers = chosen.row_numbers(meta.metadata());
    let mut builder = DatasetBuilder::new(report);
    builder.reserve(row_numbers.len());
    progress.begin("Loading", row_numbers.len() as u64);
    let done = read_batches(
        reader,
        &row_numbers,
        &columns,
        &ctx,
        &mut builder,
        progress,
        &path_str,
    )?;
    // Rows in skipped row groups and unselected rows were never read: they are in the
    // file, outside the slice.
    let outside = total_rows.saturating_sub(done as u64);
    builder.report.rows_in += outside;
    builder.report.outside_slice += outside;
    let mut header = columns.header;
    header.truncate(columns.in_file);
    let source = SourceInfo {
        path: path.to_path_buf(),
        format: Format::Parquet,
        file_bytes: builder.report.bytes,
        fingerprint: fingerprint(&file).map_err(fail)?,
        columns: header,
        delimiter: None,
        compression: String::new(),
        encoding: "UTF-8".into(),
        header_span: None,
        line_ending: "\n".into(),
    };
    let mut ds = builder.finish(source);
    ds.report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(ds)
}

/// Turns a message about the file at `path` into a load error.
fn io_error(path: &str) -> impl Fn(String) -> LoadError + Copy + '_ {
    move |message| LoadError::Io {
        path: path.to_string(),
        message,
    }
}

/// A load's columns: the file's own, then the partition columns the file lacks.
struct Columns {
    header: Vec<String>,
    /// How many of `header` are the file's own.
    in_file: usize,
    /// The partition's keys and values that are not columns of the file.
    partition: Vec<(String, String)>,
}

impl Columns {
    fn of(meta: &ArrowReaderMetadata, partition: &[(String, String)]) -> Self {
        let schema: SchemaRef = meta.schema().clone();
        let mut header: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let in_file = header.len();
        let partition: Vec<(String, String)> = partition
            .iter()
            .filter(|(k, _)| !header.iter().any(|h| h.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.clone(), partitions::value_or_empty(v).to_string()))
            .collect();
        header.extend(partition.iter().map(|(k, _)| k.clone()));
        Self {
            header,
            in_file,
            partition,
        }
    }
}

/// Maps the columns to roles from their names and a sample of 100 rows. A partition's
/// column never takes the hashtag, text or repost role unless the user maps it; the text
/// and the time must be found. Returns the mapping and the time's column.
fn map_roles<R: Input + Send>(
    open: &(dyn Fn() -> Result<R, String> + Sync),
    meta: &ArrowReaderMetadata,
    columns: &Columns,
    opts: &LoadOptions,
    base_tp: &TimeParser,
    path_str: &str,
) -> Result<(mapping::ColumnMapping, usize), LoadError> {
    let fail = io_error(path_str);
    let mut sample = sample_rows(open().map_err(fail)?, meta, 100).map_err(fail)?;
    for row in &mut sample {
        row.extend(columns.partition.iter().map(|(_, v)| v.clone()));
    }
    let header = &columns.header;
    let mut mapping = mapping::map_columns(header, &sample, &opts.overrides, base_tp)
        .map_err(|e| super::mapping_error(e, path_str, header))?;
    mapping.roles.retain(|m| {
        m.index < columns.in_file
            || m.source == mapping::MappingSource::User
            || !matches!(m.role, Role::Hashtags | Role::Text | Role::RetweetOf)
    });
    if mapping.get(Role::Text).is_none() {
        return Err(LoadError::NoTextColumn {
            path: path_str.to_string(),
            columns: header.clone(),
        });
    }
    let Some(time_col) = mapping.get(Role::Time) else {
        return Err(LoadError::NoTimeColumn {
            path: path_str.to_string(),
            columns: header.clone(),
        });
    };
    Ok((mapping, time_col))
}

/// The file's columns to decode: the mapped ones (a partition's column is not in the file).
fn decoded_columns(mapping: &mapping::ColumnMapping, in_file: usize) -> Vec<usize> {
    let mut mapped: Vec<usize> = mapping
        .roles
        .iter()
        .map(|m| m.index)
        .filter(|&i| i < in_file)
        .collect();
    mapped.sort_unstable();
    mapped.dedup();
    mapped
}

/// The rows a slice reads: whole row groups by time, then rows that can hold the hashtag.
struct ChosenRows {
    groups: Vec<usize>,
    /// How many row groups the time range allows.
    in_time: usize,
    /// The rows of `groups` to read; all of them without a hashtag.
    selection: Option<RowSelection>,
    /// Pages of the hashtag column its statistics ruled out, and all its pages.
    pages_ruled_out: (usize, usize),
}

impl ChosenRows {
    fn of<R: Input + Send>(
        open: &(dyn Fn() -> Result<R, String> + Sync),
        meta: &ArrowReaderMetadata,
        ctx: &CsvContext,
        time_col: usize,
        slice: &Slice,
        in_file: usize,
    ) -> Result<Self, String> {
        let groups = row_groups_in_time(meta, time_col, slice.since, slice.until);
        let in_time = groups.len();
        let Some(tag) = &slice.hashtag else {
            return Ok(Self {
                groups,
                in_time,
                selection: None,
                pages_ruled_out: (0, 0),
            });
        };
        let in_file = |i: &usize| *i < in_file;
        let (column, is_text) = match ctx.role(Role::Hashtags).filter(in_file) {
            Some(h) => (h, false),
            None => (ctx.role(Role::Text).filter(in_file).unwrap_or(0), true),
        };
        let t = std::time::Instant::now();
        let repost_of = ctx.role(Role::RetweetOf).filter(in_file);
        let found = rows_with_tag(open, meta, &groups, (column, is_text), repost_of, tag)?;
        if std::env::var_os("DERAIL_DEBUG").is_some() {
            eprintln!(
                "[debug] parquet hashtag scan {:.3}s",
                t.elapsed().as_secs_f64()
            );
        }
        Ok(Self {
            groups: found.groups,
            in_time,
            selection: Some(found.selection),
            pages_ruled_out: found.pages_ruled_out,
        })
    }

    /// Says in `detail` what the slice cost: the row groups read, and the rows of the
    /// hashtag scan kept.
    fn describe(&self, slice: &Slice, md: &ParquetMetaData, detail: &mut String) {
        if slice.is_empty() {
            return;
        }
        detail.push_str(&format!(
            "; the slice {} read {} of {} row groups",
            slice.describe(),
            self.groups.len(),
            md.num_row_groups()
        ));
        if let Some(sel) = &self.selection {
            detail.push_str(&format!(" and {} rows of them", sel.row_count()));
            if self.pages_ruled_out.0 > 0 {
                detail.push_str(&format!(
                    " (the hashtag column's statistics ruled out {} of its {} pages in the {} row groups of the time range)",
                    self.pages_ruled_out.0, self.pages_ruled_out.1, self.in_time
                ));
            }
        }
    }

    /// A reader of the chosen rows' `projection` columns.
    fn batches<'o, R: Input + Send>(
        &self,
        open: &'o (dyn Fn() -> Result<R, String> + Sync),
        meta: &ArrowReaderMetadata,
        projection: &[usize],
    ) -> Result<Batches<'o, R>, String> {
        let md = meta.metadata();
        let mask = ProjectionMask::roots(
            md.file_metadata().schema_descr(),
            projection.iter().copied(),
        );
        Ok(match &self.selection {
            // A sparse selection decodes every page it touches to keep a few rows of it: the
            // cost is in the decoding, so row groups are decoded several at once.
            Some(sel) => {
                Batches::Parallel(decode_in_parallel(open, meta, &mask, &self.groups, sel))
            }
            None => Batches::InOrder(
                ParquetRecordBatchReaderBuilder::new_with_metadata(open()?, meta.clone())
                    .with_row_groups(self.groups.clone())
                    .with_projection(mask)
                    .with_batch_size(BATCH_ROWS)
                    .build()
                    .map_err(|e| e.to_string())?,
            ),
        })
    }

    /// The 0-based row numbers a reader of these rows returns, in order: the selected
    /// rows of the chosen groups.
    fn row_numbers(&self, md: &ParquetMetaData) -> Vec<u64> {
        let group_start: Vec<u64> = (0..md.num_row_groups())
            .scan(0u64, |acc, g| {
                let s = *acc;
                *acc += md.row_group(g).num_rows().max(0) as u64;
                Some(s)
            })
            .collect();
        let all: Vec<u64> = self
            .groups
            .iter()
            .flat_map(|&g| {
                let s = group_start[g];
                s..s + md.row_group(g).num_rows().max(0) as u64
            })
            .collect();
        let Some(sel) = &self.selection else {
            return all;
        };
        let mut out = Vec::new();
        let mut at = 0usize;
        for s in sel.iter() {
            if !s.skip {
                out.extend_from_slice(&all[at.min(all.len())..(at + s.row_count).min(all.len())]);
            }
            at += s.row_count;
        }
        out
    }
}

/// Reads the batches into `builder` and returns how many rows were read. A pipeline: one
/// thread decodes the next batch while the pool converts this one and the builder appends
/// the last one's chunks.
fn read_batches<R: Input + Send>(
    reader: Batches<'_, R>,
    row_numbers: &[u64],
    columns: &Columns,
    ctx: &CsvContext,
    builder: &mut DatasetBuilder,
    progress: &Progress,
    path_str: &str,
) -> Result<usize, LoadError> {
    let fail = io_error(path_str);
    std::thread::scope(|scope| -> Result<usize, LoadError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        scope.spawn(move || {
            reader.send_to(&tx);
        });
        let mut done = 0usize;
        let mut pending: Vec<ChunkBuilder> = Vec::new();
        let mut waited = 0.0f64;
        let mut convert = 0.0f64;
        loop {
            let t = std::time::Instant::now();
            let Ok(batch) = rx.recv() else { break };
            waited += t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let batch = batch.map_err(fail)?;
            let numbers = row_numbers
                .get(done..done + batch.num_rows())
                .ok_or_else(|| fail("the file holds fewer rows than its footer says".into()))?;
            let (chunks, ()) = rayon::join(
                || convert_batch(&batch, &columns.header, &columns.partition, numbers, ctx),
                || pending.drain(..).for_each(|c| builder.append(c)),
            );
            pending = chunks;
            convert += t.elapsed().as_secs_f64();
            done += batch.num_rows();
            progress.set(done as u64);
            progress.check().map_err(|_| LoadError::Cancelled {
                path: path_str.to_string(),
            })?;
        }
        pending.into_iter().for_each(|c| builder.append(c));
        if std::env::var_os("DERAIL_DEBUG").is_some() {
            eprintln!("[debug] parquet waited for batches {waited:.3}s, converted {convert:.3}s");
        }
        Ok(done)
    })
}

/// Where the batches of a load come from.
enum Batches<'o, R> {
    /// One reader over every chosen row group, in order.
    InOrder(ParquetRecordBatchReader),
    /// Row groups decoded a few at a time in parallel, then sent in order.
    Parallel(ParallelDecode<'o, R>),
}

struct ParallelDecode<'o, R> {
    open: &'o (dyn Fn() -> Result<R, String> + Sync),
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// Each chosen row group with its part of the selection.
    parts: Vec<(usize, RowSelection)>,
}

fn decode_in_parallel<'o, R: Input + Send>(
    open: &'o (dyn Fn() -> Result<R, String> + Sync),
    meta: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    groups: &[usize],
    selection: &RowSelection,
) -> ParallelDecode<'o, R> {
    let mut rest = selection.clone();
    let parts = groups
        .iter()
        .map(|&g| {
            let rows = meta.metadata().row_group(g).num_rows().max(0) as usize;
            (g, rest.split_off(rows))
        })
        .collect();
    ParallelDecode {
        open,
        meta: meta.clone(),
        mask: mask.clone(),
        parts,
    }
}

impl<R: Input + Send> Batches<'_, R> {
    /// Sends every batch, in file order, until the receiver hangs up.
    fn send_to(self, tx: &std::sync::mpsc::SyncSender<Result<RecordBatch, String>>) {
        match self {
            Batches::InOrder(reader) => {
                for b in reader {
                    if tx.send(b.map_err(|e| e.to_string())).is_err() {
                        return;
                    }
                }
            }
            Batches::Parallel(p) => {
                let at_once = rayon::current_num_threads().max(2);
                for window in p.parts.chunks(at_once) {
                    let decoded: Vec<Result<Vec<RecordBatch>, String>> = window
                        .par_iter()
                        .map(|(g, sel)| {
                            ParquetRecordBatchReaderBuilder::new_with_metadata(
                                (p.open)()?,
                                p.meta.clone(),
                            )
                            .with_row_groups(vec![*g])
                            .with_projection(p.mask.clone())
                            .with_row_selection(sel.clone())
                            .with_batch_size(BATCH_ROWS)
                            .build()
                            .map_err(|e| e.to_string())?
                            .map(|b| b.map_err(|e| e.to_string()))
                            .collect()
                        })
                        .collect();
                    for group in decoded {
                        let batches = match group {
                            Ok(b) => b.into_iter().map(Ok).collect(),
                            Err(e) => vec![Err(e)],
                        };
                        for b in batches {
                            if tx.send(b).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Converts one batch's rows to posts, in parallel chunks; `numbers` are the rows'
/// 0-based row numbers in the file. `header` ends with the `partition` columns.
fn convert_batch(
    batch: &RecordBatch,
    header: &[String],
    partition: &[(String, String)],
    numbers: &[u64],
    ctx: &CsvContext,
) -> Vec<ChunkBuilder> {
    let schema = batch.schema();
    let file_columns = header.len() - partition.len();
    let columns: Vec<Option<TextColumn<'_>>> = header[..file_columns]
        .iter()
        .map(|h| {
            schema
                .index_of(h)
                .ok()
                .map(|k| TextColumn::of(batch.column(k)))
        })
        .chain(
            partition
                .iter()
                .map(|(_, v)| Some(TextColumn::Constant(v.as_str()))),
        )
        .collect();
    numbers
        .par_chunks(CHUNK_ROWS)
        .enumerate()
        .map(|(c, chunk)| {
            let mut out = ChunkBuilder::with_capacity(CHUNK_ROWS, CHUNK_ROWS * 100);
            out.slice = ctx.slice.clone();
            for (k, &number) in chunk.iter().enumerate() {
                let row = c * CHUNK_ROWS + k;
                out.rows_in += 1;
                let r = BatchRow {
                    columns: &columns,
                    row,
                };
                row_to_post::convert_row(
                    &r,
                    Some(RawSpan {
                        start: number,
                        len: 0,
                    }),
                    number + 1,
                    b"",
                    ctx,
                    &mut out,
                );
            }
            out
        })
        .collect()
}

/// A Parquet source re-read for an export: its own columns, for the rows asked, in order.
pub struct SourceRows {
    reader: ParquetRecordBatchReader,
    schema: SchemaRef,
    /// Batches read and not yet passed, with the row number of their first row.
    pending: std::collections::VecDeque<(u64, RecordBatch)>,
    next_row: u64,
}

impl SourceRows {
    /// Opens the dataset's source, checking that it is the file that was loaded.
    pub fn open(ds: &Dataset) -> Result<Self, String> {
        let path = &ds.source.path;
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if fingerprint(&file)? != ds.source.fingerprint {
            return Err(format!(
                "{} changed since it was loaded; reload it before exporting",
                path.display()
            ));
        }
        let meta = open_metadata(&file)?;
        let schema = meta.schema().clone();
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta)
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(SourceRows {
            reader,
            schema,
            pending: Default::default(),
            next_row: 0,
        })
    }

    pub fn fields(&self) -> Vec<Field> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_nullable(true))
            .collect()
    }

    /// The source's columns for these rows (a post's row is its line − 1), which must come
    /// in increasing order across calls.
    pub fn batch(
        &mut self,
        ds: &Dataset,
        rows: &[crate::export::parquet::RowRef],
    ) -> Result<Vec<ArrayRef>, String> {
        use crate::export::parquet::RowRef;
        let mut picks: Vec<(usize, usize)> = Vec::with_capacity(rows.len());
        for &r in rows {
            let n = match r {
                RowRef::Post(i) => ds.line(i) - 1,
                RowRef::Rejected(line, _) => line - 1,
            };
            // Read on until a batch holds this row; batches wholly before it hold no row
            // asked (rows come in order), so they are not kept.
            while self.next_row <= n {
                let b = self
                    .reader
                    .next()
                    .ok_or("the source holds fewer rows than were loaded")?
                    .map_err(|e| e.to_string())?;
                let s = self.next_row;
                self.next_row += b.num_rows() as u64;
                if self.next_row > n {
                    self.pending.push_back((s, b));
                }
            }
            let (k, (s, _)) = self
                .pending
                .iter()
                .enumerate()
                .find(|(_, (s, b))| n >= *s && n < s + b.num_rows() as u64)
                .ok_or("rows asked out of order")?;
            picks.push((k, (n - s) as usize));
        }
        let columns = (0..self.schema.fields().len())
            .map(|c| {
                let arrays: Vec<&dyn Array> = self
                    .pending
                    .iter()
                    .map(|(_, b)| b.column(c).as_ref())
                    .collect();
                arrow_select::interleave::interleave(&arrays, &picks).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Keep only the last batch: later rows are at or after it.
        while self.pending.len() > 1 {
            self.pending.pop_front();
        }
        Ok(columns)
    }
}
