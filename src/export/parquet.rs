//! Annotated Parquet export: every input row, in the order an annotated CSV writes them,
//! with the input's columns first and derail's after, each with its proper type.
//!
//! - A Parquet source keeps its own columns and types, re-read from the file.
//! - A delimited source writes each input column as text, cut from the row as loaded.
//! - A JSON source (or a folder) writes the flattened core columns, typed: `created_at` a
//!   UTC timestamp, counts 64-bit integers, `has_media` a boolean, lists as lists.
//!
//! derail's columns: `derail_tags` a list of text, `derail_cluster` and `derail_dup_group`
//! 32-bit integers, `derail_coordinated` and `derail_takeover` booleans, `derail_label`
//! text, `derail_labelled_at` a UTC timestamp and `derail_row` a 64-bit integer. A
//! rejected row has `derail_tags = ["rejected"]` and nulls for the verdicts.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{
    DERAIL_COLUMNS, ExportError, ExportOptions, ExportSummary, LABEL_DETAIL_COLUMNS, ROW_COLUMN,
    io_err,
};
use crate::analysis::Analysis;
use crate::labels::Labels;
use crate::load::Loaded;
use crate::load::csv_format::{Dialect, Fields, RecordSplitter};
use crate::load::source::BlockReader;
use crate::model::{Format, METRIC_NONE, RawSpan};
use crate::progress::Progress;

/// Rows per record batch (and per row group of the written file).
const BATCH_ROWS: usize = 64 * 1024;

/// One row of the export: a post, or a rejected row with its line.
#[derive(Debug, Clone, Copy)]
pub enum RowRef {
    Post(usize),
    /// A rejected row: its line (a Parquet row number) and, for delimited text and Parquet,
    /// where it is in the source.
    Rejected(u64, RawSpan),
}

impl RowRef {
    fn is_post(self) -> bool {
        matches!(self, RowRef::Post(_))
    }
}

fn parquet_err(out: &Path) -> impl Fn(parquet::errors::ParquetError) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: out.display().to_string(),
        message: e.to_string(),
    }
}

fn arrow_err(out: &Path) -> impl Fn(arrow_schema::ArrowError) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: out.display().to_string(),
        message: e.to_string(),
    }
}

fn utc_millis() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
}

fn text_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

/// Builders of derail's columns.
struct DerailColumns {
    tags: ListBuilder<StringBuilder>,
    cluster: Int32Builder,
    dup_group: Int32Builder,
    coordinated: BooleanBuilder,
    takeover: BooleanBuilder,
    label: StringBuilder,
    labelled_by: StringBuilder,
    labelled_at: TimestampMillisecondBuilder,
    row: Int64Builder,
    details: bool,
}

impl DerailColumns {
    fn new(details: bool) -> Self {
        DerailColumns {
            tags: ListBuilder::new(StringBuilder::new()),
            cluster: Int32Builder::new(),
            dup_group: Int32Builder::new(),
            coordinated: BooleanBuilder::new(),
            takeover: BooleanBuilder::new(),
            label: StringBuilder::new(),
            labelled_by: StringBuilder::new(),
            labelled_at: TimestampMillisecondBuilder::new().with_timezone("UTC"),
            row: Int64Builder::new(),
            details,
        }
    }

    fn fields(details: bool) -> Vec<Field> {
        let mut f = vec![
            Field::new(DERAIL_COLUMNS[0], text_list(), true),
            Field::new(DERAIL_COLUMNS[1], DataType::Int32, true),
            Field::new(DERAIL_COLUMNS[2], DataType::Int32, true),
            Field::new(DERAIL_COLUMNS[3], DataType::Boolean, true),
            Field::new(DERAIL_COLUMNS[4], DataType::Boolean, true),
            Field::new(DERAIL_COLUMNS[5], DataType::Utf8, true),
        ];
        if details {
            f.push(Field::new(LABEL_DETAIL_COLUMNS[0], DataType::Utf8, true));
            f.push(Field::new(LABEL_DETAIL_COLUMNS[1], utc_millis(), true));
        }
        f.push(Field::new(ROW_COLUMN, DataType::Int64, false));
        f
    }

