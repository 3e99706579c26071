//! The desktop app: a thin layer over the core. Views read the session and send
//! [`AppCommand`]s, which are applied once at the end of each frame; loading, analysis and
//! large filters run on worker threads and arrive over channels.

pub mod dialogs;
pub mod fonts;
pub mod jobs;
pub mod session;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisConfig;
use crate::labels::LabelCommand;
use crate::load::LoadOptions;
use crate::load::mapping::MapOverride;
use crate::query::{Filter, Sort};
use dialogs::{DialogKind, DialogOutcome, FileDialogs};
use jobs::{Job, JobMsg, LoadFailure};
pub use session::Session;
use views::Views;

/// Settings kept between runs (eframe persistence).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    pub dark: bool,
    pub labeller: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent: Vec::new(),
            dark: true,
            labeller: crate::labels::default_user(),
        }
    }
}

impl Settings {
    pub fn remember(&mut self, p: &Path) {
        let p = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        self.recent.retain(|r| r != &p);
        self.recent.insert(0, p);
        self.recent.truncate(10);
    }
}

/// The views of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Overview,
    Timeline,
    Moment,
    Clusters,
    Labels,
    Audit,
    Agreement,
    Mapping,
}

/// What to label in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkTarget {
    DupGroup(u32),
    Cluster(i32),
    Filter,
}

/// Which posts an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    All,
    Filter,
}

/// Everything views can ask for. Applied at the end of the frame, in order.
#[derive(Debug, Clone)]
pub enum AppCommand {
    Open(PathBuf),
    /// Several files (or folders) opened as one dataset.
    OpenMany(Vec<PathBuf>),
    /// A file (or folder) opened as a slice: one hashtag, a time range.
    OpenSliced(PathBuf, crate::load::slice::Slice),
    /// Files added to the open dataset: it is read again with them, as one dataset, and
    /// the labels made so far are carried over.
    AddFiles(Vec<PathBuf>),
    OpenDialog,
    OpenFolderDialog,
    AddFilesDialog,
    CancelJob,
    Reload(Vec<MapOverride>),
    DismissError,
    SetFilter(Filter),
    SetSort(Sort),
    Select(Option<usize>),
    /// Move the selection by rows in the table (J/K).
    MoveSelection(i64),
    SelectMoment(Option<usize>),
    ShowTab(Tab),
    Label(LabelCommand),
    /// Label the selected post with the label bound to a number key.
    LabelKey(usize),
    AskBulk(BulkTarget, u32),
    ConfirmBulk,
    CancelBulk,
    ExportDialog(ExportScope, bool),
    Export(PathBuf, ExportScope, bool),
    ImportLabelsDialog,
    ImportLabels(PathBuf),
    NextUnlabelled,
    RandomSample(usize),
    /// Draw a sampling plan for a moment and start labelling it.
    DrawPlan(crate::audit::plan::PlanRequest),
    /// Label a journaled plan's sample (by plan id).
    StartPlan(String),
    SetBlind(bool),
    /// Pick a second coder's annotated CSV (or exported packet) to import as their layer.
    ImportCoderDialog,
    /// Import a coder's labels: the file and the coder's name.
    ImportCoder(PathBuf, String),
    /// Ask where to save the selected moment's labelling packet.
    PacketDialog,
    /// Write the labelling packet of the latest plan of a hashtag: the file and the tag.
    WritePacket(PathBuf, String),
    /// Show and change a label layer: "" (own) or `adjudicated`.
    SetLayer(String),
    /// Serve a moment's posts closest to derail's decision first.
    UncertainQueue(usize),
    SetDark(bool),
    SetLabeller(String),
    AgreementDialog,
    AgreementFile(PathBuf),
}

/// A dialog on its thread, and what to do with the answer.
struct PendingDialog {
    rx: Receiver<(DialogKind, DialogOutcome)>,
    export: Option<(ExportScope, bool)>,
}

