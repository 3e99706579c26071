//! A dataset of many files: a folder (searched recursively) or a list of paths. Each file
//! is read in its own format, as if opened alone; the posts are then put together in path
//! order, each remembering its file and line.
//!
//! **The rule for repeats:** a post id seen in an earlier file (in path order) is loaded
//! from that file only; the later rows with that id are not loaded and are reported, with
//! their file and line, as "repeat of a post in an earlier file". Repeats within one file
//! keep the single-file rule (every row kept, addressed as `ID#N`). So rows in = loaded +
//! rejected still holds over the whole dataset.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::load::Loaded;
use crate::load::builder::{ChunkBuilder, DatasetBuilder, PostRecord};
use crate::load::report::{LoadReport, RejectKind, Rejection, WarningSink};
use crate::load::{LoadError, LoadOptions, parquet_format, partitions};
use crate::model::{Dataset, Format, ID_NONE, IdStrings, SourceInfo};
use crate::progress::Progress;
use rayon::prelude::*;

/// Extensions of files a folder's datasets are read from (before any compression suffix).
const DATA_EXTENSIONS: [&str; 8] = [
    "csv", "tsv", "tab", "txt", "json", "jsonl", "ndjson", "parquet",
];
const COMPRESSED: [&str; 5] = ["gz", "zst", "bz2", "xz", "zip"];

/// Whether a file in a folder is one to read: a data extension, possibly compressed, and
/// not derail's own side files (ground truth, reports, exports, journals) or hidden ones.
fn is_data_file(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with('.')
        || name.contains(".truth.")
        || name.ends_with(".journal")
        || name.contains(".derail-")
        || name.starts_with("derail-")
    {
        return false;
    }
    // A zip archive is read whatever it holds.
    lower_extension(p) == "zip" || DATA_EXTENSIONS.contains(&data_extension(p).as_str())
}

/// A file's extension, lower-case ("" for none).
fn lower_extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// A file's extension, lower-case, looking through a compression suffix
/// (`posts.jsonl.gz` → `jsonl`; "" for none).
pub(crate) fn data_extension(path: &Path) -> String {
    let ext = lower_extension(path);
    if COMPRESSED.contains(&ext.as_str()) {
        path.file_stem()
            .map(|s| lower_extension(Path::new(s)))
            .unwrap_or_default()
    } else {
        ext
    }
}

/// The data files under `dir`, recursively, in path order; and the other files skipped.
pub fn data_files(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_dir() {
                if !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
                {
                    stack.push(p);
                }
            } else if is_data_file(&p) {
                files.push(p);
            } else {
                skipped.push(p);
            }
        }
    }
    files.sort();
    skipped.sort();
    Ok((files, skipped))
}