    fn push(&mut self, ds: &Loaded, an: Option<&Analysis>, labels: Option<&Labels>, row: RowRef) {
        let i = match row {
            RowRef::Post(i) => i,
            RowRef::Rejected(line, _) => {
                self.tags.values().append_value("rejected");
                self.tags.append(true);
                self.cluster.append_null();
                self.dup_group.append_null();
                self.coordinated.append_null();
                self.takeover.append_null();
                self.label.append_null();
                if self.details {
                    self.labelled_by.append_null();
                    self.labelled_at.append_null();
                }
                self.row.append_value(line as i64);
                return;
            }
        };
        match an {
            Some(a) => {
                for t in a.tag_list(i) {
                    self.tags.values().append_value(t);
                }
                self.tags.append(true);
                self.cluster.append_value(a.cluster[i]);
                self.dup_group
                    .append_option((a.dup_group[i] != u32::MAX).then_some(a.dup_group[i] as i32));
                self.coordinated.append_value(a.is_coordinated(i));
                self.takeover.append_value(a.is_takeover(i));
            }
            None => {
                self.tags.append(true);
                self.cluster.append_null();
                self.dup_group.append_null();
                self.coordinated.append_null();
                self.takeover.append_null();
            }
        }
        let entry = labels
            .filter(|l| !l.is_empty())
            .and_then(|l| l.get(&ds.post_key(i)).map(|e| (l, e)));
        match entry {
            Some((l, e)) => {
                self.label
                    .append_value(l.def(e.label).map(|d| d.name.as_str()).unwrap_or(""));
                if self.details {
                    self.labelled_by.append_value(&e.by);
                    self.labelled_at.append_value(e.at_ms);
                }
            }
            None => {
                self.label.append_null();
                if self.details {
                    self.labelled_by.append_null();
                    self.labelled_at.append_null();
                }
            }
        }
        self.row.append_value(ds.line(i) as i64);
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        let mut v: Vec<ArrayRef> = vec![
            Arc::new(self.tags.finish()),
            Arc::new(self.cluster.finish()),
            Arc::new(self.dup_group.finish()),
            Arc::new(self.coordinated.finish()),
            Arc::new(self.takeover.finish()),
            Arc::new(self.label.finish()),
        ];
        if self.details {
            v.push(Arc::new(self.labelled_by.finish()));
            v.push(Arc::new(self.labelled_at.finish()));
        }
        v.push(Arc::new(self.row.finish()));
        v
    }
}

/// The rows of the export in the order an annotated CSV writes them.
fn ordered_rows(ds: &Loaded, opts: &ExportOptions) -> Vec<RowRef> {
    let posts: Vec<usize> = match &opts.only {
        Some(v) => v.iter().map(|&i| i as usize).collect(),
        None => (0..ds.len()).collect(),
    };
    let with_rejected = opts.only.is_none();
    if ds.source.format == Format::Csv || ds.source.format == Format::Parquet {
        // By position in the source: delimited rows by byte offset, Parquet rows by number.
        let mut rows: Vec<(u64, RowRef)> = posts
            .iter()
            .map(|&i| (ds.raw(i).start, RowRef::Post(i)))
            .collect();
        if with_rejected {
            rows.extend(
                ds.report
                    .rejected_rows
                    .iter()
                    .map(|&(line, s)| (s.start, RowRef::Rejected(line, s))),
            );
        }
        rows.sort_by_key(|r| r.0);
        return rows.into_iter().map(|r| r.1).collect();
    }
    let rejected: Vec<u64> = if with_rejected {
        ds.report.rejections.iter().map(|r| r.line).collect()
    } else {
        Vec::new()
    };
    let several = !ds.files.is_empty();
    let mut rows = Vec::with_capacity(posts.len() + rejected.len());
    let mut r = 0;
    for i in posts {
        while !several && r < rejected.len() && rejected[r] < ds.line(i) {
            rows.push(RowRef::Rejected(rejected[r], RawSpan::default()));
            r += 1;
        }
        rows.push(RowRef::Post(i));
    }
    rows.extend(
        rejected[r..]
            .iter()
            .map(|&l| RowRef::Rejected(l, RawSpan::default())),
    );
    rows
}

