//! An open dataset: the immutable data and analysis, the labels (the only mutable state,
//! journaled), the filter and its rows, and the selection.

use std::path::Path;
use std::sync::Arc;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rustc_hash::FxHashMap;

use super::jobs::{RowsJob, start_rows};
use super::{AppCommand, BulkTarget, ExportScope, Tab};
use crate::analysis::Analysis;
use crate::labels::{CarriedLabels, LabelCommand, Labels};
use crate::load::Loaded;
use crate::load::mapping::MapOverride;
use crate::query::{Filter, LabelColumn, NO_LABEL, RowSets, Sort, compute_row_sets};

/// Datasets up to this size are filtered on the UI thread (a few milliseconds); larger
/// ones on a worker.
pub(crate) const SYNC_FILTER_LIMIT: usize = 200_000;

/// How the labelling queue walks the posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueMode {
    /// The table's order.
    InOrder,
    /// A seeded random order of the current filter, for unbiased estimates.
    RandomSample { order: Vec<u32>, seed: u64 },
    /// A moment's posts closest to derail's decision first (not a random draw).
    Uncertain { moment: usize, order: Vec<u32> },
    /// The drawn posts of a sampling plan, in the plan's random order.
    Plan {
        id: String,
        order: Vec<u32>,
        blind: bool,
    },
}

impl QueueMode {
    /// The queue name written with each label (see `Labels::queue`).
    pub fn journal_name(&self) -> Option<String> {
        match self {
            QueueMode::InOrder => None,
            QueueMode::RandomSample { seed, .. } => Some(format!("random:{seed}")),
            QueueMode::Plan { id, .. } => Some(format!("sample:{id}")),
            QueueMode::Uncertain { .. } => Some(crate::audit::UNCERTAIN_QUEUE.to_string()),
        }
    }
}

pub struct Session {
    pub ds: Arc<Loaded>,
    pub an: Option<Arc<Analysis>>,
    pub keys: Arc<FxHashMap<String, u32>>,
    pub labels: Labels,
    /// Per post: label id or `NO_LABEL`.
    pub label_of: LabelColumn,
    pub filter: Filter,
    pub sort: Sort,
    pub rows: Arc<Vec<u32>>,
    /// The rows without the time window (the timeline's context).
    pub timeline_rows: Arc<Vec<u32>>,
    pub rows_job: Option<RowsJob>,
    /// An export running on a worker; it sends its status message.
    pub export_job: Option<std::sync::mpsc::Receiver<String>>,
    pub rows_error: Option<String>,
    /// Bumped whenever rows change (views cache on it).
    pub rows_version: u64,
    /// Bumped only when the timeline's rows change: brushing a window changes the table's
    /// rows but not the timeline's, which then need no new bins.
    pub timeline_version: u64,
    generation: u64,
    pub selected: Option<usize>,
    pub scroll_to_selected: bool,
    pub moment: Option<usize>,
    pub queue: QueueMode,
    /// Blind labelling asked for by the user (a blind plan forces it too; see `is_blind`).
    pub blind: bool,
    pub load_seconds: f64,
    pub analysis_seconds: f64,
    pub overrides: Vec<MapOverride>,
    /// The inputs the dataset was loaded from (a file, a folder, several files), so a
    /// reload or "Add files…" reads the same ones.
    pub inputs: Vec<std::path::PathBuf>,
    /// Hashtag display spellings and post counts, largest first.
    pub hashtag_counts: Vec<(u32, u64)>,
    pub display: Vec<String>,
    pub journal_error: Option<String>,
}