/// Loads every data file under `dir` as one dataset.
pub fn load_folder(
    dir: &Path,
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let path = dir.display().to_string();
    let (files, skipped) = data_files(dir).map_err(|e| LoadError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    if files.is_empty() {
        return Err(LoadError::NoRows {
            path,
            what: format!(
                "the folder holds no data files (.csv, .tsv, .json, .jsonl, .ndjson, possibly compressed){}",
                if skipped.is_empty() {
                    String::new()
                } else {
                    format!("; it holds {} other files", skipped.len())
                }
            ),
        });
    }
    load_files(dir, &files, &skipped, opts, progress)
}

/// Loads several files as one dataset. `root` names the dataset (a folder, or the first
/// file's folder); file names in the dataset are relative to it.
pub fn load_files(
    root: &Path,
    files: &[PathBuf],
    skipped: &[PathBuf],
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let started = std::time::Instant::now();
    let mut read = read_each_file(root, files, opts, progress)?;
    if read.parts.is_empty() {
        return Err(read.no_part_error(root, opts));
    }
    let notes = FolderNotes::new(root, &read.unreadable, skipped, read.ruled_out, opts);
    if read.parts.len() == 1 {
        let (name, ds) = read.parts.remove(0);
        return Ok(the_only_file(root, &name, ds, notes));
    }
    let report = folder_report(root, &read.parts, &notes.detail, opts);
    let mut builder = DatasetBuilder::new(report);
    let mut pre = ChunkBuilder::new();
    pre.warnings = notes.warnings;
    pre.rows_in += notes.rows_ruled_out;
    pre.outside_slice += notes.rows_ruled_out;
    builder.append(pre);
    let joined = join_parts(read.parts, &mut builder);
    let source = folder_source(root, &builder, joined.fingerprint);
    let mut ds = builder.finish(source);
    ds.files = joined.names;
    ds.file_of = joined.file_of;
    ds.report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(ds)
}

/// Each file of a folder read alone: those read (named relative to the root), the errors
/// of those that could not be, and the Parquet files (and their rows) whose hive
/// partition values put them outside the slice, which are not opened.
struct FileParts {
    parts: Vec<(String, Loaded)>,
    unreadable: Vec<String>,
    last_error: Option<LoadError>,
    ruled_out: (u64, u64),
}

fn read_each_file(
    root: &Path,
    files: &[PathBuf],
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<FileParts, LoadError> {
    let name_of = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let mut read = FileParts {
        parts: Vec::new(),
        unreadable: Vec::new(),
        last_error: None,
        ruled_out: (0, 0),
    };
    for f in files {
        let partition = partitions::values(root, f);
        if !opts.slice.is_empty()
            && parquet_format::is_parquet_file(f)
            && partitions::rule_out(&partition, &opts.slice)
            && let Ok(rows) = parquet_format::row_count(f)
        {
            read.ruled_out.0 += 1;
            read.ruled_out.1 += rows;
            continue;
        }
        match crate::load::load_file_in_partition(f, &partition, opts, progress) {
            Ok(ds) => read.parts.push((name_of(f), ds)),
            Err(LoadError::Cancelled { .. }) => {
                return Err(LoadError::Cancelled {
                    path: root.display().to_string(),
                });
            }
            Err(e) => {
                read.unreadable.push(e.to_string());
                read.last_error = Some(e);
            }
        }
    }
    Ok(read)
}

impl FileParts {
    /// Why no file gave posts: the last file's error, or that the slice ruled all out.
    fn no_part_error(self, root: &Path, opts: &LoadOptions) -> LoadError {
        let files_ruled_out = self.ruled_out.0;
        self.last_error.unwrap_or_else(|| LoadError::NoRows {
            path: root.display().to_string(),
            what: if files_ruled_out > 0 {
                format!(
                    "no file of the folder can hold the slice {}: the partitions of all {} files rule it out",
                    opts.slice.describe(),
                    files_ruled_out
                )
            } else {
                "no file could be read".into()
            },
        })
    }
}

/// The report a folder's dataset starts from: its formats, size and encoding.
fn folder_report(
    root: &Path,
    parts: &[(String, Loaded)],
    notes_detail: &str,
    opts: &LoadOptions,
) -> LoadReport {
    let mut report = LoadReport::new(&root.display().to_string(), Format::Folder);
    let mut formats: Vec<&str> = parts
        .iter()
        .map(|(_, d)| d.source.format.description())
        .collect();
    formats.sort_unstable();
    formats.dedup();
    report.format_detail = format!("a folder of {} files ({})", parts.len(), formats.join(", "));
    report.format_detail.push_str(notes_detail);
    report.naive_zone = opts.naive_zone.to_string();
    report.bytes = parts.iter().map(|(_, d)| d.source.file_bytes).sum();
    report.encoding = parts[0].1.report.encoding.clone();
    report
}

/// The files' posts put together in path order: each post's file, the files' names and
/// a fingerprint of them all.
struct JoinedFiles {
    file_of: Vec<u16>,
    names: Vec<String>,
    fingerprint: u64,
}

fn join_parts(parts: Vec<(String, Loaded)>, builder: &mut DatasetBuilder) -> JoinedFiles {
    let mut first_seen = FirstSeen::default();
    let mut file_of: Vec<u16> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut prints = xxhash_rust::xxh3::Xxh3::new();
    for (k, (name, ds)) in parts.into_iter().enumerate() {
        let k = k as u16;
        prints.update(name.as_bytes());
        prints.update(ds.source.fingerprint.as_bytes());
        let (chunks, kept) = chunks_of(&name, &ds, &names, k, &mut first_seen);
        file_of.extend(std::iter::repeat_n(k, kept));
        names.push(name);
        chunks.into_iter().for_each(|c| builder.append(c));
    }
    JoinedFiles {
        file_of,
        names,
        fingerprint: prints.digest(),
    }
}

fn folder_source(root: &Path, builder: &DatasetBuilder, fingerprint: u64) -> SourceInfo {
    SourceInfo {
        path: root.to_path_buf(),
        format: Format::Folder,
        file_bytes: builder.report.bytes,
        fingerprint: format!("{fingerprint:016x}"),
        columns: crate::load::JSON_CORE_COLUMNS
            .iter()
            .map(|s| s.to_string())
            .chain(["source_file".to_string()])
            .collect(),
        delimiter: None,
        compression: String::new(),
        encoding: builder.report.encoding.clone(),
        header_span: None,
        line_ending: "\n".into(),
    }
}

/// What a folder adds to the report of the posts read from it: the files that could not
/// be read and those left out (as warnings), and the Parquet files its partitions ruled
/// out of the slice (a note on the format, and their rows, outside the slice).
struct FolderNotes {
    warnings: WarningSink,
    detail: String,
    rows_ruled_out: u64,
}

impl FolderNotes {
    fn new(
        root: &Path,
        unreadable: &[String],
        skipped: &[PathBuf],
        (files_ruled_out, rows_ruled_out): (u64, u64),
        opts: &LoadOptions,
    ) -> FolderNotes {
        let mut warnings = WarningSink::default();
        for e in unreadable {
            warnings.add(
                &format!("unreadable_file: {e}"),
                || format!("a file of the folder could not be read and was left out: {e}"),
                0,
            );
        }
        if !skipped.is_empty() {
            let list: Vec<String> = skipped
                .iter()
                .take(10)
                .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
                .collect();
            warnings.add(
                "skipped_files",
                || {
                    format!(
                        "files that are not data files were left out: {}",
                        list.join(", ")
                    )
                },
                0,
            );
            if let Some(w) = warnings.get_mut("skipped_files") {
                w.count = skipped.len() as u64;
            }
        }
        let detail = if files_ruled_out > 0 {
            format!(
                "; the slice {} left {files_ruled_out} Parquet files ({rows_ruled_out} rows) unopened by their partitions",
                opts.slice.describe()
            )
        } else {
            String::new()
        };
        FolderNotes {
            warnings,
            detail,
            rows_ruled_out,
        }
    }
}

/// A folder that holds one readable data file is that file: its posts as they were
/// loaded (not copied into a dataset of their own), its columns in the export, with what
/// the folder adds (see [`FolderNotes`]) in its report.
fn the_only_file(root: &Path, name: &str, mut ds: Loaded, notes: FolderNotes) -> Loaded {
    let r = &mut ds.report;
    r.format_detail.push_str(&format!(
        "; {name}, the only readable data file of the folder {}",
        root.display()
    ));
    r.format_detail.push_str(&notes.detail);
    r.warnings.extend(notes.warnings.into_vec());
    r.rows_in += notes.rows_ruled_out;
    r.outside_slice += notes.rows_ruled_out;
    ds
}

/// The file (its place in path order) each post id was first seen in: numeric ids by
/// number, others by their text.
#[derive(Default)]
struct FirstSeen {
    numbers: FxHashMap<u64, u16>,
    strings: FxHashMap<String, u16>,
}

impl FirstSeen {
    /// The earlier file that holds post `i`'s id, or `None` after noting this file as
    /// the id's first.
    fn earlier(&mut self, ds: &Dataset, i: usize, file: u16) -> Option<u16> {
        let code = ds.ids[i];
        if code == ID_NONE {
            return None;
        }
        let first = if IdStrings::is_string(code) {
            let id = ds.id(i);
            match self.strings.get(id.as_ref()) {
                Some(&f) => f,
                None => {
                    self.strings.insert(id.into_owned(), file);
                    file
                }
            }
        } else {
            *self.numbers.entry(code).or_insert(file)
        };
        (first != file).then_some(first)
    }
}

/// Posts re-emitted per parallel chunk.
const MERGE_CHUNK: usize = 64 * 1024;

/// One file's posts as chunks of the folder's dataset, without the posts an earlier file
/// already holds; returns the chunks and how many posts they keep. The repeats are found
/// in order, then the kept posts are re-emitted in parallel chunks.
fn chunks_of(
    name: &str,
    ds: &Loaded,
    earlier: &[String],
    file: u16,
    first_seen: &mut FirstSeen,
) -> (Vec<ChunkBuilder>, usize) {
    let mut c = ChunkBuilder::new();
    let r = &ds.report;
    c.rows_in = r.rows_in;
    c.outside_slice = r.outside_slice;
    c.rejected = r.rejected;
    c.naive_timestamps = r.naive_timestamps;
    for (kind, n) in &r.rejected_by_kind {
        if let Some(k) = RejectKind::from_name(kind) {
            *c.rejected_by_kind.entry(k).or_default() += n;
        }
    }
    c.rejections = r
        .rejections
        .iter()
        .map(|x| Rejection {
            file: Some(name.to_string()),
            ..x.clone()
        })
        .collect();
    for w in &r.warnings {
        let code = format!("{name}: {}", w.code);
        c.warnings
            .add(&code, || format!("in {name}: {}", w.message), 0);
        if let Some(mine) = c.warnings.get_mut(&code) {
            mine.count = w.count;
            mine.lines = w.lines.clone();
        }
    }
    let mut kept: Vec<usize> = Vec::with_capacity(ds.len());
    for i in 0..ds.len() {
        let Some(f) = first_seen.earlier(ds, i, file) else {
            kept.push(i);
            continue;
        };
        c.reject(
            ds.line(i),
            None,
            RejectKind::RepeatedPost,
            format!(
                "post {} is also in {}, which comes first; it is loaded from there",
                ds.id(i),
                earlier
                    .get(f as usize)
                    .map(String::as_str)
                    .unwrap_or("an earlier file")
            ),
            None,
        );
        if let Some(last) = c.rejections.last_mut() {
            last.file = Some(name.to_string());
        }
    }
    let mut chunks = vec![c];
    chunks.par_extend(kept.par_chunks(MERGE_CHUNK).map(|part| {
        let mut p = ChunkBuilder::with_capacity(part.len(), 0);
        for &i in part {
            p.push(PostRecord::of_post(ds, i, None));
        }
        p
    }));
    (chunks, kept.len())
}

/// Whether `name` matches a shell pattern of `*` (any run) and `?` (one character).
fn glob_match(pattern: &[char], name: &[char]) -> bool {
    match (pattern.first(), name.first()) {
        (None, None) => true,
        (Some('*'), _) => {
            glob_match(&pattern[1..], name) || (!name.is_empty() && glob_match(pattern, &name[1..]))
        }
        (Some('?'), Some(_)) => glob_match(&pattern[1..], &name[1..]),
        (Some(p), Some(n)) if p == n => glob_match(&pattern[1..], &name[1..]),
        _ => false,
    }
}

/// A quoted glob (`'data/2024-06-*.jsonl.zst'`): the files of its folder whose names match
/// its last part, in path order. `None` when `path` is not a pattern.
pub fn expand_glob(path: &Path) -> Option<std::io::Result<Vec<PathBuf>>> {
    let name = path.file_name()?.to_str()?;
    if !name.contains(['*', '?']) || path.exists() {
        return None;
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pattern: Vec<char> = name.chars().collect();
    Some(std::fs::read_dir(dir).map(|entries| {
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| glob_match(&pattern, &n.chars().collect::<Vec<_>>()))
            })
            .collect();
        files.sort();
        files
    }))
}