pub struct DerailApp {
    pub settings: Settings,
    pub config: AnalysisConfig,
    pub session: Option<Session>,
    pub job: Option<Job>,
    pub error: Option<LoadFailure>,
    pub views: Views,
    /// The file field shown when no dialog is available (and always on the welcome screen).
    pub open_by_path: views::open_by_path::OpenByPath,
    pub dialog_note: Option<String>,
    /// The "Open by path" window over an open dataset (File menu, or when no file dialog
    /// is available).
    pub path_window: bool,
    pub status: String,
    dialogs: Arc<dyn FileDialogs>,
    pending_dialog: Option<PendingDialog>,
    commands: Vec<AppCommand>,
    /// A bulk label waiting for confirmation: target and count.
    pub bulk: Option<(BulkTarget, u32)>,
    /// Labels applied by number keys go to this label set position.
    fonts_installed: bool,
    /// Annotated CSVs chosen for the agreement view.
    pub agreement_files: Vec<PathBuf>,
    /// Labels to carry into the dataset being loaded with added files.
    carry: Option<crate::labels::CarriedLabels>,
    /// Said after the analysis of that dataset too ("N labels carried over ...").
    carry_note: Option<String>,
    /// The slice the open dataset was loaded with (kept for reloads and added files).
    pub slice: crate::load::slice::Slice,
}

pub const SETTINGS_KEY: &str = "derail-settings";

impl DerailApp {
    pub fn new(settings: Settings, dialogs: Arc<dyn FileDialogs>) -> Self {
        let mut config = AnalysisConfig::default();
        // The app reads user taggers from the config folder as well as ./taggers.
        config.tags.taggers_dirs = crate::analysis::taggers::default_tagger_dirs();
        DerailApp {
            settings,
            config,
            session: None,
            job: None,
            error: None,
            views: Views::default(),
            open_by_path: Default::default(),
            dialog_note: None,
            path_window: false,
            status: String::new(),
            dialogs,
            pending_dialog: None,
            commands: Vec::new(),
            bulk: None,
            fonts_installed: false,
            agreement_files: Vec::new(),
            carry: None,
            carry_note: None,
            slice: Default::default(),
        }
    }

    /// Queues a command (as views do); it runs at the end of the next frame.
    pub fn send(&mut self, c: AppCommand) {
        self.commands.push(c);
    }

