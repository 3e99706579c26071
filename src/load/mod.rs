//! Loading post datasets: format detection from the content, decoding, parallel parsing in
//! chunks, and a report that accounts for every input row.
//!
//! `rows in = loaded + rejected` holds for every load; each rejection names its line and
//! reason, and damage that was repaired or kept is reported as a warning.

pub mod bluesky;
pub mod builder;
pub mod crowdtangle;
pub mod csv_format;
pub mod dataset_source;
pub mod folder;
pub mod jetstream;
pub mod json;
pub mod json_paths;
pub mod json_value;
pub mod list_cell;
pub mod mapping;
pub mod mastodon;
pub mod parquet_format;
mod parquet_slice;
pub mod partitions;
pub mod readers;
pub mod reddit;
pub mod report;
pub mod reposts;
pub mod row_to_post;
pub mod slice;
pub mod snscrape;
pub mod source;
pub mod telegram;
pub mod telethon;
pub mod tiktok_research;
pub mod twitter_v1;
pub mod twitter_v2;
pub mod youtube;
pub mod zeeschuimer;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::load::builder::ChunkBuilder;
use crate::load::csv_format::{CsvContext, Dialect};
pub use crate::load::dataset_source::Source;
use crate::load::json::{JsonContext, JsonLayout};
use crate::load::mapping::{MapOverride, MappingError, Role};
use crate::load::report::LoadReport;
use crate::load::source::{BlockReader, NotText, SourceKind};
use crate::model::{Dataset, Format, SourceInfo};
use crate::progress::Progress;
use crate::time::{NaiveZone, TimeParser};

/// The columns a JSON source is flattened to (its "input columns" in an export).
pub const JSON_CORE_COLUMNS: [&str; 18] = [
    "id",
    "created_at",
    "author_id",
    "author",
    "text",
    "lang",
    "kind",
    "ref_id",
    "hashtags",
    "mentions",
    "urls",
    "has_media",
    "reposts",
    "replies",
    "likes",
    "quotes",
    "community",
    "source_line",
];

/// A loaded dataset with the report of its load: every input row loaded, rejected (with
/// its line and reason) or outside the slice. The dataset itself knows nothing of how it
/// was read; it derefs to it, so a `&Loaded` serves wherever a `&Dataset` is asked for.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    pub report: LoadReport,
}

impl std::ops::Deref for Loaded {
    type Target = Dataset;
    fn deref(&self) -> &Dataset {
        &self.dataset
    }
}

impl std::ops::DerefMut for Loaded {
    fn deref_mut(&mut self) -> &mut Dataset {
        &mut self.dataset
    }
}

/// Options of a load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// `--map role=column` overrides for delimited text.
    pub overrides: Vec<MapOverride>,
    /// The zone assumed for timestamps without one.
    pub naive_zone: NaiveZone,
    /// Fields longer than this reject their row.
    pub max_field_bytes: usize,
    /// Refuse inputs that would need more memory than this; `None` reads the machine's
    /// available memory.
    pub memory_budget: Option<u64>,
    /// Bytes read per parallel block.
    pub block_bytes: usize,
    /// Load only the posts of this slice (`--hashtag`, `--since`, `--until`).
    pub slice: slice::Slice,
    /// The order of day and month in slash dates, where known; `None` reads it from the
    /// file (and reads the file again, day first, if rows past the sample contradict a
    /// month-first guess).
    pub slash_order: Option<crate::time::SlashOrder>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            format: None,
            overrides: Vec::new(),
            naive_zone: NaiveZone::Utc,
            max_field_bytes: 256 * 1024,
            memory_budget: None,
            block_bytes: 16 << 20,
            slice: slice::Slice::default(),
            slash_order: None,
        }
    }
}

/// Why a file could not be loaded. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the file: {message}")]
    Io { path: String, message: String },
    #[error("{path}: the file is empty (0 bytes)")]
    Empty { path: String },
    #[error("{path}: this is {what}, not a post dataset (first odd byte at offset {offset})")]
    Binary {
        path: String,
        what: String,
        offset: u64,
    },
    #[error("{path}: no text column found. Columns seen: {}. Choose one with --map text=COLUMN", .columns.join(", "))]
    NoTextColumn { path: String, columns: Vec<String> },
    #[error("{path}: no timestamp column found (a time column needs at least 80% of sampled values to parse). Columns seen: {}. Choose one with --map time=COLUMN", .columns.join(", "))]
    NoTimeColumn { path: String, columns: Vec<String> },
    #[error("{path}: --map {role}={column:?} names a column that does not exist. Columns seen: {}", .columns.join(", "))]
    UnknownColumn {
        path: String,
        role: String,
        column: String,
        columns: Vec<String>,
    },
    #[error("{path}: {message}")]
    NoUsableText { path: String, message: String },
    #[error("{path}: {what}")]
    NoRows { path: String, what: String },
    #[error("{path}: none of its {} rows could be loaded; first problem: {}", .report.rows_in, first_rejection(.report))]
    NoPosts {
        path: String,
        report: Box<LoadReport>,
    },
    #[error("{path}: not a recognised post format: {detail}")]
    UnknownFormat { path: String, detail: String },
    #[error(
        "{path}: too large for this machine: it needs about {need_mb} MB of memory and only {available_mb} MB is available. Split the file, or filter it first"
    )]
    TooLarge {
        path: String,
        need_mb: u64,
        available_mb: u64,
    },
    #[error("{path}: {message}")]
    BadOption { path: String, message: String },
    #[error("loading {path} was cancelled")]
    Cancelled { path: String },
}

fn first_rejection(r: &LoadReport) -> String {
    r.rejections
        .first()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "no details".into())
}