impl Session {
    pub fn new(
        ds: Arc<Loaded>,
        keys: Arc<FxHashMap<String, u32>>,
        user: &str,
    ) -> Result<Session, String> {
        let mut labels = match Labels::open(&ds.source.path, &ds.source.fingerprint) {
            Ok(l) => l,
            Err(e) => {
                let mut l = Labels::in_memory();
                l.warnings.push(format!(
                    "{e}; labels are kept in memory only and will be lost on exit"
                ));
                l
            }
        };
        labels.user = user.to_string();
        let hashtag_counts = crate::summary::hashtag_counts(&ds);
        let display = crate::summary::display_spellings(&ds);
        let mut s = Session {
            label_of: Arc::new(vec![NO_LABEL; ds.len()]),
            ds,
            an: None,
            keys,
            labels,
            filter: Filter::default(),
            sort: Sort::default(),
            rows: Arc::new(Vec::new()),
            timeline_rows: Arc::new(Vec::new()),
            rows_job: None,
            export_job: None,
            rows_error: None,
            rows_version: 0,
            timeline_version: 0,
            generation: 0,
            selected: None,
            scroll_to_selected: false,
            moment: None,
            queue: QueueMode::InOrder,
            blind: false,
            load_seconds: 0.0,
            analysis_seconds: 0.0,
            overrides: Vec::new(),
            inputs: Vec::new(),
            hashtag_counts,
            display,
            journal_error: None,
        };
        s.rebuild_label_column();
        s.recompute_rows(None);
        Ok(s)
    }

    pub fn set_analysis(&mut self, an: Arc<Analysis>, seconds: f64, ctx: &egui::Context) {
        self.an = Some(an);
        self.analysis_seconds = seconds;
        self.recompute_rows(Some(ctx));
    }

    fn rebuild_label_column(&mut self) {
        let mut col = vec![NO_LABEL; self.ds.len()];
        for (k, e) in self.labels.iter() {
            if let Some(&i) = self.keys.get(k) {
                col[i as usize] = e.label;
            }
        }
        self.label_of = Arc::new(col);
    }

    /// Recomputes rows for the current filter: at once for small datasets, on a worker for
    /// large ones (the old rows stay on screen until the new ones arrive).
    pub fn recompute_rows(&mut self, ctx: Option<&egui::Context>) {
        self.generation += 1;
        match ctx {
            Some(ctx) if self.ds.len() > SYNC_FILTER_LIMIT => {
                self.rows_job = Some(start_rows(
                    self.generation,
                    self.ds.clone(),
                    self.an.clone(),
                    self.label_of.clone(),
                    self.filter.clone(),
                    self.sort,
                    ctx.clone(),
                ));
            }
            _ => {
                self.rows_job = None;
                let r = compute_row_sets(
                    &self.ds,
                    self.an.as_deref(),
                    &self.label_of,
                    &self.filter,
                    self.sort,
                );
                self.take_rows(r);
            }
        }
    }

    fn take_rows(&mut self, r: Result<RowSets, String>) {
        match r {
            Ok((rows, context)) => {
                self.rows = Arc::new(rows);
                let timeline = match context {
                    Some(c) => Arc::new(c),
                    None => self.rows.clone(),
                };
                if timeline != self.timeline_rows {
                    self.timeline_rows = timeline;
                    self.timeline_version += 1;
                }
                self.rows_error = None;
            }
            Err(e) => self.rows_error = Some(e),
        }
        self.rows_version += 1;
        // The detail pane shows only a post the filter still holds.
        if let Some(sel) = self.selected
            && !self.rows.contains(&(sel as u32))
        {
            self.selected = None;
        }
        if let QueueMode::RandomSample { seed, .. } = self.queue {
            self.queue = QueueMode::RandomSample {
                order: shuffled(&self.rows, seed),
                seed,
            };
        }
    }

    pub fn drain_rows(&mut self) {
        if let Some(job) = &self.rows_job
            && let Ok((generation, r)) = job.rx.try_recv()
        {
            let current = generation == self.generation;
            self.rows_job = None;
            if current {
                self.take_rows(r);
            }
        }
    }

    /// Position of the selected post in the rows.
    pub fn selected_row(&self) -> Option<usize> {
        let s = self.selected? as u32;
        self.rows.iter().position(|&r| r == s)
    }