    /// Is loading, analysis or filtering still running?
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
            || self
                .session
                .as_ref()
                .is_some_and(|s| s.rows_job.is_some() || s.export_job.is_some())
    }

    /// Starts loading a file (also used for the CLI path and the sample).
    pub fn open(&mut self, path: PathBuf, ctx: &egui::Context, overrides: Vec<MapOverride>) {
        self.open_paths(vec![path], ctx, overrides);
    }

    /// Starts loading files, folders or globs as one dataset.
    pub fn open_paths(
        &mut self,
        paths: Vec<PathBuf>,
        ctx: &egui::Context,
        overrides: Vec<MapOverride>,
    ) {
        if let Some(j) = self.job.take() {
            j.progress.cancel();
        }
        self.error = None;
        self.status = match paths.as_slice() {
            [one] => format!("Opening {}", one.display()),
            many => format!("Opening {} files as one dataset", many.len()),
        };
        let opts = LoadOptions {
            overrides,
            slice: self.slice.clone(),
            ..Default::default()
        };
        self.job = Some(jobs::start_load(
            paths,
            opts,
            self.config.clone(),
            ctx.clone(),
        ));
    }

    fn drain_jobs(&mut self, ctx: &egui::Context) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(4);
        while let Some(job) = &self.job {
            let msg = match job.rx.try_recv() {
                Ok(m) => m,
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.job = None;
                    break;
                }
            };
            match msg {
                JobMsg::Loaded { ds, keys, seconds } => {
                    let (path, inputs) = (job.path.clone(), job.paths.clone());
                    self.on_loaded(ds, keys, seconds, path, inputs);
                }
                JobMsg::Analysed { an, seconds } => {
                    if let Some(s) = &mut self.session {
                        s.set_analysis(an, seconds, ctx);
                        self.status = format!(
                            "Analysed in {:.1} s: {} takeover moment(s){}",
                            seconds,
                            s.an.as_ref().map(|a| a.moments.len()).unwrap_or(0),
                            self.carry_note.take().unwrap_or_default()
                        );
                    }
                    self.job = None;
                }
                JobMsg::Failed(f) => {
                    self.status = "Could not open the file".into();
                    self.error = Some(f);
                    self.job = None;
                }
                JobMsg::Cancelled => {
                    self.status = "Cancelled".into();
                    self.job = None;
                }
            }
            if std::time::Instant::now() > deadline {
                ctx.request_repaint();
                break;
            }
        }
        if let Some(s) = &mut self.session {
            s.drain_rows();
            if let Some(m) = s.drain_export() {
                self.status = m;
            }
        }
        if let Some(p) = &self.pending_dialog
            && let Ok((kind, outcome)) = p.rx.try_recv()
        {
            let export = p.export;
            self.pending_dialog = None;
            self.on_dialog(kind, outcome, export);
        }
    }

    /// A dataset has loaded: it becomes the session (keeping the column overrides, and the
    /// labels carried over when files were added), and its analysis is awaited.
    fn on_loaded(
        &mut self,
        ds: Arc<crate::load::Loaded>,
        keys: Arc<rustc_hash::FxHashMap<String, u32>>,
        seconds: f64,
        path: PathBuf,
        inputs: Vec<PathBuf>,
    ) {
        self.settings.remember(&path);
        let overrides = self
            .session
            .as_ref()
            .map(|s| s.overrides.clone())
            .unwrap_or_default();
        match Session::new(ds, keys, &self.settings.labeller) {
            Ok(mut s) => {
                s.load_seconds = seconds;
                s.overrides = overrides;
                s.inputs = inputs;
                let carried = self.carry.take().map(|c| s.adopt_labels(&c));
                self.status = format!(
                    "Loaded {} posts in {:.1} s; analysing…",
                    s.ds.len(),
                    seconds
                );
                let note = match carried {
                    Some(Ok(note)) => note,
                    Some(Err(why)) => format!("; {why}"),
                    None => String::new(),
                };
                if !note.is_empty() {
                    self.status.push_str(&note);
                    self.carry_note = Some(note);
                }
                self.views = Views::default();
                self.session = Some(s);
            }
            Err(e) => {
                self.error = Some(LoadFailure {
                    path,
                    message: e,
                    line: None,
                    quoted: None,
                    columns: None,
                });
                if let Some(j) = self.job.take() {
                    j.progress.cancel();
                }
            }
        }
    }

    /// A file dialog has answered: what was picked becomes the command it was opened for.
    fn on_dialog(
        &mut self,
        kind: DialogKind,
        outcome: DialogOutcome,
        export: Option<(ExportScope, bool)>,
    ) {
        match outcome {
            DialogOutcome::PickedMany(paths) => match kind {
                DialogKind::AddFiles => self.commands.push(AppCommand::AddFiles(paths)),
                _ => self.commands.push(AppCommand::OpenMany(paths)),
            },
            DialogOutcome::Picked(path) => self.on_picked(kind, path, export),
            DialogOutcome::Cancelled => {}
            DialogOutcome::Unavailable(why) => {
                self.dialog_note = Some(why);
                self.path_window = self.session.is_some();
            }
        }
    }

    fn on_picked(&mut self, kind: DialogKind, path: PathBuf, export: Option<(ExportScope, bool)>) {
        match kind {
            DialogKind::OpenDataset | DialogKind::OpenFolder => {
                self.commands.push(AppCommand::Open(path))
            }
            DialogKind::AddFiles => self.commands.push(AppCommand::AddFiles(vec![path])),
            DialogKind::SavePacket(_) => {
                if let Some(tag) = self.views.audit.packet_hashtag.take() {
                    self.commands.push(AppCommand::WritePacket(path, tag));
                }
            }
            DialogKind::SaveExport(_) => {
                if let Some((scope, neutral)) = export {
                    self.commands.push(AppCommand::Export(path, scope, neutral));
                }
            }
            DialogKind::OpenAnnotated => {
                if matches!(self.views.tab, Tab::Audit) {
                    let name = self.views.audit.coder_name();
                    self.commands.push(AppCommand::ImportCoder(path, name));
                } else if matches!(self.views.tab, Tab::Agreement) {
                    self.commands.push(AppCommand::AgreementFile(path));
                } else {
                    self.commands.push(AppCommand::ImportLabels(path));
                }
            }
        }
    }

    fn spawn_dialog(
        &mut self,
        kind: DialogKind,
        export: Option<(ExportScope, bool)>,
        ctx: &egui::Context,
    ) {
        let rx = dialogs::spawn_dialog(self.dialogs.clone(), kind, ctx.clone());
        self.pending_dialog = Some(PendingDialog { rx, export });
    }

    fn apply_commands(&mut self, ctx: &egui::Context) {
        let cmds = std::mem::take(&mut self.commands);
        for c in cmds {
            match c {
                AppCommand::Open(p) => {
                    self.slice = Default::default();
                    self.open(p, ctx, Vec::new());
                }
                AppCommand::OpenMany(paths) => {
                    self.slice = Default::default();
                    self.open_paths(paths, ctx, Vec::new());
                }
                AppCommand::OpenSliced(path, slice) => {
                    self.slice = slice;
                    self.open_paths(vec![path], ctx, Vec::new());
                }
                AppCommand::AddFiles(more) => self.add_files(more, ctx),
                AppCommand::AddFilesDialog => self.spawn_dialog(DialogKind::AddFiles, None, ctx),
                AppCommand::OpenDialog => self.spawn_dialog(DialogKind::OpenDataset, None, ctx),
                AppCommand::OpenFolderDialog => {
                    self.spawn_dialog(DialogKind::OpenFolder, None, ctx)
                }
                AppCommand::CancelJob => {
                    if let Some(j) = &self.job {
                        j.progress.cancel();
                    }
                }
                AppCommand::Reload(overrides) => self.reload(overrides, ctx),
                AppCommand::DismissError => self.error = None,
                AppCommand::SetDark(d) => self.settings.dark = d,
                AppCommand::SetLabeller(name) => {
                    self.settings.labeller = name.clone();
                    if let Some(s) = &mut self.session {
                        s.labels.user = name;
                    }
                }
                AppCommand::ShowTab(t) => self.views.tab = t,
                AppCommand::ExportDialog(scope, neutral) => {
                    let name = self.export_name();
                    self.spawn_dialog(DialogKind::SaveExport(name), Some((scope, neutral)), ctx);
                }
                AppCommand::PacketDialog => {
                    if let Some(tag) = self.views.audit.packet_hashtag.clone() {
                        self.spawn_dialog(
                            DialogKind::SavePacket(format!("{tag}.packet.csv")),
                            None,
                            ctx,
                        );
                    }
                }
                AppCommand::ImportLabelsDialog
                | AppCommand::AgreementDialog
                | AppCommand::ImportCoderDialog => {
                    self.spawn_dialog(DialogKind::OpenAnnotated, None, ctx)
                }
                AppCommand::AgreementFile(p) => {
                    if !self.agreement_files.contains(&p) {
                        self.agreement_files.push(p);
                    }
                    self.views.agreement.dirty = true;
                }
                AppCommand::AskBulk(t, n) => self.bulk = Some((t, n)),
                AppCommand::CancelBulk => self.bulk = None,
                AppCommand::ConfirmBulk => {
                    if let (Some((target, _)), Some(s)) = (self.bulk.take(), &mut self.session) {
                        let label = self.views.labels.bulk_label;
                        self.status = s.label_bulk(target, label, ctx);
                    }
                }
                other => {
                    if let Some(s) = &mut self.session {
                        let msg = s.apply(other, ctx);
                        if let Some(m) = msg {
                            self.status = m;
                        }
                    }
                }
            }
        }
    }

    /// Opens the dataset again with `more` files added to its inputs, carrying its labels
    /// over.
    fn add_files(&mut self, more: Vec<PathBuf>, ctx: &egui::Context) {
        let Some(s) = &self.session else {
            self.open_paths(more, ctx, Vec::new());
            return;
        };
        let mut paths = s.inputs.clone();
        if paths.is_empty() {
            paths.push(s.ds.source.path.clone());
        }
        paths.extend(more.into_iter().filter(|p| !s.inputs.contains(p)));
        let overrides = s.overrides.clone();
        self.carry = Some(s.carried_labels());
        self.open_paths(paths, ctx, overrides);
    }

    /// Opens the dataset (or the file that failed) again with new column overrides.
    fn reload(&mut self, overrides: Vec<MapOverride>, ctx: &egui::Context) {
        let paths = self
            .session
            .as_ref()
            .map(|s| {
                if s.inputs.is_empty() {
                    vec![s.ds.source.path.clone()]
                } else {
                    s.inputs.clone()
                }
            })
            .or_else(|| self.error.as_ref().map(|e| vec![e.path.clone()]));
        if let Some(p) = paths {
            if let Some(s) = &mut self.session {
                s.overrides = overrides.clone();
            }
            self.open_paths(p, ctx, overrides);
        }
    }

    /// The export's suggested file name: the input's, annotated; a Parquet corpus is
    /// exported as Parquet unless the name says CSV.
    fn export_name(&self) -> String {
        self.session
            .as_ref()
            .and_then(|s| {
                let ext = if s.ds.source.format == crate::model::Format::Parquet {
                    "parquet"
                } else {
                    "csv"
                };
                s.ds.source
                    .path
                    .file_stem()
                    .map(|n| format!("{}.annotated.{ext}", n.to_string_lossy()))
            })
            .unwrap_or_else(|| "annotated.csv".into())
    }

    /// Keyboard shortcuts that work anywhere (not while typing in a field).
    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, Modifiers};
        let typing = ctx.egui_wants_keyboard_input();
        let mut cmds = Vec::new();
        ctx.input_mut(|i| {
            if i.consume_key(Modifiers::COMMAND, Key::O) {
                cmds.push(AppCommand::OpenDialog);
            }
            if i.consume_key(Modifiers::COMMAND, Key::E) {
                cmds.push(AppCommand::ExportDialog(ExportScope::All, false));
            }
            if typing {
                return;
            }
            if i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z) {
                cmds.push(AppCommand::Label(LabelCommand::Redo));
            }
            if i.consume_key(Modifiers::COMMAND, Key::Z) {
                cmds.push(AppCommand::Label(LabelCommand::Undo));
            }
            if i.consume_key(Modifiers::COMMAND, Key::Y) {
                cmds.push(AppCommand::Label(LabelCommand::Redo));
            }
            for (k, key) in [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ]
            .into_iter()
            .enumerate()
            {
                if i.consume_key(Modifiers::NONE, key) {
                    cmds.push(AppCommand::LabelKey(k + 1));
                }
            }
            if i.consume_key(Modifiers::NONE, Key::J)
                || i.consume_key(Modifiers::NONE, Key::ArrowDown)
            {
                cmds.push(AppCommand::MoveSelection(1));
            }
            if i.consume_key(Modifiers::NONE, Key::K)
                || i.consume_key(Modifiers::NONE, Key::ArrowUp)
            {
                cmds.push(AppCommand::MoveSelection(-1));
            }
            if i.consume_key(Modifiers::NONE, Key::Backspace)
                || i.consume_key(Modifiers::NONE, Key::Delete)
            {
                cmds.push(AppCommand::LabelKey(0));
            }
            if i.consume_key(Modifiers::NONE, Key::N) {
                cmds.push(AppCommand::NextUnlabelled);
            }
        });
        self.commands.extend(cmds);
    }

    fn handle_drops(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // Several files dropped at once open as one dataset; with Shift held they are
        // added to the open one.
        let shift = ctx.input(|i| i.modifiers.shift);
        match dropped.len() {
            0 => {}
            _ if shift && self.session.is_some() => {
                self.commands.push(AppCommand::AddFiles(dropped))
            }
            1 => self
                .commands
                .extend(dropped.into_iter().map(AppCommand::Open)),
            _ => self.commands.push(AppCommand::OpenMany(dropped)),
        }
    }

    /// One frame of the whole app (used by eframe and by tests).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            fonts::install(&ctx);
            self.fonts_installed = true;
        }
        ctx.set_theme(if self.settings.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        self.drain_jobs(&ctx);
        self.handle_drops(&ctx);
        self.shortcuts(&ctx);
        let mut cmds = Vec::new();
        views::show_app(self, ui, &mut cmds);
        self.commands.extend(cmds);
        self.apply_commands(&ctx);
        if self.is_busy() || self.pending_dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

/// The eframe application wrapper.
pub struct EframeApp {
    pub app: DerailApp,
}

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.app.settings);
    }
}

/// Where the bundled sample dataset is.
pub fn sample_path() -> Option<PathBuf> {
    let name = "takeovers_sample.csv";
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_data")
            .join(name),
        std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(|d| d.join("sample_data").join(name)))
            .unwrap_or_default(),
        PathBuf::from("sample_data").join(name),
    ];
    candidates.into_iter().find(|p| p.is_file())
}

/// Opens the window. `file` is opened at start; without it, the bundled sample.
pub fn run(file: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("derail")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let start = file.or_else(sample_path);
    eframe::run_native(
        "derail",
        options,
        Box::new(move |cc| {
            let settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
                .unwrap_or_default();
            let mut app = DerailApp::new(settings, Arc::new(dialogs::NativeDialogs));
            if let Some(p) = start {
                app.open(p, &cc.egui_ctx, Vec::new());
            }
            Ok(Box::new(EframeApp { app }))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not open: {e}"))
}