impl LoadError {
    /// The line the error is about, where there is one (for the app's error panel).
    pub fn line(&self) -> Option<u64> {
        match self {
            LoadError::NoPosts { report, .. } => report.rejections.first().map(|r| r.line),
            _ => None,
        }
    }
}

/// Memory the machine can give us, in bytes: MemAvailable, capped by a cgroup limit.
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let avail_kb: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemAvailable:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let mut avail = avail_kb * 1024;
    if let Ok(max) = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        && let Ok(limit) = max.trim().parse::<u64>()
    {
        avail = avail.min(limit);
    }
    Some(avail)
}

/// Estimated peak bytes to load a file of this kind.
fn estimated_need(kind: &SourceKind, layout_is_document: bool) -> u64 {
    let decoded = kind.estimated_decoded_bytes();
    // Columns and text take about 1.2x the input; a whole-document JSON is held in memory
    // while it is parsed.
    let factor = if layout_is_document { 2.0 } else { 1.3 };
    (decoded as f64 * factor) as u64 + (64 << 20)
}

/// Loads a dataset from `path`: a file, a folder or a glob.
pub fn load_path(
    path: &Path,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    Source::of_path(path)?.load(opts, progress)
}

/// Loads one file, in the reader of its format.
fn load_file(path: &Path, opts: &LoadOptions, progress: &Progress) -> Result<Loaded, LoadError> {
    load_file_in_partition(path, &[], opts, progress)
}

/// Loads one file of a folder, with the hive `partition` values of its directories (the
/// Parquet reader adds those its columns lack; see
/// [`parquet_format::load_parquet_in_partition`]).
fn load_file_in_partition(
    path: &Path,
    partition: &[(String, String)],
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let path_str = path.display().to_string();
    let io_err = |e: std::io::Error| LoadError::Io {
        path: path_str.clone(),
        message: e.to_string(),
    };
    if parquet_format::is_parquet_file(path) {
        let ds = parquet_format::load_parquet_in_partition(path, partition, opts, progress)?;
        return Ok(slice::cut(ds, &opts.slice));
    }
    let opener = || -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(Box::new(std::io::BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(path)?,
        )))
    };
    let ds = with_slash_order_checked(opts, |opts| {
        let kind = source::sniff_source(path).map_err(io_err)?;
        load_from(path, kind, &opener, opts, progress)
    })?;
    Ok(slice::cut(ds, &opts.slice))
}

/// Loads with `load`, and, if rows past the sample contradicted a month-first guess for
/// slash dates (they read only day first: "31/07/2020"), loads again day first and says so.
/// The first load is dropped with its rejections, unless day first rejects more rows (a
/// file that mixes both orders): then it is kept, and its warning stands.
fn with_slash_order_checked(
    opts: &LoadOptions,
    load: impl Fn(&LoadOptions) -> Result<Loaded, LoadError>,
) -> Result<Loaded, LoadError> {
    let ds = load(opts)?;
    let Some(contradicted) = ds.report.warning(SLASH_ORDER_CONTRADICTED).map(|w| w.count) else {
        return Ok(ds);
    };
    if opts.slash_order.is_some() {
        return Ok(ds);
    }
    let day_first = LoadOptions {
        slash_order: Some(crate::time::SlashOrder::DayFirst),
        ..opts.clone()
    };
    let mut again = load(&day_first)?;
    if again.report.rejected > ds.report.rejected {
        return Ok(ds);
    }
    again.report.warnings.push(report::Warning {
        code: "slash_order_day_first".into(),
        message: format!(
            "dates such as 03/04/2020 were read day first (3 April): the rows sampled to map \
             the file could be read either way, but {contradicted} rows further on read only \
             day first, so the file was read again"
        ),
        count: contradicted,
        lines: Vec::new(),
    });
    Ok(again)
}

/// The warning code of a row whose slash date reads only in the order the sample did not
/// guess.
pub(crate) const SLASH_ORDER_CONTRADICTED: &str = "slash_order_contradicted";

/// The error for columns that could not be mapped to roles.
fn mapping_error(e: MappingError, path: &str, header: &[String]) -> LoadError {
    match e {
        MappingError::UnknownColumn { role, column } => LoadError::UnknownColumn {
            path: path.to_string(),
            role: role.name().to_string(),
            column,
            columns: header.to_vec(),
        },
        MappingError::NoUsableText { message } => LoadError::NoUsableText {
            path: path.to_string(),
            message,
        },
    }
}

/// Loads a dataset from bytes in memory; `name` stands in for the file name in messages.
/// (An export of such a dataset cannot re-read its source.)
pub fn load_bytes(
    bytes: &[u8],
    name: &str,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    if bytes.starts_with(b"PAR1") {
        let ds = parquet_format::load_parquet_bytes(bytes, Path::new(name), opts, progress)?;
        return Ok(slice::cut(ds, &opts.slice));
    }
    let owned: Arc<[u8]> = Arc::from(bytes);
    let opener = move || -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(ArcBytes(owned.clone()))))
    };
    let ds = with_slash_order_checked(opts, |opts| {
        load_from(
            Path::new(name),
            source::sniff_bytes(bytes),
            &opener,
            opts,
            progress,
        )
    })?;
    Ok(slice::cut(ds, &opts.slice))
}