    pub fn label_name(&self, i: usize) -> Option<&str> {
        let id = *self.label_of.get(i)?;
        if id == NO_LABEL {
            return None;
        }
        if self.is_blind() && self.labelled_by_another(i) {
            return None;
        }
        self.labels.def(id).map(|d| d.name.as_str())
    }

    /// Whether derail's verdicts and other coders' labels are hidden: asked for, or
    /// required by the plan being labelled.
    pub fn is_blind(&self) -> bool {
        self.blind || self.is_packet() || matches!(self.queue, QueueMode::Plan { blind: true, .. })
    }

    /// Is the dataset a labelling packet (`derail packet`)? Its coder labels blind.
    pub fn is_packet(&self) -> bool {
        self.ds
            .source
            .columns
            .iter()
            .any(|c| c == crate::labels::agreement::PACKET_COLUMN)
    }

    /// Was post `i` labelled by someone other than the current labeller?
    pub fn labelled_by_another(&self, i: usize) -> bool {
        self.labels
            .get(&self.ds.post_key(i))
            .is_some_and(|e| e.by != self.labels.user)
    }

    /// Sets the queue and tells the labels which queue later labels come from.
    fn set_queue(&mut self, q: QueueMode) {
        self.labels.queue = q.journal_name();
        self.queue = q;
    }

    /// Draws a sampling plan for a moment, journals it and starts labelling it.
    fn draw_plan(&mut self, request: &crate::audit::plan::PlanRequest) -> String {
        let Some(an) = self.an.clone() else {
            return "The analysis has not finished yet".into();
        };
        let now = crate::labels::now_ms();
        let Some(plan) = crate::audit::plan::draw(&self.ds, &an, request, &self.labels.user, now)
        else {
            return format!("No takeover moment on #{}", request.hashtag);
        };
        let id = plan.id.clone();
        let size = plan.size();
        if let Err(e) = self.labels.add_plan(plan) {
            self.journal_error = Some(e.to_string());
            return e.to_string();
        }
        self.start_plan(&id);
        format!("Drew sample {id}: {size} posts to label")
    }

    /// Serves a journaled plan's posts in its order.
    fn start_plan(&mut self, id: &str) {
        let Some(plan) = self.labels.plans.iter().find(|p| p.id == id) else {
            return;
        };
        let order = plan
            .order
            .iter()
            .filter_map(|k| self.keys.get(k).copied())
            .collect();
        let q = QueueMode::Plan {
            id: id.to_string(),
            order,
            blind: plan.request.blind,
        };
        self.set_queue(q);
        self.selected = None;
        self.next_unlabelled();
    }

    /// This session's labels, every layer, as they were made, to carry into the session
    /// of a bigger dataset when files are added (its journal is a new one).
    pub fn carried_labels(&self) -> CarriedLabels {
        self.labels.carried()
    }

    /// Takes over labels carried from the dataset before files were added, for the posts
    /// this dataset holds, when it has no labels of its own yet. Returns what to tell the
    /// user: how many labels were taken over, and the sampling plans left behind; or why
    /// the journal could not take them.
    pub fn adopt_labels(&mut self, carried: &CarriedLabels) -> Result<String, String> {
        let n = self
            .labels
            .adopt(carried, |k| self.keys.contains_key(k))
            .map_err(|e| {
                let m = format!(
                    "the labels from before the files were added were not carried over: {e}"
                );
                self.journal_error = Some(m.clone());
                m
            })?;
        self.rebuild_label_column();
        let mut note = String::new();
        if n > 0 {
            note = format!("; {n} labels carried over from before the files were added");
        }
        if n > 0 && !carried.plans_left.is_empty() {
            note.push_str(&format!(
                " ({} sampling plans were drawn on the smaller dataset; draw them again to audit)",
                carried.plans_left.len()
            ));
        }
        Ok(note)
    }