/// Loads the files, folders and globs named on a command line as one dataset: files in
/// the order given (a folder's or a glob's files in path order), a file named twice read
/// once, repeats across files under the folder rule (an id from an earlier file wins).
/// One path loads as [`crate::load::load_path`] does.
pub fn load_paths(
    paths: &[PathBuf],
    opts: &LoadOptions,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    crate::load::Source::of_paths(paths)?.load(opts, progress)
}

/// The deepest folder holding every file (`.` when they share none).
pub(crate) fn common_folder(files: &[PathBuf]) -> PathBuf {
    fn parent(f: &Path) -> Vec<std::path::Component<'_>> {
        f.parent()
            .map(|p| p.components().collect())
            .unwrap_or_default()
    }
    let mut common = parent(&files[0]);
    for f in &files[1..] {
        let other = parent(f);
        let n = common
            .iter()
            .zip(&other)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(n);
    }
    if common.is_empty() {
        PathBuf::from(".")
    } else {
        common.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_data_files() {
        let m = |p: &str, n: &str| {
            glob_match(
                &p.chars().collect::<Vec<_>>(),
                &n.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("*.jsonl", "a.jsonl"));
        assert!(m("2024-06-*.csv.zst", "2024-06-01.csv.zst"));
        assert!(m("part?.csv", "part1.csv"));
        assert!(!m("part?.csv", "part10.csv"));
        assert!(!m("*.csv", "a.csv.truth.json"));
        for (name, data) in [
            ("a.csv", true),
            ("a.jsonl.zst", true),
            ("dump.zip", true),
            ("POSTS.CSV.GZ", true),
            ("backup.tar.gz", false),
            ("x.gz", false),
            ("a.csv.truth.json", false),
            ("a.csv.derail-labels.jsonl", false),
            (".hidden.csv", false),
            ("README.md", false),
            ("notes", false),
        ] {
            assert_eq!(is_data_file(Path::new(name)), data, "{name}");
        }
    }
}