/// Shared bytes as `AsRef<[u8]>` for a `Cursor`.
struct ArcBytes(Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

type Opener<'a> = dyn Fn() -> std::io::Result<Box<dyn std::io::Read + Send>> + 'a;

fn load_from(
    path: &Path,
    kind: Result<SourceKind, NotText>,
    opener: &Opener<'_>,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let started = Instant::now();
    let path_str = path.display().to_string();
    let io_err = |e: std::io::Error| LoadError::Io {
        path: path_str.clone(),
        message: e.to_string(),
    };
    let kind = text_source(kind, &path_str)?;
    progress.begin("Reading", kind.file_bytes);
    let raw_read = Arc::new(AtomicU64::new(0));
    let decoded = source::decode_stream(opener().map_err(io_err)?, &kind, raw_read.clone())
        .map_err(io_err)?;
    let mut reader = BlockReader::new(decoded);
    let head = sniff_head(&mut reader, opts, &path_str)?;
    let format = head.format;
    check_memory(&kind, &head, opts, &path_str)?;
    let mut builder = new_builder(path, &kind, format, opts, &path_str);
    let update = |p: &Progress| p.set(raw_read.load(Ordering::Relaxed));
    let rows = if format.is_json() {
        read_json_rows(
            &mut reader,
            head,
            opts,
            progress,
            &update,
            &mut builder,
            &path_str,
        )?
    } else {
        read_csv_rows(
            &mut reader,
            opts,
            progress,
            &update,
            &mut builder,
            &path_str,
        )?
    };
    let post_warnings = read_error_warning(&reader);
    // Drain the stream so the fingerprint covers the whole input.
    reader.read_to_end();
    update(progress);
    let source = rows.source(path, format, &kind, reader.fingerprint());
    drop(reader);
    progress.begin("Indexing", 0);
    let mut last = ChunkBuilder::new();
    last.warnings = post_warnings;
    builder.append(last);
    let t_fin = Instant::now();
    let mut ds = builder.finish(source);
    if std::env::var_os("DERAIL_DEBUG").is_some() {
        eprintln!(
            "[debug] finish {:.3}s, total {:.3}s",
            t_fin.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
    }
    ds.report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if ds.is_empty() {
        return Err(no_posts_error(ds, format, path_str));
    }
    Ok(ds)
}

/// Refuses an input that would not fit in the memory available (or the budget set).
fn check_memory(
    kind: &SourceKind,
    head: &Head,
    opts: &LoadOptions,
    path: &str,
) -> Result<(), LoadError> {
    let need = estimated_need(
        kind,
        head.format.is_json() && head.layout == JsonLayout::Document,
    );
    match opts.memory_budget.or_else(available_memory) {
        Some(avail) if need > avail => Err(LoadError::TooLarge {
            path: path.to_string(),
            need_mb: need >> 20,
            available_mb: avail >> 20,
        }),
        _ => Ok(()),
    }
}

/// A builder for the rows of `path`, its columns sized for an estimate of its posts, with
/// the warnings its head gives.
fn new_builder(
    path: &Path,
    kind: &SourceKind,
    format: Format,
    opts: &LoadOptions,
    path_str: &str,
) -> builder::DatasetBuilder {
    let mut report = LoadReport::new(path_str, format);
    report.naive_zone = opts.naive_zone.to_string();
    report.encoding = source_encoding_name(kind);
    report.bytes = kind.file_bytes;
    let mut builder = builder::DatasetBuilder::new(report);
    let bytes_per_post = if format.is_json() { 2000 } else { 150 };
    builder.reserve(((kind.file_bytes / bytes_per_post) as usize).min(50_000_000));
    let mut first_chunk = ChunkBuilder::new();
    first_chunk.warnings = head_warnings(path, format, kind);
    builder.append(first_chunk);
    builder
}

/// How the rows of a source were laid out, as its [`SourceInfo`] keeps it.
struct RowsLayout {
    columns: Vec<String>,
    delimiter: Option<u8>,
    header_span: Option<crate::model::RawSpan>,
    line_ending: String,
}

impl RowsLayout {
    fn source(
        self,
        path: &Path,
        format: Format,
        kind: &SourceKind,
        fingerprint: String,
    ) -> SourceInfo {
        SourceInfo {
            path: path.to_path_buf(),
            format,
            file_bytes: kind.file_bytes,
            fingerprint,
            columns: self.columns,
            delimiter: self.delimiter,
            compression: kind.compression.name().to_string(),
            encoding: source_encoding_name(kind),
            header_span: self.header_span,
            line_ending: self.line_ending,
        }
    }
}

/// Reads the JSON records of the input into `builder`.
fn read_json_rows(
    reader: &mut BlockReader,
    head: Head,
    opts: &LoadOptions,
    progress: &Progress,
    update: &dyn Fn(&Progress),
    builder: &mut builder::DatasetBuilder,
    path: &str,
) -> Result<RowsLayout, LoadError> {
    if let Some(p) = &head.paths {
        builder.report.mapping = p.csv.mapping.roles.clone();
    }
    let ctx = JsonContext {
        time_parser: head.json_tp,
        max_field_bytes: opts.max_field_bytes,
        format: head.format,
        paths: head.paths,
        slice: slice::RowTest::of(&opts.slice),
    };
    load_json(reader, head.layout, &ctx, opts, progress, update, builder).map_err(|_| {
        LoadError::Cancelled {
            path: path.to_string(),
        }
    })?;
    Ok(RowsLayout {
        columns: JSON_CORE_COLUMNS.iter().map(|s| s.to_string()).collect(),
        delimiter: None,
        header_span: None,
        line_ending: "\n".to_string(),
    })
}

/// Reads the delimited rows of the input into `builder`.
fn read_csv_rows(
    reader: &mut BlockReader,
    opts: &LoadOptions,
    progress: &Progress,
    update: &dyn Fn(&Progress),
    builder: &mut builder::DatasetBuilder,
    path: &str,
) -> Result<RowsLayout, LoadError> {
    let tp = TimeParser {
        naive_zone: opts.naive_zone.clone(),
        ..Default::default()
    };
    let (header, dialect, header_span, line_ending) =
        load_csv(reader, path, opts, &tp, progress, update, builder)?;
    builder.report.delimiter = Some(dialect.describe());
    builder.report.format_detail = format!("delimited text ({})", dialect.describe());
    Ok(RowsLayout {
        columns: header,
        delimiter: Some(dialect.delimiter),
        header_span,
        line_ending,
    })
}

/// A warning for a stream that broke off before its end (a truncated gzip), if it did.
fn read_error_warning(reader: &BlockReader) -> report::WarningSink {
    let mut warnings = report::WarningSink::default();
    if let Some(e) = &reader.read_error {
        warnings.add(
            "read_error",
            || format!("the file could not be read to its end ({e}); the rows before that point were loaded"),
            0,
        );
    }
    warnings
}

/// The source's kind, or the error for a file that holds no text.
fn text_source(kind: Result<SourceKind, NotText>, path: &str) -> Result<SourceKind, LoadError> {
    match kind {
        Ok(k) => Ok(k),
        Err(NotText::Empty) => Err(LoadError::Empty {
            path: path.to_string(),
        }),
        Err(NotText::Binary { what, offset }) => Err(LoadError::Binary {
            path: path.to_string(),
            what,
            offset,
        }),
    }
}

/// How to read an input, decided from its head.
struct Head {
    /// Given, or sniffed: JSON where the first non-blank byte opens an object or array.
    format: Format,
    /// For JSON: lines, or one document.
    layout: JsonLayout,
    /// For JSON of no known platform: its paths mapped to roles.
    paths: Option<Arc<json_paths::PathMapping>>,
    /// The time parser JSON timestamps are read with.
    json_tp: TimeParser,
}

/// Reads the head of the input and decides how to read the rest (see [`Head`]).
fn sniff_head(reader: &mut BlockReader, opts: &LoadOptions, path: &str) -> Result<Head, LoadError> {
    reader.fill(256 * 1024);
    let Some(first) = reader.buf.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(LoadError::NoRows {
            path: path.to_string(),
            what: "the file holds only blank space".into(),
        });
    };
    let looks_json = matches!(reader.buf[first], b'{' | b'[');
    // A first JSON value longer than the head: read on until it is whole (up to 64 MB).
    if looks_json && opts.format.is_none() {
        while json::detect_format(&reader.buf).is_none()
            && !reader.eof
            && reader.buf.len() < 64 << 20
        {
            let want = reader.buf.len() * 4;
            reader.fill(want);
        }
    }
    let mut json_tp = TimeParser {
        naive_zone: opts.naive_zone.clone(),
        epoch: crate::time::EpochPolicy::Any,
        ..Default::default()
    };
    let mut paths = None;
    let format = match opts.format {
        Some(f) => f,
        None if looks_json => json::detect_format(&reader.buf).unwrap_or(Format::GenericJson),
        None => Format::Csv,
    };
    if format == Format::GenericJson {
        let mapped =
            json_paths::map_paths(&reader.buf, &opts.overrides, &json_tp, opts.max_field_bytes);
        let mapped = mapped.map_err(|e| path_mapping_error(e, path, &reader.buf[first..]))?;
        json_tp = mapped.csv.time_parser.clone();
        paths = Some(mapped);
    }
    let layout = if format.is_json() {
        json::detect_layout(&reader.buf)
    } else {
        JsonLayout::Lines
    };
    Ok(Head {
        format,
        layout,
        paths,
        json_tp,
    })
}

/// Warnings known before a row is read: a name that says another format than the file
/// holds, a UTF-16 file transcoded.
fn head_warnings(path: &Path, format: Format, kind: &SourceKind) -> report::WarningSink {
    let mut warnings = report::WarningSink::default();
    let ext = folder::data_extension(path);
    let ext_says_json = matches!(ext.as_str(), "json" | "jsonl" | "ndjson");
    let ext_says_csv = matches!(ext.as_str(), "csv" | "tsv" | "tab" | "txt");
    if (format.is_json() && ext_says_csv) || (!format.is_json() && ext_says_json) {
        let what = if format.is_json() {
            "JSON"
        } else {
            "delimited text"
        };
        warnings.add(
            "extension_mismatch",
            || format!("the file is named .{ext} but holds {what}; it was read as {what}"),
            0,
        );
    }
    if matches!(
        kind.encoding,
        source::TextEncoding::Utf16Le { .. } | source::TextEncoding::Utf16Be { .. }
    ) {
        warnings.add(
            "utf16",
            || format!("the file is {}; it was transcoded to UTF-8 (byte offsets and exports refer to the UTF-8 text)", kind.encoding.name()),
            0,
        );
    }
    warnings
}

/// Reads the rest of a JSON input into `builder`: line by line, or as one document.
fn load_json(
    reader: &mut BlockReader,
    layout: JsonLayout,
    ctx: &JsonContext,
    opts: &LoadOptions,
    progress: &Progress,
    update: &dyn Fn(&Progress),
    builder: &mut builder::DatasetBuilder,
) -> Result<(), crate::progress::Cancelled> {
    match layout {
        JsonLayout::Lines => load_json_lines(reader, ctx, opts, progress, update, builder),
        JsonLayout::Document => {
            while !reader.eof {
                let want = (reader.buf.len() * 2).max(opts.block_bytes);
                reader.fill(want);
                update(progress);
                progress.check()?;
            }
            progress.begin("Parsing", 0);
            for c in json::convert_document(&reader.buf, ctx) {
                builder.append(c);
            }
            Ok(())
        }
    }
}

/// The error for an input that gave no posts: no rows at all, or only rejected ones.
fn no_posts_error(ds: Loaded, format: Format, path: String) -> LoadError {
    if ds.report.rows_in == 0 {
        let what = if format.is_json() {
            "it holds no posts".to_string()
        } else {
            "it has a header but no rows".to_string()
        };
        return LoadError::NoRows { path, what };
    }
    LoadError::NoPosts {
        path,
        report: Box::new(ds.report),
    }
}

/// The error for a JSON file whose paths could not be mapped to roles.
fn path_mapping_error(e: json_paths::PathMappingError, path: &str, head: &[u8]) -> LoadError {
    use json_paths::PathMappingError as E;
    let path = path.to_string();
    match e {
        E::NotObjects => LoadError::UnknownFormat {
            path,
            detail: format!(
                "it is JSON, but it holds no objects to read as posts; it starts {}",
                json::snippet(head)
            ),
        },
        E::NoText { paths } => LoadError::UnknownFormat {
            path,
            detail: format!(
                "it is JSON of no known format, and no path holds post text. Paths seen: {}. Choose one with --map text=PATH",
                paths.join(", ")
            ),
        },
        E::NoTime { paths } => LoadError::UnknownFormat {
            path,
            detail: format!(
                "it is JSON of no known format, and no path holds a readable time. Paths seen: {}. Choose one with --map time=PATH",
                paths.join(", ")
            ),
        },
        E::UnknownPath {
            role,
            path: p,
            paths,
        } => LoadError::UnknownColumn {
            path,
            role: role.name().to_string(),
            column: p,
            columns: paths,
        },
        E::NoUsableText { message } => LoadError::NoUsableText { path, message },
    }
}

fn source_encoding_name(kind: &SourceKind) -> String {
    let mut s = kind.encoding.name().to_string();
    if kind.is_compressed() {
        s.push_str(", ");
        s.push_str(kind.compression.name());
        if let Some(z) = &kind.zip_entry {
            s.push_str(&format!(" ({})", z.name));
        }
    }
    s
}

fn load_json_lines(
    reader: &mut BlockReader,
    ctx: &JsonContext,
    opts: &LoadOptions,
    progress: &Progress,
    update: &dyn Fn(&Progress),
    builder: &mut builder::DatasetBuilder,
) -> Result<(), crate::progress::Cancelled> {
    let mut pending: Vec<ChunkBuilder> = Vec::new();
    let mut line = 1u64;
    let mut block = opts.block_bytes;
    loop {
        reader.fill(block);
        if reader.buf.is_empty() {
            break;
        }
        let cut = if reader.eof {
            reader.buf.len()
        } else {
            match memchr::memrchr(b'\n', &reader.buf) {
                Some(p) => p + 1,
                None => {
                    block = reader.buf.len() * 2;
                    continue;
                }
            }
        };
        let (part, ()) = rayon::join(
            || json::convert_lines(&reader.buf[..cut], line, ctx),
            || pending.drain(..).for_each(|c| builder.append(c)),
        );
        pending = part;
        line += memchr::memchr_iter(b'\n', &reader.buf[..cut]).count() as u64;
        reader.consume(cut);
        block = opts.block_bytes;
        update(progress);
        progress.check()?;
    }
    pending.into_iter().for_each(|c| builder.append(c));
    Ok(())
}

/// A single record bigger than this is taken as an unclosed quote.
const MAX_RECORD_BYTES: usize = 256 << 20;

/// A block of whole records, scanned and ready to parse.
struct ScannedBlock {
    bytes: Vec<u8>,
    base: u64,
    /// 1-based line of each segment's first byte.
    first_lines: Vec<u64>,
    segments: Vec<csv_format::Segment>,
}

/// Reads the decoded stream block by block, cutting at record boundaries.
struct BlockSource<'a> {
    block: usize,
    seg_target: usize,
    /// 1-based line at the reader's position.
    line: u64,
    dialect: &'a Dialect,
}