    fn refresh_labels_for(&mut self, posts: &[String]) {
        let col = Arc::make_mut(&mut self.label_of);
        for p in posts {
            if let Some(&i) = self.keys.get(p) {
                col[i as usize] = self.labels.get(p).map(|e| e.label).unwrap_or(NO_LABEL);
            }
        }
    }

    /// Applies a label command through the journal. Returns a status message.
    pub fn label(&mut self, cmd: LabelCommand) -> String {
        let undo_redo = matches!(cmd, LabelCommand::Undo | LabelCommand::Redo);
        let touched: Vec<String> = match &cmd {
            LabelCommand::Assign { posts, .. } => posts.clone(),
            _ => Vec::new(),
        };
        match self.labels.apply(cmd) {
            Ok(()) => {
                self.journal_error = None;
                if undo_redo {
                    self.rebuild_label_column();
                } else {
                    self.refresh_labels_for(&touched);
                }
                let where_ = self
                    .labels
                    .journal_path()
                    .map(|p| format!("saved to {}", p.display()))
                    .unwrap_or_else(|| "kept in memory (no journal)".into());
                format!("Labels: {} labelled, {where_}", self.labels.len())
            }
            Err(e) => {
                let m = e.to_string();
                self.journal_error = Some(m.clone());
                m
            }
        }
    }

    pub fn label_bulk(
        &mut self,
        target: BulkTarget,
        label: Option<u32>,
        _ctx: &egui::Context,
    ) -> String {
        let posts: Vec<usize> = match (target, &self.an) {
            (BulkTarget::DupGroup(g), Some(an)) => (0..self.ds.len())
                .filter(|&i| an.dup_group[i] == g)
                .collect(),
            (BulkTarget::Cluster(c), Some(an)) => {
                (0..self.ds.len()).filter(|&i| an.cluster[i] == c).collect()
            }
            (BulkTarget::Filter, _) => self.rows.iter().map(|&r| r as usize).collect(),
            _ => Vec::new(),
        };
        let keys: Vec<String> = posts.iter().map(|&i| self.ds.post_key(i)).collect();
        let n = keys.len();
        let m = self.label(LabelCommand::Assign { posts: keys, label });
        format!("{n} posts labelled. {m}")
    }

    /// Applies a session command; returns a status message when there is one.
    pub fn apply(&mut self, c: AppCommand, ctx: &egui::Context) -> Option<String> {
        match c {
            AppCommand::SetFilter(f) => {
                if f != self.filter {
                    self.filter = f;
                    self.recompute_rows(Some(ctx));
                }
                None
            }
            AppCommand::SetSort(s) => {
                if s != self.sort {
                    self.sort = s;
                    self.recompute_rows(Some(ctx));
                }
                None
            }
            AppCommand::Select(p) => {
                self.selected = p;
                None
            }
            AppCommand::MoveSelection(d) => {
                self.move_selection(d);
                None
            }
            AppCommand::SelectMoment(m) => {
                self.select_moment(m, ctx);
                None
            }
            AppCommand::Label(cmd) => Some(self.label(cmd)),
            AppCommand::LabelKey(k) => self.label_key(k),
            AppCommand::Export(path, scope, neutral) => {
                Some(self.start_export(path, scope, neutral, ctx))
            }
            AppCommand::ImportLabels(path) => Some(self.import_labels(&path)),
            AppCommand::NextUnlabelled => {
                self.next_unlabelled();
                None
            }
            AppCommand::RandomSample(seed) => {
                self.random_sample(seed);
                None
            }
            AppCommand::DrawPlan(request) => Some(self.draw_plan(&request)),
            AppCommand::ImportCoder(path, name) => Some(self.import_coder(&path, &name)),
            AppCommand::WritePacket(path, tag) => Some(self.write_packet(&path, &tag)),
            AppCommand::SetLayer(layer) => Some(self.set_layer(&layer)),
            AppCommand::UncertainQueue(moment) => Some(self.uncertain_queue(moment)),
            AppCommand::StartPlan(id) => {
                self.start_plan(&id);
                Some(format!("Labelling sample {id}"))
            }
            AppCommand::SetBlind(on) => Some(self.set_blind(on)),
            AppCommand::ShowTab(Tab::Moment) => None,
            _ => None,
        }
    }

