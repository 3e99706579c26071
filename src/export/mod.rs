//! Annotated export: every input row, its original columns first — byte for byte for
//! delimited sources, re-read from the file and checked against the load fingerprint — then
//! derail's columns. Written to a temporary file and renamed, so an export is atomic. A
//! path ending in `.parquet` writes Parquet ([`parquet`]), anything else CSV.

pub mod parquet;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::labels::Labels;
use crate::load::JSON_CORE_COLUMNS;
use crate::load::Loaded;
use crate::load::source::{self, BlockReader};
use crate::model::{METRIC_NONE, RawSpan};
use crate::progress::Progress;
use crate::time::format_iso;

/// derail's columns, as in `derail analyze`.
pub const DERAIL_COLUMNS: [&str; 6] = [
    "derail_tags",
    "derail_cluster",
    "derail_dup_group",
    "derail_coordinated",
    "derail_takeover",
    "derail_label",
];
/// Extra columns of `derail export` and the app's export.
pub const LABEL_DETAIL_COLUMNS: [&str; 2] = ["derail_labelled_by", "derail_labelled_at"];
/// The last column of every annotated export: the line of the input file where the row
/// starts (with `source_file` for a dataset of several files). It names a row even in a
/// file with no id column, so `derail agree` and `import-labels` can match two exports.
pub const ROW_COLUMN: &str = "derail_row";

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Add `derail_labelled_by` and `derail_labelled_at`.
    pub label_details: bool,
    /// Prefix cells that start with `=`, `+`, `-`, `@`, tab or CR with `'` (OWASP CSV
    /// injection); plain numbers are left alone.
    pub neutralize_formulas: bool,
    /// Export only these posts (sorted indices); `None` exports every input row.
    pub only: Option<Vec<u32>>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExportSummary {
    pub path: String,
    pub rows: u64,
    pub posts: u64,
    pub rejected_rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error(
        "{source_path} changed since it was loaded (its content no longer matches); reload it before exporting"
    )]
    SourceChanged { source_path: String },
    #[error("export cancelled")]
    Cancelled,
}