impl BlockSource<'_> {
    /// The next block, and rows rejected before it (an unclosed quote).
    fn next(&mut self, reader: &mut BlockReader) -> (Option<ScannedBlock>, Vec<ChunkBuilder>) {
        let mut rejects = Vec::new();
        let mut want = self.block;
        loop {
            reader.fill(want);
            if reader.buf.is_empty() {
                return (None, rejects);
            }
            let (segments, used) =
                csv_format::scan_records(&reader.buf, self.dialect, reader.eof, self.seg_target);
            if used == 0 {
                if reader.buf.len() >= MAX_RECORD_BYTES {
                    // An unclosed quote: reject its first line and carry on after it.
                    let nl = memchr::memchr(b'\n', &reader.buf)
                        .map(|p| p + 1)
                        .unwrap_or(reader.buf.len());
                    let mut c = ChunkBuilder::new();
                    c.rows_in = 1;
                    c.reject(
                        self.line,
                        None,
                        report::RejectKind::FieldTooLarge,
                        format!(
                            "a quote opened on this line is not closed within {} MB",
                            MAX_RECORD_BYTES >> 20
                        ),
                        Some(crate::model::RawSpan {
                            start: reader.offset,
                            len: (nl - 1) as u32,
                        }),
                    );
                    rejects.push(c);
                    self.line += 1;
                    reader.consume(nl);
                    want = self.block;
                    continue;
                }
                want = reader.buf.len() * 2;
                continue;
            }
            let base = reader.offset;
            let bytes = reader.take_block(used);
            // Line of each segment's first byte (segments cover the block end to end).
            let mut first_lines = Vec::with_capacity(segments.len());
            let mut pos = 0;
            for s in &segments {
                self.line += memchr::memchr_iter(b'\n', &bytes[pos..s.start]).count() as u64;
                first_lines.push(self.line);
                pos = s.start;
            }
            self.line += memchr::memchr_iter(b'\n', &bytes[pos..]).count() as u64;
            return (
                Some(ScannedBlock {
                    bytes,
                    base,
                    first_lines,
                    segments,
                }),
                rejects,
            );
        }
    }
}