    /// Selects a takeover moment and filters the table to its posts.
    fn select_moment(&mut self, m: Option<usize>, ctx: &egui::Context) {
        self.moment = m;
        if let Some(mi) = m {
            self.filter = Filter {
                moment: Some(mi),
                ..Default::default()
            };
            self.recompute_rows(Some(ctx));
        }
    }

    /// Number key `k` labels the selected post (0 clears it) and, but for clearing, moves
    /// on to the next post, as in Prodigy.
    fn label_key(&mut self, k: usize) -> Option<String> {
        let i = self.selected?;
        let key = self.ds.post_key(i);
        let label = if k == 0 {
            None
        } else {
            Some(self.labels.id_for_key(k)?)
        };
        let msg = self.label(LabelCommand::Assign {
            posts: vec![key],
            label,
        });
        if k != 0 {
            self.advance_after_label();
        }
        Some(msg)
    }

    fn import_labels(&mut self, path: &Path) -> String {
        match self.labels.import_annotated(&self.ds, path) {
            Ok(s) => {
                self.rebuild_label_column();
                format!(
                    "Imported {} labels from {}, matched on {} ({} rows matched no post)",
                    s.labelled,
                    path.display(),
                    s.key.describe(),
                    s.unmatched
                )
            }
            Err(e) => e.to_string(),
        }
    }

    /// Serves the filter in a random order drawn from `seed`; seed 0 goes back to the
    /// table's order.
    fn random_sample(&mut self, seed: usize) {
        let q = if seed == 0 {
            QueueMode::InOrder
        } else {
            QueueMode::RandomSample {
                order: shuffled(&self.rows, seed as u64),
                seed: seed as u64,
            }
        };
        self.set_queue(q);
        self.next_unlabelled();
    }

    fn import_coder(&mut self, path: &Path, name: &str) -> String {
        match self.labels.import_coder(&self.ds, path, name) {
            Ok(s) => format!(
                "Imported {} labels of coder {name} from {}, matched on {} ({} rows matched no post)",
                s.labelled,
                path.display(),
                s.key.describe(),
                s.unmatched
            ),
            Err(e) => e.to_string(),
        }
    }

    /// Writes the sample drawn for `tag` as a blind packet for a second coder.
    fn write_packet(&self, path: &Path, tag: &str) -> String {
        let Some(plan) = self.labels.plan_for(tag) else {
            return format!("No sample of #{tag} to write; draw one first");
        };
        match crate::audit::packet::write_packet(&self.ds, plan, path) {
            Ok(s) => format!(
                "Wrote {} posts of sample {} to {} for a second coder (blind, no verdicts)",
                s.written,
                plan.id,
                path.display()
            ),
            Err(e) => format!("The packet could not be written: {e}"),
        }
    }

    /// Labels go to `layer` from now on ("" for the user's own labels).
    fn set_layer(&mut self, layer: &str) -> String {
        self.labels.set_active_layer(layer);
        self.rebuild_label_column();
        if layer.is_empty() {
            "Labelling your own labels".into()
        } else {
            format!("Labelling the {layer} layer: number keys record the adjudicated label")
        }
    }

    /// Serves the posts closest to derail's decision on `moment` first.
    fn uncertain_queue(&mut self, moment: usize) -> String {
        let Some(an) = self.an.clone() else {
            return "The analysis has not finished yet".into();
        };
        let order = crate::audit::uncertain_order(&self.ds, &an, moment);
        let n = order.len();
        self.set_queue(QueueMode::Uncertain { moment, order });
        self.selected = None;
        self.next_unlabelled();
        format!(
            "Serving the {n} posts closest to derail's decision first; their labels are not counted in the audit's estimates"
        )
    }

