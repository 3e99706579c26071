//! Background work: loading, analysis and row filtering run on worker threads and report
//! over channels; the UI drains them each frame and never blocks.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::analysis::{Analysis, AnalysisConfig, analyze};
use crate::load::Loaded;
use crate::load::folder::load_paths;
use crate::load::{LoadError, LoadOptions};
use crate::model::Dataset;
use crate::progress::Progress;

/// A failed load, ready for the error panel.
#[derive(Debug, Clone)]
pub struct LoadFailure {
    pub path: PathBuf,
    pub message: String,
    pub line: Option<u64>,
    /// The offending line, quoted from the file.
    pub quoted: Option<String>,
    /// Columns of a delimited file whose roles could not be found (offer the mapping panel).
    pub columns: Option<Vec<String>>,
}

impl LoadFailure {
    pub fn from_error(path: &Path, e: &LoadError) -> LoadFailure {
        let line = e.line();
        let columns = match e {
            LoadError::NoTextColumn { columns, .. }
            | LoadError::NoTimeColumn { columns, .. }
            | LoadError::UnknownColumn { columns, .. } => Some(columns.clone()),
            _ => None,
        };
        LoadFailure {
            path: path.to_path_buf(),
            message: e.to_string(),
            line,
            quoted: line.and_then(|l| quote_line(path, l)),
            columns,
        }
    }
}

/// Line `n` (1-based) of a file's decoded text, shortened for display.
pub fn quote_line(path: &Path, n: u64) -> Option<String> {
    use std::io::Read;
    let kind = crate::load::source::sniff_source(path).ok()?.ok()?;
    let mut r = crate::load::source::open_decoded(path, &kind, Default::default()).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let mut line = 1u64;
    let mut out = Vec::new();
    loop {
        let got = r.read(&mut buf).ok()?;
        if got == 0 {
            break;
        }
        for &b in &buf[..got] {
            if b == b'\n' {
                line += 1;
                if line > n {
                    break;
                }
                continue;
            }
            if line == n && out.len() < 2000 {
                out.push(b);
            }
        }
        if line > n {
            break;
        }
    }
    let s = String::from_utf8_lossy(&out)
        .trim_end_matches('\r')
        .to_string();
    (!s.is_empty()).then_some(s)
}

/// Messages from a load-and-analyse job.
pub enum JobMsg {
    Loaded {
        ds: Arc<Loaded>,
        keys: Arc<FxHashMap<String, u32>>,
        seconds: f64,
    },
    Analysed {
        an: Arc<Analysis>,
        seconds: f64,
    },
    Failed(LoadFailure),
    Cancelled,
}

pub struct Job {
    /// The first input (named in messages and the recent list).
    pub path: PathBuf,
    /// Every input of the dataset being opened: files, folders or globs.
    pub paths: Vec<PathBuf>,
    pub progress: Progress,
    pub rx: Receiver<JobMsg>,
    pub started: Instant,
}

/// Post keys → post index, for resolving labels.
pub fn key_index(ds: &Dataset) -> FxHashMap<String, u32> {
    let mut m = FxHashMap::default();
    m.reserve(ds.len());
    for i in 0..ds.len() {
        m.insert(ds.post_key(i), i as u32);
    }
    m
}

fn send(tx: &Sender<JobMsg>, ctx: &egui::Context, msg: JobMsg) {
    let _ = tx.send(msg);
    ctx.request_repaint();
}

/// Loads `paths` as one dataset (a file, a folder, several files), then analyses it.
pub fn start_load(
    paths: Vec<PathBuf>,
    opts: LoadOptions,
    config: AnalysisConfig,
    ctx: egui::Context,
) -> Job {
    let (tx, rx) = channel();
    let progress = Progress::new();
    let p = progress.clone();
    let path = paths.first().cloned().unwrap_or_default();
    let job_path = path.clone();
    let job_paths = paths.clone();
    std::thread::spawn(move || {
        let t = Instant::now();
        let ds = match load_paths(&paths, &opts, &p) {
            Ok(ds) => Arc::new(ds),
            Err(LoadError::Cancelled { .. }) => return send(&tx, &ctx, JobMsg::Cancelled),
            Err(e) => {
                return send(
                    &tx,
                    &ctx,
                    JobMsg::Failed(LoadFailure::from_error(&path, &e)),
                );
            }
        };
        p.begin("Indexing posts", 0);
        let keys = Arc::new(key_index(&ds));
        // The post table's default order, sorted here so the UI thread never does.
        ds.time_order();
        send(
            &tx,
            &ctx,
            JobMsg::Loaded {
                ds: ds.clone(),
                keys,
                seconds: t.elapsed().as_secs_f64(),
            },
        );
        run_analysis(ds, config, p, tx, ctx);
    });
    Job {
        path: job_path,
        paths: job_paths,
        progress,
        rx,
        started: Instant::now(),
    }
}

/// Analyses an already loaded dataset (after a config change).
pub fn start_analysis(ds: Arc<Loaded>, config: AnalysisConfig, ctx: egui::Context) -> Job {
    let (tx, rx) = channel();
    let progress = Progress::new();
    let p = progress.clone();
    let path = ds.source.path.clone();
    std::thread::spawn(move || run_analysis(ds, config, p, tx, ctx));
    Job {
        paths: vec![path.clone()],
        path,
        progress,
        rx,
        started: Instant::now(),
    }
}

fn run_analysis(
    ds: Arc<Loaded>,
    config: AnalysisConfig,
    p: Progress,
    tx: Sender<JobMsg>,
    ctx: egui::Context,
) {
    let t = Instant::now();
    match analyze(&ds, &config, &p) {
        Ok(an) => send(
            &tx,
            &ctx,
            JobMsg::Analysed {
                an: Arc::new(an),
                seconds: t.elapsed().as_secs_f64(),
            },
        ),
        Err(_) => send(&tx, &ctx, JobMsg::Cancelled),
    }
}

/// A filter computation running on a worker.
pub struct RowsJob {
    pub generation: u64,
    pub rx: Receiver<(u64, Result<crate::query::RowSets, String>)>,
}

pub fn start_rows(
    generation: u64,
    ds: Arc<Loaded>,
    an: Option<Arc<Analysis>>,
    labels: crate::query::LabelColumn,
    filter: crate::query::Filter,
    sort: crate::query::Sort,
    ctx: egui::Context,
) -> RowsJob {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let rows = crate::query::compute_row_sets(&ds, an.as_deref(), &labels, &filter, sort);
        let _ = tx.send((generation, rows));
        ctx.request_repaint();
    });
    RowsJob { generation, rx }
}