fn load_csv(
    reader: &mut BlockReader,
    path: &str,
    opts: &LoadOptions,
    base_tp: &TimeParser,
    progress: &Progress,
    update: &dyn Fn(&Progress),
    builder: &mut builder::DatasetBuilder,
) -> Result<(Vec<String>, Dialect, Option<crate::model::RawSpan>, String), LoadError> {
    let (mut dialect, header_seg, records) = read_csv_head(reader, path)?;
    let CsvHeader {
        header,
        sample,
        has_header,
        dup_names,
    } = name_columns(records, base_tp);
    if !has_header {
        dialect.has_header = false;
    }
    let mut mapping = mapping::map_columns(&header, &sample, &opts.overrides, base_tp)
        .map_err(|e| mapping_error(e, path, &header))?;
    if let Some(order) = opts.slash_order {
        mapping.slash_order = order;
        mapping.slash_order_guessed = false;
    }
    if mapping.get(Role::Text).is_none() {
        return Err(LoadError::NoTextColumn {
            path: path.to_string(),
            columns: header,
        });
    }
    if mapping.get(Role::Time).is_none() {
        return Err(LoadError::NoTimeColumn {
            path: path.to_string(),
            columns: header,
        });
    }
    builder.report.mapping = mapping.roles.clone();
    let time_parser = csv_format::time_parser_for(base_tp, &mapping);
    let ctx = CsvContext::new(
        dialect.clone(),
        header.clone(),
        mapping,
        time_parser,
        opts.max_field_bytes,
    )
    .with_slice(&opts.slice);
    builder.append(header_warnings(&dup_names, has_header));
    if ctx.mapping.slash_order_guessed {
        builder.append(slash_order_warning());
    }
    let head_bytes = &reader.buf[..header_seg.end];
    let line_ending = if head_bytes.ends_with(b"\r\n") {
        "\r\n"
    } else {
        "\n"
    }
    .to_string();
    let mut header_len = header_seg.end;
    while header_len > 0 && matches!(reader.buf[header_len - 1], b'\n' | b'\r') {
        header_len -= 1;
    }
    let header_span = has_header.then_some(crate::model::RawSpan {
        start: reader.offset,
        len: header_len as u32,
    });
    let mut line = 1u64;
    if has_header {
        line += memchr::memchr_iter(b'\n', &reader.buf[..header_seg.end]).count() as u64;
        reader.consume(header_seg.end);
    }
    parse_rows(reader, &ctx, line, opts, progress, update, builder).map_err(|_| {
        LoadError::Cancelled {
            path: path.to_string(),
        }
    })?;
    Ok((header, dialect, header_span, line_ending))
}