    fn set_blind(&mut self, on: bool) -> String {
        self.blind = on;
        if on {
            "Blind labelling: derail's verdicts and other coders' labels are hidden".into()
        } else {
            "Blind labelling off".into()
        }
    }

    fn move_selection(&mut self, d: i64) {
        if self.rows.is_empty() {
            return;
        }
        let pos = self.selected_row();
        let next = match pos {
            Some(p) => (p as i64 + d).clamp(0, self.rows.len() as i64 - 1) as usize,
            None => 0,
        };
        self.selected = Some(self.rows[next] as usize);
        self.scroll_to_selected = true;
    }

    fn advance_after_label(&mut self) {
        match &self.queue {
            QueueMode::InOrder => self.move_selection(1),
            QueueMode::RandomSample { .. }
            | QueueMode::Plan { .. }
            | QueueMode::Uncertain { .. } => self.next_unlabelled(),
        }
    }

    /// Selects the next unlabelled post in the queue's order.
    pub fn next_unlabelled(&mut self) {
        let order: Vec<u32> = match &self.queue {
            QueueMode::InOrder => self.rows.to_vec(),
            QueueMode::RandomSample { order, .. }
            | QueueMode::Plan { order, .. }
            | QueueMode::Uncertain { order, .. } => order.clone(),
        };
        let start = self
            .selected
            .and_then(|s| order.iter().position(|&r| r as usize == s))
            .map(|p| p + 1)
            .unwrap_or(0);
        let found = order[start.min(order.len())..]
            .iter()
            .chain(order[..start.min(order.len())].iter())
            .find(|&&r| self.label_of[r as usize] == NO_LABEL);
        if let Some(&r) = found {
            self.selected = Some(r as usize);
            self.scroll_to_selected = true;
        }
    }

    /// Starts an export on a worker (a million rows take about a second); its message
    /// arrives through `drain_export`.
    pub fn start_export(
        &mut self,
        path: std::path::PathBuf,
        scope: ExportScope,
        neutral: bool,
        ctx: &egui::Context,
    ) -> String {
        let only = match scope {
            ExportScope::All => None,
            ExportScope::Filter => {
                let mut r: Vec<u32> = self.rows.to_vec();
                r.sort_unstable();
                Some(r)
            }
        };
        let (ds, an, labels) = (self.ds.clone(), self.an.clone(), self.labels.snapshot());
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = ctx.clone();
        let message = format!("Exporting to {}…", path.display());
        std::thread::spawn(move || {
            let m = export_message(&ds, an.as_deref(), &labels, &path, only, neutral);
            if tx.send(m).is_ok() {
                ctx.request_repaint();
            }
        });
        self.export_job = Some(rx);
        message
    }

    /// The message of a finished export, once.
    pub fn drain_export(&mut self) -> Option<String> {
        let m = self.export_job.as_ref()?.try_recv().ok()?;
        self.export_job = None;
        Some(m)
    }
}

/// Writes an annotated CSV; the status message says how it went.
fn export_message(
    ds: &crate::load::Loaded,
    an: Option<&crate::analysis::Analysis>,
    labels: &crate::labels::Labels,
    path: &std::path::Path,
    only: Option<Vec<u32>>,
    neutral: bool,
) -> String {
    let opts = crate::export::ExportOptions {
        label_details: true,
        neutralize_formulas: neutral,
        only,
    };
    match crate::export::export_annotated(
        ds,
        an,
        Some(labels),
        path,
        &opts,
        &crate::progress::Progress::new(),
    ) {
        Ok(s) => format!("Exported {} rows to {}", s.rows, path.display()),
        Err(e) => format!("Export failed: {e}"),
    }
}

fn shuffled(rows: &[u32], seed: u64) -> Vec<u32> {
    let mut v = rows.to_vec();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    v.shuffle(&mut rng);
    v
}