/// Whether an export to `out` writes Parquet (by its extension).
pub fn is_parquet_path(out: &Path) -> bool {
    out.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Would a spreadsheet read this cell as a formula?
pub fn is_formula_like(cell: &str) -> bool {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            let t = cell.trim();
            // Plain numbers ("-5", "+3.2") cannot run anything.
            !(t.len() > 1
                && t[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && t[1..].bytes().any(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if is_formula_like(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Quotes a field for a delimited file when it needs it.
fn push_field(out: &mut Vec<u8>, field: &str, delim: u8) {
    let needs = field
        .bytes()
        .any(|b| b == delim || b == b'"' || b == b'\n' || b == b'\r')
        || field.starts_with(' ')
        || field.ends_with(' ');
    if needs {
        out.push(b'"');
        for b in field.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

/// derail's values for one post.
pub(crate) fn derail_values(
    ds: &Loaded,
    an: Option<&Analysis>,
    labels: Option<&Labels>,
    i: usize,
    details: bool,
) -> Vec<String> {
    let mut v = Vec::with_capacity(8);
    match an {
        Some(a) => {
            v.push(a.tag_list(i).join(";"));
            v.push(a.cluster[i].to_string());
            v.push(if a.dup_group[i] == u32::MAX {
                String::new()
            } else {
                a.dup_group[i].to_string()
            });
            v.push(a.is_coordinated(i).to_string());
            v.push(a.is_takeover(i).to_string());
        }
        None => v.extend(std::iter::repeat_n(String::new(), 5)),
    }
    let key = ds.post_key(i);
    let entry = labels.and_then(|l| {
        l.get(&key).map(|e| {
            (
                l.def(e.label).map(|d| d.name.clone()).unwrap_or_default(),
                e,
            )
        })
    });
    v.push(entry.as_ref().map(|(n, _)| n.clone()).unwrap_or_default());
    if details {
        v.push(
            entry
                .as_ref()
                .map(|(_, e)| e.by.clone())
                .unwrap_or_default(),
        );
        v.push(
            entry
                .as_ref()
                .map(|(_, e)| format_iso(e.at_ms))
                .unwrap_or_default(),
        );
    }
    v.push(ds.line(i).to_string());
    v
}

/// Writes derail's cells of a post straight into a row buffer, caching the tag lists
/// (few distinct combinations across millions of posts).
struct DerailCells<'a> {
    layout: &'a RowLayout<'a>,
    tag_cache: rustc_hash::FxHashMap<(u64, u16), Vec<u8>>,
}

impl DerailCells<'_> {
    fn write(&mut self, i: usize, out: &mut Vec<u8>) {
        use std::io::Write as _;
        let layout = self.layout;
        let delim = layout.delim;
        match layout.an {
            Some(a) => {
                let key = (a.tags[i], a.lang[i]);
                let cell = self.tag_cache.entry(key).or_insert_with(|| {
                    let mut v = Vec::new();
                    push_field(&mut v, &a.tag_list(i).join(";"), delim);
                    v
                });
                out.push(delim);
                out.extend_from_slice(cell);
                let _ = write!(out, "{}{}{}", delim as char, a.cluster[i], delim as char);
                if a.dup_group[i] != u32::MAX {
                    let _ = write!(out, "{}", a.dup_group[i]);
                }
                let _ = write!(
                    out,
                    "{}{}{}{}",
                    delim as char,
                    a.is_coordinated(i),
                    delim as char,
                    a.is_takeover(i)
                );
            }
            None => {
                for _ in 0..5 {
                    out.push(delim);
                }
            }
        }
        let labelled = layout.labels.filter(|l| !l.is_empty()).and_then(|l| {
            let key = layout.ds.post_key(i);
            l.get(&key).map(|e| {
                (
                    l.def(e.label).map(|d| d.name.clone()).unwrap_or_default(),
                    e.by.clone(),
                    e.at_ms,
                )
            })
        });
        let cell = |v: &str, out: &mut Vec<u8>| {
            out.push(delim);
            let v = if layout.neutralize {
                neutralize(v)
            } else {
                std::borrow::Cow::Borrowed(v)
            };
            push_field(out, &v, delim);
        };
        match labelled {
            Some((name, by, at)) => {
                cell(&name, out);
                if layout.details {
                    cell(&by, out);
                    cell(&format_iso(at), out);
                }
            }
            None => {
                out.push(delim);
                if layout.details {
                    out.push(delim);
                    out.push(delim);
                }
            }
        }
        let _ = write!(out, "{}{}", delim as char, layout.ds.line(i));
    }
}

pub(crate) fn rejected_values(details: bool, line: u64) -> Vec<String> {
    let mut v = vec![
        "rejected".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    if details {
        v.extend([String::new(), String::new()]);
    }
    v.push(line.to_string());
    v
}

/// The flattened core fields of a post (JSON sources).
pub fn core_fields(ds: &Loaded, i: usize) -> Vec<String> {
    let m = ds.metrics(i);
    let metric = |x: u32| {
        if x == METRIC_NONE {
            String::new()
        } else {
            x.to_string()
        }
    };
    vec![
        ds.id(i).into_owned(),
        format_iso(ds.created_at[i]),
        ds.authors
            .key(ds.author[i])
            .trim_start_matches('@')
            .to_string(),
        ds.handle(i).to_string(),
        ds.text(i).to_string(),
        ds.lang(i).to_string(),
        ds.kind[i].as_str().to_string(),
        ds.ref_id(i).into_owned(),
        ds.hashtag_spellings(i).collect::<Vec<_>>().join(";"),
        ds.mentions(i).collect::<Vec<_>>().join(";"),
        ds.urls(i).collect::<Vec<_>>().join(" "),
        ds.has_media[i].to_string(),
        metric(m.reposts),
        metric(m.replies),
        metric(m.likes),
        metric(m.quotes),
        ds.community(i).to_string(),
        ds.line(i).to_string(),
    ]
}

/// Writes an annotated CSV to `out` atomically.
pub fn export_annotated(
    ds: &Loaded,
    an: Option<&Analysis>,
    labels: Option<&Labels>,
    out: &Path,
    opts: &ExportOptions,
    progress: &Progress,
) -> Result<ExportSummary, ExportError> {
    let dir: PathBuf = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let tmp = tempfile::Builder::new()
        .prefix(".derail-export-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io_err(out))?;
    let summary = if is_parquet_path(out) {
        let file = tmp.as_file().try_clone().map_err(io_err(out))?;
        parquet::write_parquet(ds, an, labels, file, opts, progress, out)?
    } else {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        let s = if ds.source.format == crate::model::Format::Parquet && ds.files.is_empty() {
            parquet::write_csv_of_parquet(ds, an, labels, &mut w, opts, progress, out)?
        } else if ds.source.format.is_json() || !ds.files.is_empty() {
            write_json_source(ds, an, labels, &mut w, opts, progress, out)?
        } else {
            write_delimited_source(ds, an, labels, &mut w, opts, progress, out)?
        };
        w.flush().map_err(io_err(out))?;
        s
    };
    let t_sync = std::time::Instant::now();
    tmp.as_file().sync_all().map_err(io_err(out))?;
    if std::env::var_os("DERAIL_DEBUG").is_some() {
        eprintln!("[debug] export sync {:.3}s", t_sync.elapsed().as_secs_f64());
    }
    tmp.persist(out).map_err(|e| ExportError::Io {
        path: out.display().to_string(),
        message: e.error.to_string(),
    })?;
    Ok(ExportSummary {
        path: out.display().to_string(),
        ..summary
    })
}

pub(crate) fn header_names(opts: &ExportOptions) -> Vec<&'static str> {
    let mut h: Vec<&str> = DERAIL_COLUMNS.to_vec();
    if opts.label_details {
        h.extend(LABEL_DETAIL_COLUMNS);
    }
    h.push(ROW_COLUMN);
    h
}

fn write_json_source(
    ds: &Loaded,
    an: Option<&Analysis>,
    labels: Option<&Labels>,
    w: &mut (dyn Write + Send),
    opts: &ExportOptions,
    progress: &Progress,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    let mut csvw = csv::WriterBuilder::new().flexible(true).from_writer(w);
    // A dataset of several files says which file each row is from; its rejected rows
    // (whose lines are each file's own) come after the posts.
    let several = !ds.files.is_empty();
    let mut header: Vec<&str> = JSON_CORE_COLUMNS.to_vec();
    if several {
        header.push("source_file");
    }
    header.extend(header_names(opts));
    let rejected_row = |r: usize| -> Vec<String> {
        let mut row = vec![String::new(); JSON_CORE_COLUMNS.len()];
        if let Some(last) = row.last_mut() {
            *last = ds.report.rejections[r].line.to_string();
        }
        if several {
            row.push(ds.report.rejections[r].file.clone().unwrap_or_default());
        }
        row.extend(rejected_values(
            opts.label_details,
            ds.report.rejections[r].line,
        ));
        row
    };
    let werr = |e: csv::Error| ExportError::Io {
        path: out.display().to_string(),
        message: e.to_string(),
    };
    csvw.write_record(&header).map_err(werr)?;
    let mut summary = ExportSummary::default();
    let posts: Vec<u32> = match &opts.only {
        Some(v) => v.clone(),
        None => (0..ds.len() as u32).collect(),
    };
    let rejected: Vec<u64> = if opts.only.is_none() {
        ds.report.rejections.iter().map(|r| r.line).collect()
    } else {
        Vec::new()
    };
    progress.begin("Exporting", posts.len() as u64);
    let mut r = 0usize;
    for (n, &i) in posts.iter().enumerate() {
        let i = i as usize;
        while !several && r < rejected.len() && rejected[r] < ds.line(i) {
            csvw.write_record(rejected_row(r)).map_err(werr)?;
            summary.rejected_rows += 1;
            r += 1;
        }
        let mut row = core_fields(ds, i);
        if several {
            row.push(ds.source_file(i).to_string());
        }
        row.extend(derail_values(ds, an, labels, i, opts.label_details));
        if opts.neutralize_formulas {
            row = row
                .into_iter()
                .map(|c| neutralize(&c).into_owned())
                .collect();
        }
        csvw.write_record(&row).map_err(werr)?;
        summary.posts += 1;
        if n % 8192 == 0 {
            progress.set(n as u64);
            if progress.is_cancelled() {
                return Err(ExportError::Cancelled);
            }
        }
    }
    while r < rejected.len() {
        csvw.write_record(rejected_row(r)).map_err(werr)?;
        summary.rejected_rows += 1;
        r += 1;
    }
    csvw.flush().map_err(io_err(out))?;
    summary.rows = summary.posts + summary.rejected_rows;
    Ok(summary)
}

/// Reads the decoded source forward, copying row spans out of it.
struct SpanReader {
    reader: BlockReader,
    /// Position of the next unread byte within `reader.buf`.
    pos: usize,
}

impl SpanReader {
    fn offset(&self) -> u64 {
        self.reader.offset + self.pos as u64
    }

    /// Makes at least `need` unread bytes available, if the stream has them.
    fn ensure(&mut self, need: usize) {
        if self.reader.buf.len() - self.pos >= need || self.reader.eof {
            return;
        }
        // Drop what was read, then read on.
        self.reader.consume(self.pos);
        self.pos = 0;
        let want = need.max(4 << 20);
        self.reader.fill(want);
    }

    /// Copies `span` into `dst`; false when the stream does not hold it.
    fn copy(&mut self, span: RawSpan, dst: &mut Vec<u8>) -> bool {
        if span.start < self.offset() {
            return false;
        }
        while self.offset() < span.start {
            self.ensure(1);
            let avail = self.reader.buf.len() - self.pos;
            if avail == 0 {
                return false;
            }
            let skip = ((span.start - self.offset()) as usize).min(avail);
            self.pos += skip;
        }
        let need = span.len as usize;
        self.ensure(need);
        if self.reader.buf.len() - self.pos < need {
            return false;
        }
        dst.extend_from_slice(&self.reader.buf[self.pos..self.pos + need]);
        self.pos += need;
        true
    }
}

/// The decoded stream of a delimited dataset's source file, re-opened for an export.
fn reopen_source(ds: &Loaded) -> Result<Box<dyn std::io::Read + Send>, ExportError> {
    let src = &ds.source.path;
    let kind = match source::sniff_source(src).map_err(io_err(src))? {
        Ok(k) => k,
        Err(_) => {
            return Err(ExportError::SourceChanged {
                source_path: src.display().to_string(),
            });
        }
    };
    source::open_decoded(src, &kind, Default::default()).map_err(io_err(src))
}

/// Rows formatted into one buffer by one thread.
const FORMAT_CHUNK_ROWS: usize = 4096;

/// Bytes of the source read and formatted at a time (small in tests, so that a small file
/// spans many blocks).
const SOURCE_BLOCK_BYTES: usize = if cfg!(test) { 64 << 10 } else { 16 << 20 };

fn write_delimited_source(
    ds: &Loaded,
    an: Option<&Analysis>,
    labels: Option<&Labels>,
    w: &mut (dyn Write + Send),
    opts: &ExportOptions,
    progress: &Progress,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    let mut reader = SpanReader {
        reader: BlockReader::new(reopen_source(ds)?),
        pos: 0,
    };
    let layout = RowLayout {
        ds,
        an,
        labels,
        details: opts.label_details,
        neutralize: opts.neutralize_formulas,
        delim: ds.source.delimiter.unwrap_or(b','),
        eol: ds.source.line_ending.as_bytes().to_vec(),
    };
    write_source_header(&mut reader, &layout, opts, w, out)?;
    let rows = rows_in_input_order(ds, opts);
    progress.begin("Exporting", rows.len() as u64);
    let mut reader = reader.reader;
    let mut summary = copy_rows(&mut reader, &rows, &layout, w, progress, out)?;
    // The source must be the file that was loaded.
    reader.read_to_end();
    if reader.fingerprint() != ds.source.fingerprint {
        return Err(source_changed(ds));
    }
    summary.rows = summary.posts + summary.rejected_rows;
    Ok(summary)
}

fn source_changed(ds: &Loaded) -> ExportError {
    ExportError::SourceChanged {
        source_path: ds.source.path.display().to_string(),
    }
}

/// How an exported row is written: the source row as it was (or with formula-like cells
/// neutralised), then derail's cells (`DerailCells`).
struct RowLayout<'a> {
    ds: &'a Loaded,
    an: Option<&'a Analysis>,
    labels: Option<&'a Labels>,
    details: bool,
    neutralize: bool,
    delim: u8,
    eol: Vec<u8>,
}

/// A row of the source to export: a post, or a rejected row (by its line).
#[derive(Clone, Copy)]
enum SourceRow {
    Post(usize),
    Rejected(u64),
}

/// The source's header row (or the column names, for a headerless file) with derail's
/// column names after it.
fn write_source_header(
    reader: &mut SpanReader,
    layout: &RowLayout,
    opts: &ExportOptions,
    w: &mut (dyn Write + Send),
    out: &Path,
) -> Result<(), ExportError> {
    let (ds, delim) = (layout.ds, layout.delim);
    let mut line: Vec<u8> = Vec::with_capacity(1 << 16);
    match ds.source.header_span {
        Some(h) => {
            if !reader.copy(h, &mut line) {
                return Err(source_changed(ds));
            }
            if layout.neutralize {
                line = rewrite_neutralized(&line, ds, delim);
            }
        }
        None => {
            for (k, c) in ds.source.columns.iter().enumerate() {
                if k > 0 {
                    line.push(delim);
                }
                push_field(&mut line, c, delim);
            }
        }
    }
    for h in header_names(opts) {
        line.push(delim);
        push_field(&mut line, h, delim);
    }
    line.extend_from_slice(&layout.eol);
    w.write_all(&line).map_err(io_err(out))
}

/// The rows to export in input order: posts and rejected rows merged by offset (only the
/// chosen posts when the export is of a selection).
fn rows_in_input_order(ds: &Loaded, opts: &ExportOptions) -> Vec<(RawSpan, SourceRow)> {
    let mut rows: Vec<(RawSpan, SourceRow)> = match &opts.only {
        Some(v) => v
            .iter()
            .map(|&i| (ds.raw(i as usize), SourceRow::Post(i as usize)))
            .collect(),
        None => (0..ds.len())
            .map(|i| (ds.raw(i), SourceRow::Post(i)))
            .collect(),
    };
    if opts.only.is_none() {
        rows.extend(
            ds.report
                .rejected_rows
                .iter()
                .map(|&(line, s)| (s, SourceRow::Rejected(line))),
        );
    }
    rows.sort_by_key(|r| r.0.start);
    rows
}

/// Copies the rows out of the source with derail's cells appended: formatted in parallel a
/// source block at a time, each block written while the next is formatted.
fn copy_rows(
    reader: &mut BlockReader,
    rows: &[(RawSpan, SourceRow)],
    layout: &RowLayout,
    w: &mut (dyn Write + Send),
    progress: &Progress,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    let mut summary = ExportSummary::default();
    let mut r = 0usize;
    let mut pending_parts: Vec<Vec<u8>> = Vec::new();
    // Buffers written out come back here and are filled again: formatting into fresh
    // memory for every block cost a page fault per 4 KiB of output.
    let mut spare: Vec<Vec<u8>> = Vec::new();
    while r < rows.len() {
        let r1 = read_block_from(reader, rows, r).ok_or_else(|| source_changed(layout.ds))?;
        let mut parts: Vec<Vec<u8>> = (0..(r1 - r).div_ceil(FORMAT_CHUNK_ROWS))
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let (base, buf) = (reader.offset, &reader.buf);
        let format = || {
            rows[r..r1]
                .par_chunks(FORMAT_CHUNK_ROWS)
                .zip(parts.par_iter_mut())
                .for_each(|(chunk, part)| format_rows(layout, chunk, (base, buf), part))
        };
        // Write the previous block while this one is formatted.
        let ((), written) = rayon::join(format, || -> std::io::Result<()> {
            for p in &pending_parts {
                w.write_all(p)?;
            }
            Ok(())
        });
        written.map_err(io_err(out))?;
        spare.append(&mut pending_parts);
        pending_parts = parts;
        for (_, row) in &rows[r..r1] {
            match row {
                SourceRow::Post(_) => summary.posts += 1,
                SourceRow::Rejected(_) => summary.rejected_rows += 1,
            }
        }
        r = r1;
        progress.set(r as u64);
        if progress.is_cancelled() {
            return Err(ExportError::Cancelled);
        }
    }
    for p in pending_parts.drain(..) {
        w.write_all(&p).map_err(io_err(out))?;
    }
    Ok(summary)
}

/// Reads the block of the source that starts with row `r`; returns the end of the rows it
/// holds whole, or `None` when the source does not hold row `r` where the load found it.
fn read_block_from(
    reader: &mut BlockReader,
    rows: &[(RawSpan, SourceRow)],
    r: usize,
) -> Option<usize> {
    let first = rows[r].0;
    if first.start < reader.offset {
        return None;
    }
    // Drop what lies before the row, then read a block.
    while reader.offset + (reader.buf.len() as u64) < first.start && !reader.eof {
        let have = reader.buf.len();
        reader.consume(have);
        reader.fill(SOURCE_BLOCK_BYTES);
    }
    let skip = ((first.start - reader.offset) as usize).min(reader.buf.len());
    reader.consume(skip);
    reader.fill(SOURCE_BLOCK_BYTES.max(first.len as usize + 1));
    let buf_end = reader.offset + reader.buf.len() as u64;
    let mut r1 = r;
    while r1 < rows.len() && rows[r1].0.start + rows[r1].0.len as u64 <= buf_end {
        r1 += 1;
    }
    (r1 > r).then_some(r1)
}

/// Formats `chunk`'s rows into `out`, reading each source row from `buf` (which starts at
/// byte `base` of the source).
fn format_rows(
    layout: &RowLayout,
    chunk: &[(RawSpan, SourceRow)],
    (base, buf): (u64, &[u8]),
    out: &mut Vec<u8>,
) {
    let (ds, delim) = (layout.ds, layout.delim);
    let mut cells = DerailCells {
        layout,
        tag_cache: Default::default(),
    };
    out.clear();
    for (span, row) in chunk {
        let a = (span.start - base) as usize;
        let raw = &buf[a..a + span.len as usize];
        if layout.neutralize {
            out.extend_from_slice(&rewrite_neutralized(raw, ds, delim));
        } else {
            out.extend_from_slice(raw);
        }
        match row {
            SourceRow::Post(i) => cells.write(*i, out),
            SourceRow::Rejected(line) => {
                for v in rejected_values(layout.details, *line) {
                    out.push(delim);
                    push_field(out, &v, delim);
                }
            }
        }
        out.extend_from_slice(&layout.eol);
    }
}

/// Re-writes a raw row field by field with formula-like cells neutralised.
fn rewrite_neutralized(raw: &[u8], ds: &Loaded, delim: u8) -> Vec<u8> {
    let quoting = ds
        .report
        .delimiter
        .as_deref()
        .is_none_or(|d| !d.contains("no quoting"));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .quoting(quoting)
        .has_headers(false)
        .flexible(true)
        .from_reader(raw);
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::with_capacity(raw.len() + 8);
    if rdr.read_byte_record(&mut rec).unwrap_or(false) {
        for (k, f) in rec.iter().enumerate() {
            if k > 0 {
                out.push(delim);
            }
            let s = String::from_utf8_lossy(f);
            push_field(&mut out, &neutralize(&s), delim);
        }
        out
    } else {
        raw.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert!(is_formula_like("=HYPERLINK(\"x\")"));
        assert!(is_formula_like("@SUM(A1)"));
        assert!(is_formula_like("+cmd"));
        assert!(is_formula_like("-2+3"));
        assert!(!is_formula_like("-5"));
        assert!(!is_formula_like("+3.25"));
        assert!(!is_formula_like("hello"));
        assert_eq!(neutralize("=1+1"), "'=1+1");
    }

    /// A file of many blocks comes out whole and in order: every input row, posts and
    /// rejected rows alike, byte for byte, then derail's columns (the buffers rows are
    /// formatted into are reused block after block).
    #[test]
    fn a_file_of_many_blocks_is_exported_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("big.csv");
        let mut text = String::from("id,created_at,user,text\r\n");
        let mut rows = Vec::new();
        // Larger than the first read of the source (4 MiB, with the header), so that the
        // rest comes in blocks.
        const ROWS: usize = 50_000;
        for i in 0..ROWS {
            let row = match i % 97 {
                // Ragged: rejected, and still exported.
                13 => format!("{i},2020-06-03 02:14:07"),
                // A quoted field over two lines, with a doubled quote.
                5 => format!(
                    "{i},2020-06-03 02:{:02}:07,u{},\"line one \"\"q\"\"\nline two #Tag{}\"",
                    i % 60,
                    i % 41,
                    i % 7
                ),
                _ => format!(
                    "{i},2020-06-03 02:{:02}:07,u{},post {i} {} #Tag{}",
                    i % 60,
                    i % 41,
                    "filler ".repeat(i % 23),
                    i % 7
                ),
            };
            text.push_str(&row);
            text.push_str("\r\n");
            rows.push(row);
        }
        std::fs::write(&src, &text).unwrap();
        assert!(
            text.len() > (4 << 20) + 8 * SOURCE_BLOCK_BYTES,
            "{} bytes",
            text.len()
        );
        let progress = Progress::new();
        let ds = crate::load::load_path(&src, &Default::default(), &progress).unwrap();
        assert!(ds.report.rejected > 0 && ds.report.balanced());
        let out = dir.path().join("out.csv");
        let summary =
            export_annotated(&ds, None, None, &out, &ExportOptions::default(), &progress).unwrap();
        assert_eq!(summary.rows, ROWS as u64);
        let written = std::fs::read_to_string(&out).unwrap();
        let mut lines = written.split("\r\n");
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("id,created_at,user,text,")
        );
        let body: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
        assert_eq!(body.len(), rows.len());
        for (k, (got, want)) in body.iter().zip(&rows).enumerate() {
            assert!(
                got.starts_with(want.as_str()) && got.as_bytes().get(want.len()) == Some(&b','),
                "row {k}: {got:?} does not start with {want:?}"
            );
        }
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        let mut v = Vec::new();
        push_field(&mut v, "a,b", b',');
        push_field(&mut v, "say \"hi\"", b',');
        push_field(&mut v, "plain", b',');
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "\"a,b\"\"say \"\"hi\"\"\"plain"
        );
    }
}