/// Reads enough of a delimited input to know its dialect (at least 50 records, or 16 MB,
/// or all of it) and returns the dialect, the header's segment and up to 101 records
/// (the header or first row, and a sample), decoded.
fn read_csv_head(
    reader: &mut BlockReader,
    path: &str,
) -> Result<(Dialect, csv_format::Segment, Vec<Vec<String>>), LoadError> {
    let mut dialect = csv_format::sniff_dialect(&reader.buf, reader.eof);
    loop {
        let (segs, used) = csv_format::scan_records(&reader.buf, &dialect, reader.eof, 1);
        if segs.len() >= 50
            || reader.eof
            || reader.buf.len() >= 16 << 20
            || used == reader.buf.len()
        {
            break;
        }
        let want = reader.buf.len() * 2;
        reader.fill(want);
        dialect = csv_format::sniff_dialect(&reader.buf, reader.eof);
    }
    let (segs, _) = csv_format::scan_records(&reader.buf, &dialect, reader.eof, 1);
    let Some(header_seg) = segs.first().cloned() else {
        return Err(LoadError::NoRows {
            path: path.to_string(),
            what: "it holds no complete line".into(),
        });
    };
    let mut rdr = dialect.reader_builder().from_reader(&reader.buf[..]);
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut rec = csv::ByteRecord::new();
    let sample_end = segs.get(101).map(|s| s.end).unwrap_or(usize::MAX);
    while records.len() < 101 {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {
                if rec
                    .position()
                    .is_some_and(|p| p.byte() as usize >= sample_end)
                {
                    break;
                }
                records.push(
                    rec.iter()
                        .map(|f| csv_format::decode_field(f).into_owned())
                        .collect(),
                );
            }
            _ => break,
        }
    }
    Ok((dialect, header_seg, records))
}

/// A delimited file's column names and the sample of rows they are mapped with.
struct CsvHeader {
    header: Vec<String>,
    sample: Vec<Vec<String>>,
    /// False for a headerless file (its first line is data; columns are `column_N`).
    has_header: bool,
    /// Names given to more than one column (later ones get a `_2`, `_3` suffix).
    dup_names: Vec<String>,
}