/// Writes an annotated Parquet file to the open temporary file `w`.
pub(crate) fn write_parquet(
    ds: &Loaded,
    an: Option<&Analysis>,
    labels: Option<&Labels>,
    w: std::fs::File,
    opts: &ExportOptions,
    progress: &Progress,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    let rows = ordered_rows(ds, opts);
    let mut input = InputColumns::for_source(ds)?;
    let mut fields = input.fields();
    fields.extend(DerailColumns::fields(opts.label_details));
    let schema = Arc::new(Schema::new(fields));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(BATCH_ROWS * 2))
        .set_created_by(format!("derail {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut writer =
        ArrowWriter::try_new(w, schema.clone(), Some(props)).map_err(parquet_err(out))?;
    progress.begin("Exporting", rows.len() as u64);
    let mut summary = ExportSummary::default();
    for (n, chunk) in rows.chunks(BATCH_ROWS).enumerate() {
        let mut derail = DerailColumns::new(opts.label_details);
        for &r in chunk {
            derail.push(ds, an, labels, r);
        }
        let mut columns = input.batch(ds, chunk, out)?;
        columns.extend(derail.finish());
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(arrow_err(out))?;
        writer.write(&batch).map_err(parquet_err(out))?;
        let posts = chunk.iter().filter(|r| r.is_post()).count() as u64;
        summary.posts += posts;
        summary.rejected_rows += chunk.len() as u64 - posts;
        progress.set(((n + 1) * BATCH_ROWS).min(rows.len()) as u64);
        if progress.is_cancelled() {
            return Err(ExportError::Cancelled);
        }
    }
    input.finish(ds)?;
    writer.close().map_err(parquet_err(out))?;
    summary.rows = summary.posts + summary.rejected_rows;
    Ok(summary)
}

/// Where the input columns of the export come from.
enum InputColumns {
    /// Text columns cut from the rows of a delimited file, re-read in order.
    Delimited {
        header: Vec<String>,
        dialect: Dialect,
        reader: Box<BlockReader>,
        row: Vec<u8>,
    },
    /// The flattened core fields of each post.
    Core { several: bool },
    /// A Parquet file's own columns.
    Parquet(crate::load::parquet_format::SourceRows),
}

impl InputColumns {
    fn for_source(ds: &Loaded) -> Result<Self, ExportError> {
        let src = &ds.source.path;
        if !ds.files.is_empty() || ds.source.format.is_json() {
            return Ok(InputColumns::Core {
                several: !ds.files.is_empty(),
            });
        }
        if ds.source.format == Format::Parquet {
            let rows =
                crate::load::parquet_format::SourceRows::open(ds).map_err(|e| ExportError::Io {
                    path: src.display().to_string(),
                    message: e,
                })?;
            return Ok(InputColumns::Parquet(rows));
        }
        let decoded = super::reopen_source(ds)?;
        let desc = ds.report.delimiter.as_deref().unwrap_or("");
        Ok(InputColumns::Delimited {
            header: ds.source.columns.clone(),
            dialect: Dialect {
                delimiter: ds.source.delimiter.unwrap_or(b','),
                quoting: !desc.contains("no quoting"),
                trim: desc.contains("padded with spaces"),
                has_header: false,
            },
            reader: Box::new(BlockReader::new(decoded)),
            row: Vec::new(),
        })
    }

    fn fields(&self) -> Vec<Field> {
        match self {
            InputColumns::Delimited { header, .. } => header
                .iter()
                .map(|h| Field::new(h, DataType::Utf8, true))
                .collect(),
            InputColumns::Core { several } => {
                let mut f = core_fields();
                if *several {
                    f.push(Field::new("source_file", DataType::Utf8, true));
                }
                f
            }
            InputColumns::Parquet(rows) => rows.fields(),
        }
    }

    fn batch(
        &mut self,
        ds: &Loaded,
        rows: &[RowRef],
        out: &Path,
    ) -> Result<Vec<ArrayRef>, ExportError> {
        let changed = || ExportError::SourceChanged {
            source_path: ds.source.path.display().to_string(),
        };
        match self {
            InputColumns::Delimited {
                header,
                dialect,
                reader,
                row,
            } => {
                let mut cols: Vec<StringBuilder> =
                    header.iter().map(|_| StringBuilder::new()).collect();
                for &r in rows {
                    let span = match r {
                        RowRef::Post(i) => ds.raw(i),
                        RowRef::Rejected(_, span) => span,
                    };
                    row.clear();
                    if !copy_span(reader, span, row) {
                        return Err(changed());
                    }
                    push_delimited_cells(row, dialect, &mut cols);
                }
                Ok(cols
                    .into_iter()
                    .map(|mut b| Arc::new(b.finish()) as ArrayRef)
                    .collect())
            }
            InputColumns::Core { several } => Ok(core_arrays(ds, rows, *several)),
            InputColumns::Parquet(src) => src.batch(ds, rows).map_err(|e| ExportError::Io {
                path: out.display().to_string(),
                message: e,
            }),
        }
    }

    /// Checks that the source is the file that was loaded.
    fn finish(self, ds: &Loaded) -> Result<(), ExportError> {
        if let InputColumns::Delimited { mut reader, .. } = self {
            reader.read_to_end();
            if reader.fingerprint() != ds.source.fingerprint {
                return Err(ExportError::SourceChanged {
                    source_path: ds.source.path.display().to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Copies `span` of the decoded stream into `dst`, reading forward; false when the stream
/// does not hold it (the file changed, or spans were asked out of order).
fn copy_span(reader: &mut BlockReader, span: RawSpan, dst: &mut Vec<u8>) -> bool {
    if span.start < reader.offset {
        return false;
    }
    while reader.offset + (reader.buf.len() as u64) < span.start && !reader.eof {
        let have = reader.buf.len();
        reader.consume(have);
        reader.fill(4 << 20);
    }
    let skip = ((span.start - reader.offset) as usize).min(reader.buf.len());
    reader.consume(skip);
    let need = span.len as usize;
    if reader.buf.len() < need {
        reader.fill(need.max(4 << 20));
    }
    if reader.buf.len() < need {
        return false;
    }
    dst.extend_from_slice(&reader.buf[..need]);
    true
}

/// Splits one raw row into the text columns; fields past the header's last column are
/// kept in that column, joined with the delimiter, so nothing of the row is dropped.
fn push_delimited_cells(row: &[u8], dialect: &Dialect, cols: &mut [StringBuilder]) {
    let mut sp = RecordSplitter::new(row, dialect);
    let valid = std::str::from_utf8(row).ok();
    let n = cols.len();
    if sp.next_record().is_none() {
        cols.iter_mut().for_each(|c| c.append_null());
        return;
    }
    let fields = Fields::new(&sp, valid);
    let got = fields.len();
    for (k, col) in cols.iter_mut().enumerate() {
        if k + 1 == n && got > n {
            let rest: Vec<String> = (k..got)
                .filter_map(|j| fields.get(j).map(|c| c.into_owned()))
                .collect();
            col.append_value(rest.join(&(dialect.delimiter as char).to_string()));
        } else {
            match fields.get(k) {
                Some(v) => col.append_value(v),
                None => col.append_null(),
            }
        }
    }
}

/// The typed core columns of a JSON source (the names of [`crate::load::JSON_CORE_COLUMNS`]).
fn core_fields() -> Vec<Field> {
    use DataType as T;
    let c = crate::load::JSON_CORE_COLUMNS;
    let types = [
        T::Utf8,
        utc_millis(),
        T::Utf8,
        T::Utf8,
        T::Utf8,
        T::Utf8,
        T::Utf8,
        T::Utf8,
        text_list(),
        text_list(),
        text_list(),
        T::Boolean,
        T::Int64,
        T::Int64,
        T::Int64,
        T::Int64,
        T::Utf8,
        T::Int64,
    ];
    c.iter()
        .zip(types)
        .map(|(name, t)| Field::new(*name, t, true))
        .collect()
}

fn core_arrays(ds: &Loaded, rows: &[RowRef], several: bool) -> Vec<ArrayRef> {
    let mut text: Vec<StringBuilder> = (0..7).map(|_| StringBuilder::new()).collect();
    let mut created = TimestampMillisecondBuilder::new().with_timezone("UTC");
    let mut lists: Vec<ListBuilder<StringBuilder>> = (0..3)
        .map(|_| ListBuilder::new(StringBuilder::new()))
        .collect();
    let mut media = BooleanBuilder::new();
    let mut metrics: Vec<Int64Builder> = (0..4).map(|_| Int64Builder::new()).collect();
    let mut community = StringBuilder::new();
    let mut line = Int64Builder::new();
    let mut file = StringBuilder::new();
    for &r in rows {
        let i = match r {
            RowRef::Post(i) => i,
            RowRef::Rejected(l, _) => {
                text.iter_mut().for_each(|b| b.append_null());
                created.append_null();
                lists.iter_mut().for_each(|b| b.append_null());
                media.append_null();
                metrics.iter_mut().for_each(|b| b.append_null());
                community.append_null();
                line.append_value(l as i64);
                file.append_null();
                continue;
            }
        };
        let author_key = ds.authors.key(ds.author[i]);
        let values: [&str; 7] = [
            &ds.id(i),
            author_key.trim_start_matches('@'),
            ds.handle(i),
            ds.text(i),
            ds.lang(i),
            ds.kind[i].as_str(),
            &ds.ref_id(i),
        ];
        for (b, v) in text.iter_mut().zip(values) {
            b.append_value(v);
        }
        created.append_value(ds.created_at[i]);
        for t in ds.hashtag_spellings(i) {
            lists[0].values().append_value(t);
        }
        for m in ds.mentions(i) {
            lists[1].values().append_value(m);
        }
        for u in ds.urls(i) {
            lists[2].values().append_value(u);
        }
        lists.iter_mut().for_each(|b| b.append(true));
        media.append_value(ds.has_media[i]);
        let m = ds.metrics(i);
        for (b, x) in metrics
            .iter_mut()
            .zip([m.reposts, m.replies, m.likes, m.quotes])
        {
            b.append_option((x != METRIC_NONE).then_some(x as i64));
        }
        community.append_value(ds.community(i));
        line.append_value(ds.line(i) as i64);
        file.append_value(ds.source_file(i));
    }
    let mut text: Vec<ArrayRef> = text
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    // id, then the typed time, then author_id, author, text, lang, kind, ref_id.
    let rest = text.split_off(1);
    let mut v: Vec<ArrayRef> = text;
    v.push(Arc::new(created.finish()));
    v.extend(rest);
    for mut l in lists {
        v.push(Arc::new(l.finish()));
    }
    v.push(Arc::new(media.finish()));
    for mut b in metrics {
        v.push(Arc::new(b.finish()));
    }
    v.push(Arc::new(community.finish()));
    v.push(Arc::new(line.finish()));
    if several {
        v.push(Arc::new(file.finish()));
    }
    debug_assert!(v.iter().all(|a| a.len() == rows.len()));
    v
}

/// An annotated CSV of a Parquet source: the file's columns as text (as
/// [`crate::load::parquet_format::cell_string`] reads them), then derail's.
pub(crate) fn write_csv_of_parquet(
    ds: &Loaded,
    an: Option<&Analysis>,
    labels: Option<&Labels>,
    w: &mut (dyn std::io::Write + Send),
    opts: &ExportOptions,
    progress: &Progress,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    let mut src =
        crate::load::parquet_format::SourceRows::open(ds).map_err(|e| ExportError::Io {
            path: ds.source.path.display().to_string(),
            message: e,
        })?;
    let werr = |e: csv::Error| ExportError::Io {
        path: out.display().to_string(),
        message: e.to_string(),
    };
    let mut csvw = csv::WriterBuilder::new().flexible(true).from_writer(w);
    let mut header: Vec<String> = src.fields().iter().map(|f| f.name().clone()).collect();
    header.extend(super::header_names(opts).iter().map(|s| s.to_string()));
    csvw.write_record(&header).map_err(werr)?;
    let rows = ordered_rows(ds, opts);
    progress.begin("Exporting", rows.len() as u64);
    let mut summary = ExportSummary::default();
    for chunk in rows.chunks(BATCH_ROWS) {
        let columns = src.batch(ds, chunk).map_err(|e| ExportError::Io {
            path: out.display().to_string(),
            message: e,
        })?;
        for (k, &r) in chunk.iter().enumerate() {
            let mut row: Vec<String> = columns
                .iter()
                .map(|c| {
                    crate::load::parquet_format::cell_string(c.as_ref(), k).unwrap_or_default()
                })
                .collect();
            match r {
                RowRef::Post(i) => {
                    row.extend(super::derail_values(ds, an, labels, i, opts.label_details));
                    summary.posts += 1;
                }
                RowRef::Rejected(line, _) => {
                    row.extend(super::rejected_values(opts.label_details, line));
                    summary.rejected_rows += 1;
                }
            }
            if opts.neutralize_formulas {
                row = row
                    .into_iter()
                    .map(|c| super::neutralize(&c).into_owned())
                    .collect();
            }
            csvw.write_record(&row).map_err(werr)?;
        }
        progress.set(summary.posts + summary.rejected_rows);
        if progress.is_cancelled() {
            return Err(ExportError::Cancelled);
        }
    }
    csvw.flush().map_err(io_err(out))?;
    summary.rows = summary.posts + summary.rejected_rows;
    Ok(summary)
}