/// Names the columns from the head's first record: a headerless file (no name fits any
/// role, and the first row reads as data) gets `column_1`, `column_2`, …; duplicate names
/// get a suffix so each can be mapped.
fn name_columns(records: Vec<Vec<String>>, base_tp: &TimeParser) -> CsvHeader {
    let mut header: Vec<String> = records.first().cloned().unwrap_or_default();
    for h in &mut header {
        *h = h.trim().trim_start_matches('\u{feff}').to_string();
    }
    let mut sample: Vec<Vec<String>> = records.into_iter().skip(1).collect();
    let no_name_fits = header.iter().all(|h| {
        mapping::map_columns(std::slice::from_ref(h), &[], &[], base_tp)
            .map(|m| m.roles.is_empty())
            .unwrap_or(true)
    });
    let first_row_is_data = header.iter().any(|h| base_tp.parse(h).is_some());
    let has_header = !(no_name_fits && first_row_is_data);
    if !has_header {
        sample.insert(0, header.clone());
        header = (1..=header.len()).map(|i| format!("column_{i}")).collect();
    }
    let mut seen = std::collections::HashMap::new();
    let mut dup_names = Vec::new();
    for h in &mut header {
        let n = seen.entry(h.clone()).or_insert(0usize);
        *n += 1;
        if *n > 1 {
            dup_names.push(h.clone());
            *h = format!("{h}_{n}");
        }
    }
    CsvHeader {
        header,
        sample,
        has_header,
        dup_names,
    }
}

/// The warnings about a delimited file's header: renamed duplicates, no header at all.
/// The month-first guess for slash dates, shown as a guess.
fn slash_order_warning() -> ChunkBuilder {
    let mut pre = ChunkBuilder::new();
    pre.warnings.add(
        "slash_order_guessed",
        || {
            "dates such as 03/04/2020 were read month first (March 4): the rows sampled to map \
             the file could be read either way and no row read said otherwise"
                .into()
        },
        1,
    );
    pre
}

fn header_warnings(dup_names: &[String], has_header: bool) -> ChunkBuilder {
    let mut pre = ChunkBuilder::new();
    if !dup_names.is_empty() {
        pre.warnings.add(
            "duplicate_headers",
            || {
                format!(
                    "duplicate column names ({}); later ones were renamed with a _2, _3 suffix",
                    dup_names.join(", ")
                )
            },
            1,
        );
    }
    if !has_header {
        pre.warnings.add(
            "no_header",
            || {
                "the first line is data, not a header; columns are named column_1, column_2, ..."
                    .into()
            },
            1,
        );
    }
    pre
}

/// Parses the rows of a delimited input from `reader` (its first row on line `line`) into
/// `builder`, as a pipeline: while one block is parsed (in parallel), the reader reads and
/// scans the next one and the builder appends the previous one's chunks.
fn parse_rows(
    reader: &mut BlockReader,
    ctx: &CsvContext,
    line: u64,
    opts: &LoadOptions,
    progress: &Progress,
    update: &dyn Fn(&Progress),
    builder: &mut builder::DatasetBuilder,
) -> Result<(), crate::progress::Cancelled> {
    let mut timing = (0.0f64, 0.0f64);
    let append_s = std::sync::Mutex::new(0.0f64);
    let mut pending: Vec<ChunkBuilder> = Vec::new();
    progress.begin("Loading", builder.report.bytes);
    // Segments of 1 MB: small enough that both cores stay busy to the end of each
    // block, large enough that merging chunk-local interners stays cheap.
    let seg_target = (opts.block_bytes / 16).max(64 << 10);
    let mut reading = BlockSource {
        block: opts.block_bytes,
        seg_target,
        line,
        dialect: &ctx.dialect,
    };
    let (mut cur, mut rejects) = reading.next(reader);
    rejects.into_iter().for_each(|c| builder.append(c));
    while let Some(b) = cur {
        let t_par = Instant::now();
        let (part, ((next, next_rejects), ())) = rayon::join(
            || csv_format::parse_block(&b.bytes, b.base, &b.first_lines, &b.segments, ctx),
            || {
                rayon::join(
                    || reading.next(reader),
                    || {
                        let t = Instant::now();
                        pending.drain(..).for_each(|c| builder.append(c));
                        if let Ok(mut a) = append_s.lock() {
                            *a += t.elapsed().as_secs_f64();
                        }
                    },
                )
            },
        );
        timing.1 += t_par.elapsed().as_secs_f64();
        pending = part;
        pending.extend(next_rejects);
        reader.recycle(b.bytes);
        cur = next;
        update(progress);
        progress.check()?;
    }
    rejects = std::mem::take(&mut pending);
    rejects.into_iter().for_each(|c| builder.append(c));
    if std::env::var_os("DERAIL_DEBUG").is_some() {
        eprintln!(
            "[debug] csv parse+append {:.3}s (append {:.3}s)",
            timing.1,
            append_s.lock().map(|a| *a).unwrap_or(0.0)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn load_bytes(bytes: &[u8], name: &str) -> Result<Loaded, LoadError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        load_path(&p, &LoadOptions::default(), &Progress::new())
    }

    #[test]
    fn small_csv_loads_with_accounting() {
        let csv = "id,created_at,user,text\n\
                   1,2020-06-03 02:14:07,alice,hello #BTS world\n\
                   2,,bob,no time here\n\
                   3,2020-06-03 02:15:07,carol,\"multi\nline #Tag\"\n\
                   4,2020-06-03 02:16:07\n";
        let ds = load_bytes(csv.as_bytes(), "a.csv").unwrap();
        let r = &ds.report;
        assert_eq!((r.rows_in, r.loaded, r.rejected), (4, 2, 2), "{r:#?}");
        assert!(r.balanced());
        assert_eq!(r.rejections[0].line, 3);
        assert_eq!(r.rejections[0].kind, report::RejectKind::MissingTimestamp);
        assert_eq!(r.rejections[1].line, 6);
        assert_eq!(r.rejections[1].kind, report::RejectKind::RaggedRow);
        assert_eq!(ds.text(1), "multi\nline #Tag");
        assert_eq!(ds.hashtags(0).collect::<Vec<_>>(), ["bts"]);
        assert_eq!(ds.hashtag_spellings(1).collect::<Vec<_>>(), ["Tag"]);
        assert_eq!(ds.lines, vec![2u32, 4]);
        assert_eq!(ds.handle(0), "alice");
    }

    /// Every JSON format tells a missing timestamp from an unreadable one, and names the
    /// field, the post and the line.
    #[test]
    fn json_formats_tell_missing_from_unreadable_timestamps() {
        let cases: [(&str, [&str; 3]); 5] = [
            (
                "snscrape",
                [
                    r#"{"_type":"snscrape.modules.twitter.Tweet","id":1,"date":"2020-06-03T02:14:07+00:00","rawContent":"ok","user":{"username":"a"}}"#,
                    r#"{"_type":"snscrape.modules.twitter.Tweet","id":2,"date":"last tuesday","rawContent":"bad","user":{"username":"a"}}"#,
                    r#"{"_type":"snscrape.modules.twitter.Tweet","id":3,"rawContent":"none","user":{"username":"a"}}"#,
                ],
            ),
            (
                "mastodon",
                [
                    r#"{"id":"1","created_at":"2020-06-03T02:14:07Z","content":"<p>ok</p>","account":{"acct":"a"}}"#,
                    r#"{"id":"2","created_at":"soon","content":"<p>bad</p>","account":{"acct":"a"}}"#,
                    r#"{"id":"3","created_at":"  ","content":"<p>none</p>","account":{"acct":"a"}}"#,
                ],
            ),
            (
                "bluesky",
                [
                    r#"{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a","handle":"a.bsky.social"},"record":{"text":"ok","createdAt":"2020-06-03T02:14:07Z"}}"#,
                    r#"{"uri":"at://did:plc:a/app.bsky.feed.post/2","author":{"did":"did:plc:a","handle":"a.bsky.social"},"record":{"text":"bad","createdAt":"2020-13-45T99:00:00Z"}}"#,
                    r#"{"uri":"at://did:plc:a/app.bsky.feed.post/3","author":{"did":"did:plc:a","handle":"a.bsky.social"},"record":{"text":"none"}}"#,
                ],
            ),
            (
                "twitter v1",
                [
                    r#"{"id_str":"1","created_at":"Wed Jun 03 02:14:07 +0000 2020","text":"ok","user":{"screen_name":"a"}}"#,
                    r#"{"id_str":"2","created_at":"Wed Jun 99","text":"bad","user":{"screen_name":"a"}}"#,
                    r#"{"id_str":"3","text":"none","user":{"screen_name":"a"}}"#,
                ],
            ),
            (
                "twarc2 flat",
                [
                    r#"{"id":"1","created_at":"2020-06-03T02:14:07.000Z","text":"ok","author_id":"9"}"#,
                    r#"{"id":"2","created_at":"yesterday","text":"bad","author_id":"9"}"#,
                    r#"{"id":"3","created_at":"","text":"none","author_id":"9"}"#,
                ],
            ),
        ];
        for (format, lines) in cases {
            let jsonl = lines.join("\n") + "\n";
            let ds = load_bytes(jsonl.as_bytes(), "posts.jsonl")
                .unwrap_or_else(|e| panic!("{format}: {e}"));
            let r = &ds.report;
            assert_eq!(
                (r.rows_in, r.loaded, r.rejected),
                (3, 1, 2),
                "{format}: {r:#?}"
            );
            let kinds: Vec<_> = r.rejections.iter().map(|x| (x.line, x.kind)).collect();
            assert_eq!(
                kinds,
                [
                    (2, report::RejectKind::BadTimestamp),
                    (3, report::RejectKind::MissingTimestamp)
                ],
                "{format}: {r:#?}"
            );
            assert!(
                r.rejections[0].reason.contains("unreadable"),
                "{format}: {r:#?}"
            );
            assert!(r.rejections[0].reason.contains('2'), "{format}: {r:#?}");
        }
    }

    #[test]
    fn clear_errors_name_the_file() {
        let e = load_bytes(b"", "empty.csv").unwrap_err();
        assert!(
            e.to_string().contains("empty.csv") && e.to_string().contains("empty"),
            "{e}"
        );
        let e = load_bytes(b"a,b,c\n1,2,3\n", "nocols.csv").unwrap_err();
        assert!(
            matches!(
                e,
                LoadError::NoTextColumn { .. } | LoadError::NoTimeColumn { .. }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("a, b, c"), "{e}");
        let e = load_bytes(b"id,created_at,text\n", "header_only.csv").unwrap_err();
        assert!(e.to_string().contains("header but no rows"), "{e}");
        let e = load_bytes(
            b"\x00\x01\x02\x03\x04\x05\x06\x07\x08binary\x00\x00\x00\x0e\x0f",
            "bin.csv",
        )
        .unwrap_err();
        assert!(matches!(e, LoadError::Binary { .. }), "{e}");
    }

    #[test]
    fn too_large_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        std::fs::write(&p, "id,created_at,text\n1,2020-01-01,x y\n").unwrap();
        let opts = LoadOptions {
            memory_budget: Some(1000),
            ..Default::default()
        };
        let e = load_path(&p, &opts, &Progress::new()).unwrap_err();
        assert!(matches!(e, LoadError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("big.csv"));
    }

    #[test]
    fn cancel_stops_a_load() {
        let p = Progress::new();
        p.cancel();
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.csv");
        std::fs::write(&f, "id,created_at,text\n1,2020-01-01,x y\n").unwrap();
        let e = load_path(&f, &LoadOptions::default(), &p).unwrap_err();
        assert!(matches!(e, LoadError::Cancelled { .. }));
    }
}
