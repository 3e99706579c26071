//! Hand labels: the only mutable state of derail. Every change is a [`LabelCommand`]; it is
//! written to the journal (and made durable) before it changes the labels in memory, and
//! undo/redo apply the inverse commands through the same path.

pub mod agreement;
pub mod journal;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use journal::{Journal, Op, SavedEntry};

/// One label of the label set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelDef {
    /// Stable id: labels keep their id when renamed or reordered.
    pub id: u32,
    pub name: String,
    /// `#rrggbb`
    pub color: String,
}

/// The layer of adjudicated labels.
pub const ADJUDICATED: &str = "adjudicated";

/// The layer of a second coder's labels.
pub fn coder_layer(name: &str) -> String {
    format!("coder:{name}")
}

/// The default label set.
pub fn default_label_set() -> Vec<LabelDef> {
    [
        ("takeover", "#e4572e"),
        ("original", "#4c9f70"),
        ("counter-speech", "#3f88c5"),
        ("unrelated", "#a0a0a0"),
        ("unsure", "#f2c14e"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (n, c))| LabelDef {
        id: i as u32,
        name: n.to_string(),
        color: c.to_string(),
    })
    .collect()
}

/// The label a post has.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelEntry {
    pub label: u32,
    pub by: String,
    pub at_ms: i64,
    /// The queue that served the post when it was labelled (see [`Labels::queue`]).
    pub queue: Option<String>,
}

/// A change to the labels, as views send it.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelCommand {
    /// Give posts (by post key) a label, or clear it with `None`.
    Assign {
        posts: Vec<String>,
        label: Option<u32>,
    },
    AddLabel {
        name: String,
        color: String,
    },
    RenameLabel {
        id: u32,
        name: String,
    },
    RecolorLabel {
        id: u32,
        color: String,
    },
    /// Move a label to a position in the order (keys 1–9 follow the order).
    MoveLabel {
        id: u32,
        to: usize,
    },
    Undo,
    Redo,
}

/// An applied change and how to reverse it.
#[derive(Debug, Clone)]
enum Applied {
    Assign {
        posts: Vec<String>,
        before: Vec<Option<SavedEntry>>,
        after: Vec<Option<SavedEntry>>,
        layer: String,
    },
    Labelset {
        before: Vec<LabelDef>,
        after: Vec<LabelDef>,
    },
}

/// Errors of label changes: the journal could not be written, or the command is invalid.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("the label journal {path} could not be written: {message}; the change was not applied")]
    Journal { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// What an import of an annotated CSV did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    /// Posts that got a label.
    pub labelled: usize,
    /// Labelled rows that matched no post.
    pub unmatched: usize,
    /// What the rows were matched on.
    pub key: agreement::MatchKey,
}

/// The labels of one dataset, with the journal that keeps them.
pub struct Labels {
    pub set: Vec<LabelDef>,
    /// Label layers by name: "" is the labeller's own, `coder:NAME` another coder's
    /// imported labels, `adjudicated` the adjudication of their disagreements.
    layers: BTreeMap<String, BTreeMap<String, LabelEntry>>,
    /// The layer that views show and commands change.
    active: String,
    undo: Vec<Applied>,
    redo: Vec<Applied>,
    journal: Option<Journal>,
    /// The journal to create with the first change, when the dataset has none yet:
    /// opening a dataset to look at it leaves nothing beside it.
    pending: Option<PendingJournal>,
    /// Who is labelling (written with each label).
    pub user: String,
    /// The queue serving the posts now labelled (`sample:PLAN`, `random`, `next`,
    /// `uncertain`), written with each label so the audit knows which labels came from
    /// a random draw; `None` when the labeller picks posts by hand.
    pub queue: Option<String>,
    /// Sampling plans drawn for this dataset, oldest first.
    pub plans: Vec<crate::audit::plan::SamplePlan>,
    /// Warnings from opening the journal (torn lines, fingerprint mismatch).
    pub warnings: Vec<String>,
    /// Incremented on every change, so views can cache.
    pub version: u64,
}

impl Labels {
    /// A read-only copy of the current labels and label set, without the journal or the
    /// undo history: what a background export reads while labelling goes on.
    pub fn snapshot(&self) -> Labels {
        Labels {
            set: self.set.clone(),
            layers: self.layers.clone(),
            active: self.active.clone(),
            undo: Vec::new(),
            redo: Vec::new(),
            journal: None,
            pending: None,
            user: self.user.clone(),
            queue: self.queue.clone(),
            plans: self.plans.clone(),
            warnings: Vec::new(),
            version: self.version,
        }
    }
}

/// Turns an I/O error on the journal at `path` into a [`LabelError`].
fn journal_error(path: &Path) -> impl Fn(std::io::Error) -> LabelError + Copy + '_ {
    move |e| LabelError::Journal {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Starts a new journal: its header, then the label set it starts from.
fn write_header(
    j: &mut Journal,
    dataset: &str,
    fingerprint: &str,
    set: &[LabelDef],
) -> std::io::Result<()> {
    j.append(Op::Header {
        version: journal::JOURNAL_VERSION,
        dataset: dataset.to_string(),
        fingerprint: fingerprint.to_string(),
        created_ms: now_ms(),
    })?;
    j.append(Op::Labelset {
        labels: set.to_vec(),
    })?;
    Ok(())
}

/// A journal not written yet: where it goes and what its header says.
struct PendingJournal {
    path: PathBuf,
    dataset: String,
    fingerprint: String,
}

/// The id a label added to `set` gets: one past the highest (ids are never reused while
/// a label holds them).
fn next_label_id(set: &[LabelDef]) -> u32 {
    set.iter().map(|d| d.id + 1).max().unwrap_or(0)
}

/// Now, in milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The user name to record: `DERAIL_USER`, else the login name.
pub fn default_user() -> String {
    std::env::var("DERAIL_USER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "anonymous".into())
}

impl Labels {
    /// Labels kept only in memory (tests, or when no journal can be written).
    pub fn in_memory() -> Labels {
        Labels {
            set: default_label_set(),
            layers: BTreeMap::new(),
            active: String::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            journal: None,
            pending: None,
            user: default_user(),
            queue: None,
            plans: Vec::new(),
            warnings: Vec::new(),
            version: 0,
        }
    }

    /// Opens the journal of a dataset and replays it; a dataset without one gets it
    /// with the first change.
    pub fn open(dataset: &Path, fingerprint: &str) -> Result<Labels, LabelError> {
        let path = journal::journal_path_for(dataset, fingerprint);
        Self::open_at(&path, dataset, fingerprint)
    }

    /// Opens a journal at an explicit path (created with the first change).
    pub fn open_at(path: &Path, dataset: &Path, fingerprint: &str) -> Result<Labels, LabelError> {
        let jerr = journal_error(path);
        let mut labels = Labels::in_memory();
        let dataset_name = dataset
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !path.exists() {
            labels.pending = Some(PendingJournal {
                path: path.to_path_buf(),
                dataset: dataset_name,
                fingerprint: fingerprint.to_string(),
            });
            return Ok(labels);
        }
        let mut next_seq = 0;
        let mut has_header = false;
        let replay = journal::read_journal(path).map_err(jerr)?;
        labels.warnings.extend(replay.problems);
        let valid_len = Some(replay.valid_len);
        for line in replay.lines {
            next_seq = next_seq.max(line.seq + 1);
            match line.op {
                Op::Header {
                    fingerprint: fp,
                    dataset: name,
                    ..
                } => {
                    has_header = true;
                    if fp != fingerprint {
                        labels.warnings.push(format!(
                            "the label journal {} was written for a different file named {name} (fingerprint {fp}, this file is {fingerprint}); its labels are shown for posts with the same ids",
                            path.display()
                        ));
                    }
                }
                op => labels.replay(op),
            }
        }
        let mut j = Journal::open(path, valid_len, next_seq).map_err(jerr)?;
        if !has_header {
            write_header(&mut j, &dataset_name, fingerprint, &labels.set).map_err(jerr)?;
        }
        labels.journal = Some(j);
        Ok(labels)
    }

    /// Reads an existing journal without opening it for writing (for headless exports).
    /// `None` when the dataset has no journal yet.
    pub fn read_existing(dataset: &Path, fingerprint: &str) -> Result<Option<Labels>, LabelError> {
        let path = journal::journal_path_for(dataset, fingerprint);
        if !path.exists() {
            return Ok(None);
        }
        let replay = journal::read_journal(&path).map_err(journal_error(&path))?;
        let mut labels = Labels::in_memory();
        labels.warnings.extend(replay.problems);
        for line in replay.lines {
            if let Op::Header {
                fingerprint: fp, ..
            } = &line.op
                && fp != fingerprint
            {
                labels.warnings.push(format!(
                    "the label journal {} was written for a different file",
                    path.display()
                ));
            }
            labels.replay(line.op);
        }
        Ok(Some(labels))
    }

    /// Imports another coder's labels into their own layer (`coder:NAME`), leaving the
    /// labeller's own untouched.
    pub fn import_coder(
        &mut self,
        ds: &crate::model::Dataset,
        csv_path: &Path,
        coder: &str,
    ) -> Result<ImportSummary, LabelError> {
        let before = self.active.clone();
        self.set_active_layer(&coder_layer(coder));
        let r = self.import_annotated(ds, csv_path);
        self.set_active_layer(&before);
        r
    }

    /// Imports labels from an annotated CSV (its `derail_label` column), matched by post
    /// id when the dataset's posts and the file both have ids, else by `derail_row` (and
    /// `source_file`). Label names not in the set are added.
    pub fn import_annotated(
        &mut self,
        ds: &crate::model::Dataset,
        csv_path: &Path,
    ) -> Result<ImportSummary, LabelError> {
        let annotated = agreement::read_annotated(csv_path).map_err(LabelError::Invalid)?;
        let dataset_has_ids = (0..ds.len()).any(|i| ds.has_id(i));
        let (key, coding) = match (&annotated.by_id, &annotated.by_row) {
            (Some(c), _) if dataset_has_ids || annotated.packet => (agreement::MatchKey::PostId, c),
            (_, Some(c)) => (agreement::MatchKey::Row, c),
            (Some(c), None) => (agreement::MatchKey::PostId, c),
            (None, None) => {
                return Err(LabelError::Invalid(format!(
                    "{}: neither an id column nor derail_row, so its rows cannot be matched to posts",
                    csv_path.display()
                )));
            }
        };
        // A row key names a post by its file and line, whatever its post key is.
        let to_post: std::collections::HashMap<String, String> = (0..ds.len())
            .map(|i| {
                let k = match key {
                    agreement::MatchKey::PostId => ds.post_key(i),
                    agreement::MatchKey::Row => agreement::row_key(ds.source_file(i), ds.line(i)),
                };
                (k, ds.post_key(i))
            })
            .collect();
        let mut by_label: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut unmatched = 0;
        for (k, v) in coding {
            match to_post.get(k) {
                Some(post) => by_label.entry(v.clone()).or_default().push(post.clone()),
                None => unmatched += 1,
            }
        }
        let palette = ["#8e6c8a", "#6c8ead", "#c97b63", "#5fa8a0", "#b5a642"];
        let mut labelled = 0;
        for (name, posts) in by_label {
            let id = match self.by_name(&name) {
                Some(id) => id,
                None => {
                    let color = palette[self.set.len() % palette.len()].to_string();
                    self.apply(LabelCommand::AddLabel {
                        name: name.clone(),
                        color,
                    })?;
                    self.by_name(&name)
                        .ok_or_else(|| LabelError::Invalid(format!("could not add label {name}")))?
                }
            };
            labelled += posts.len();
            self.apply(LabelCommand::Assign {
                posts,
                label: Some(id),
            })?;
        }
        Ok(ImportSummary {
            labelled,
            unmatched,
            key,
        })
    }

    /// Where the labels are saved (the journal may not exist until the first change).
    pub fn journal_path(&self) -> Option<PathBuf> {
        match (&self.journal, &self.pending) {
            (Some(j), _) => Some(j.path().to_path_buf()),
            (None, Some(p)) => Some(p.path.clone()),
            (None, None) => None,
        }
    }

    fn replay(&mut self, op: Op) {
        match op {
            Op::Header { .. } => {}
            Op::Labelset { labels } => self.set = labels,
            Op::Plan { plan } => {
                self.plans.retain(|p| p.id != plan.id);
                self.plans.push(plan);
            }
            Op::Assign {
                posts,
                label,
                by,
                at_ms,
                queue,
                layer,
            } => {
                let entries = self.layers.entry(layer).or_default();
                for p in posts {
                    match label {
                        Some(l) => {
                            entries.insert(
                                p,
                                LabelEntry {
                                    label: l,
                                    by: by.clone(),
                                    at_ms,
                                    queue: queue.clone(),
                                },
                            );
                        }
                        None => {
                            entries.remove(&p);
                        }
                    }
                }
            }
            Op::Restore {
                posts,
                entries: saved,
                layer,
            } => {
                let entries = self.layers.entry(layer).or_default();
                for (p, e) in posts.into_iter().zip(saved) {
                    match e {
                        Some(e) => {
                            entries.insert(
                                p,
                                LabelEntry {
                                    label: e.label,
                                    by: e.by,
                                    at_ms: e.at_ms,
                                    queue: e.queue,
                                },
                            );
                        }
                        None => {
                            entries.remove(&p);
                        }
                    }
                }
            }
        }
        self.version += 1;
    }

    fn write(&mut self, op: Op) -> Result<(), LabelError> {
        if let Some(p) = &self.pending {
            let jerr = journal_error(&p.path);
            let mut j = Journal::open(&p.path, None, 0).map_err(jerr)?;
            write_header(&mut j, &p.dataset, &p.fingerprint, &self.set).map_err(jerr)?;
            self.journal = Some(j);
            self.pending = None;
        }
        if let Some(j) = &mut self.journal {
            j.append(op.clone()).map_err(journal_error(j.path()))?;
        }
        self.replay(op);
        Ok(())
    }

    fn saved(&self, post: &str) -> Option<SavedEntry> {
        self.get(post).map(|e| SavedEntry {
            label: e.label,
            by: e.by.clone(),
            at_ms: e.at_ms,
            queue: e.queue.clone(),
        })
    }

    /// Applies a command: journal first (durable), then memory.
    pub fn apply(&mut self, cmd: LabelCommand) -> Result<(), LabelError> {
        match cmd {
            LabelCommand::Undo => {
                if let Some(a) = self.undo.pop() {
                    self.reverse(&a)?;
                    self.redo.push(a);
                }
                Ok(())
            }
            LabelCommand::Redo => {
                if let Some(a) = self.redo.pop() {
                    self.forward(&a)?;
                    self.undo.push(a);
                }
                Ok(())
            }
            LabelCommand::Assign { posts, label } => {
                if let Some(l) = label
                    && !self.set.iter().any(|d| d.id == l)
                {
                    return Err(LabelError::Invalid(format!("no label with id {l}")));
                }
                if posts.is_empty() {
                    return Ok(());
                }
                let before: Vec<Option<SavedEntry>> = posts.iter().map(|p| self.saved(p)).collect();
                let at_ms = now_ms();
                let by = self.user.clone();
                self.write(Op::Assign {
                    posts: posts.clone(),
                    label,
                    by: by.clone(),
                    at_ms,
                    queue: self.queue.clone(),
                    layer: self.active.clone(),
                })?;
                let layer = self.active.clone();
                let after = posts.iter().map(|p| self.saved(p)).collect();
                self.undo.push(Applied::Assign {
                    posts,
                    before,
                    after,
                    layer,
                });
                self.redo.clear();
                Ok(())
            }
            other => {
                let before = self.set.clone();
                let mut after = before.clone();
                match other {
                    LabelCommand::AddLabel { name, color } => {
                        let name = name.trim().to_string();
                        if name.is_empty() || after.iter().any(|d| d.name == name) {
                            return Err(LabelError::Invalid(format!(
                                "a label needs a new, non-empty name (got {name:?})"
                            )));
                        }
                        let id = next_label_id(&after);
                        after.push(LabelDef { id, name, color });
                    }
                    LabelCommand::RenameLabel { id, name } => {
                        let name = name.trim().to_string();
                        if name.is_empty() || after.iter().any(|d| d.name == name && d.id != id) {
                            return Err(LabelError::Invalid(format!("cannot rename to {name:?}")));
                        }
                        let d = after
                            .iter_mut()
                            .find(|d| d.id == id)
                            .ok_or_else(|| LabelError::Invalid(format!("no label {id}")))?;
                        d.name = name;
                    }
                    LabelCommand::RecolorLabel { id, color } => {
                        let d = after
                            .iter_mut()
                            .find(|d| d.id == id)
                            .ok_or_else(|| LabelError::Invalid(format!("no label {id}")))?;
                        d.color = color;
                    }
                    LabelCommand::MoveLabel { id, to } => {
                        let from = after
                            .iter()
                            .position(|d| d.id == id)
                            .ok_or_else(|| LabelError::Invalid(format!("no label {id}")))?;
                        let d = after.remove(from);
                        after.insert(to.min(after.len()), d);
                    }
                    _ => {}
                }
                self.write(Op::Labelset {
                    labels: after.clone(),
                })?;
                self.undo.push(Applied::Labelset { before, after });
                self.redo.clear();
                Ok(())
            }
        }
    }

    fn reverse(&mut self, a: &Applied) -> Result<(), LabelError> {
        match a {
            Applied::Assign {
                posts,
                before,
                layer,
                ..
            } => self.write(Op::Restore {
                posts: posts.clone(),
                entries: before.clone(),
                layer: layer.clone(),
            }),
            Applied::Labelset { before, .. } => self.write(Op::Labelset {
                labels: before.clone(),
            }),
        }
    }

    fn forward(&mut self, a: &Applied) -> Result<(), LabelError> {
        match a {
            Applied::Assign {
                posts,
                after,
                layer,
                ..
            } => self.write(Op::Restore {
                posts: posts.clone(),
                entries: after.clone(),
                layer: layer.clone(),
            }),
            Applied::Labelset { after, .. } => self.write(Op::Labelset {
                labels: after.clone(),
            }),
        }
    }

    /// Journals a sampling plan (durable before it is kept in memory). A plan with the
    /// same id replaces the earlier one.
    pub fn add_plan(&mut self, plan: crate::audit::plan::SamplePlan) -> Result<(), LabelError> {
        self.write(Op::Plan { plan })
    }

    /// The latest plan for a hashtag.
    pub fn plan_for(&self, hashtag: &str) -> Option<&crate::audit::plan::SamplePlan> {
        self.plans
            .iter()
            .rev()
            .find(|p| p.request.hashtag == hashtag)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// A post's label in the active layer.
    pub fn get(&self, post_key: &str) -> Option<&LabelEntry> {
        self.layers.get(&self.active)?.get(post_key)
    }

    /// A post's label in a named layer ("" for the labeller's own).
    pub fn get_in(&self, layer: &str, post_key: &str) -> Option<&LabelEntry> {
        self.layers.get(layer)?.get(post_key)
    }

    /// The label that stands for a post: the adjudicated one where there is one, else the
    /// labeller's own. The audit reads this.
    pub fn resolved(&self, post_key: &str) -> Option<&LabelEntry> {
        self.get_in(ADJUDICATED, post_key)
            .or_else(|| self.get_in("", post_key))
    }

    /// The layers that hold labels, by name ("" is the labeller's own).
    pub fn layer_names(&self) -> Vec<String> {
        self.layers
            .iter()
            .filter(|(_, m)| !m.is_empty())
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The labels of one layer: post key → label name.
    pub fn coding(&self, layer: &str) -> agreement::Coding {
        self.layers
            .get(layer)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, e)| self.def(e.label).map(|d| (k.clone(), d.name.clone())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The layer views show and commands change; switching clears undo and redo.
    pub fn active_layer(&self) -> &str {
        &self.active
    }

    pub fn set_active_layer(&mut self, layer: &str) {
        if self.active != layer {
            self.active = layer.to_string();
            self.undo.clear();
            self.redo.clear();
            self.version += 1;
        }
    }

    pub fn def(&self, id: u32) -> Option<&LabelDef> {
        self.set.iter().find(|d| d.id == id)
    }

    /// The name of a post's label.
    pub fn name_of(&self, post_key: &str) -> Option<&str> {
        self.get(post_key)
            .and_then(|e| self.def(e.label))
            .map(|d| d.name.as_str())
    }

    /// The label id bound to keys 1–9 (by position in the set).
    pub fn id_for_key(&self, k: usize) -> Option<u32> {
        self.set.get(k.checked_sub(1)?).map(|d| d.id)
    }

    pub fn by_name(&self, name: &str) -> Option<u32> {
        self.set.iter().find(|d| d.name == name).map(|d| d.id)
    }

    /// Labelled posts in the active layer.
    pub fn len(&self) -> usize {
        self.layers.get(&self.active).map_or(0, BTreeMap::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The active layer's labels.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &LabelEntry)> {
        self.layers.get(&self.active).into_iter().flatten()
    }
}

/// Every label of a dataset, as it was made (who, when, from which queue, in which
/// layer), by label name: what a dataset that replaces it (the same files and more) takes
/// over. Sampling plans are not carried: their strata counted the posts of the smaller
/// dataset, so they are drawn again.
#[derive(Debug, Clone, Default)]
pub struct CarriedLabels {
    /// The label set, in its order.
    pub set: Vec<LabelDef>,
    /// Layer name → (post key, entry); entries name their label by its id in `set`.
    pub layers: BTreeMap<String, Vec<(String, LabelEntry)>>,
    /// Sampling plans left behind, by id.
    pub plans_left: Vec<String>,
}

impl CarriedLabels {
    /// Labelled posts, over every layer.
    pub fn len(&self) -> usize {
        self.layers.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Labels {
    /// Everything to carry into the dataset that replaces this one (see [`CarriedLabels`]).
    pub fn carried(&self) -> CarriedLabels {
        CarriedLabels {
            set: self.set.clone(),
            layers: self
                .layers
                .iter()
                .filter(|(_, m)| !m.is_empty())
                .map(|(name, m)| {
                    let entries = m.iter().map(|(k, e)| (k.clone(), e.clone())).collect();
                    (name.clone(), entries)
                })
                .collect(),
            plans_left: self.plans.iter().map(|p| p.id.clone()).collect(),
        }
    }

    /// Takes over carried labels for the posts `holds` knows, each exactly as it was made,
    /// when this dataset has no labels of its own yet (in any layer); labels missing from
    /// the set are added. Journaled, not undoable: it is where this dataset's labelling
    /// starts. Returns how many labels were taken over.
    pub fn adopt(
        &mut self,
        carried: &CarriedLabels,
        holds: impl Fn(&str) -> bool,
    ) -> Result<usize, LabelError> {
        if self.layers.values().any(|m| !m.is_empty()) {
            return Ok(0);
        }
        // The carried set's ids, as this set spells them (by name).
        let mut set = self.set.clone();
        let mut id_of: BTreeMap<u32, u32> = BTreeMap::new();
        for d in &carried.set {
            let id = match set.iter().find(|m| m.name == d.name) {
                Some(m) => m.id,
                None => {
                    let id = next_label_id(&set);
                    set.push(LabelDef {
                        id,
                        name: d.name.clone(),
                        color: d.color.clone(),
                    });
                    id
                }
            };
            id_of.insert(d.id, id);
        }
        if set != self.set {
            self.write(Op::Labelset { labels: set })?;
        }
        let mut n = 0;
        for (layer, entries) in &carried.layers {
            let (posts, entries): (Vec<String>, Vec<Option<SavedEntry>>) = entries
                .iter()
                .filter(|(k, _)| holds(k))
                .filter_map(|(k, e)| {
                    let label = *id_of.get(&e.label)?;
                    let saved = SavedEntry {
                        label,
                        by: e.by.clone(),
                        at_ms: e.at_ms,
                        queue: e.queue.clone(),
                    };
                    Some((k.clone(), Some(saved)))
                })
                .unzip();
            if posts.is_empty() {
                continue;
            }
            n += posts.len();
            self.write(Op::Restore {
                posts,
                entries,
                layer: layer.clone(),
            })?;
        }
        Ok(n)
    }
}

/// A share estimate with its 95 % Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub share: f64,
    pub low: f64,
    pub high: f64,
    pub n: u64,
}

/// Wilson score interval for `k` successes out of `n` (95 %).
pub fn wilson(k: u64, n: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            share: 0.0,
            low: 0.0,
            high: 1.0,
            n,
        };
    }
    let z = 1.959_963_984_540_054_f64;
    let nf = n as f64;
    let p = k as f64 / nf;
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * ((p * (1.0 - p) / nf) + z * z / (4.0 * nf * nf)).sqrt() / denom;
    Estimate {
        share: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assign_undo_redo() {
        let mut l = Labels::in_memory();
        let takeover = l.by_name("takeover").unwrap();
        let original = l.by_name("original").unwrap();
        l.apply(LabelCommand::Assign {
            posts: vec!["1".into(), "2".into()],
            label: Some(takeover),
        })
        .unwrap();
        l.apply(LabelCommand::Assign {
            posts: vec!["2".into()],
            label: Some(original),
        })
        .unwrap();
        assert_eq!(l.name_of("2"), Some("original"));
        l.apply(LabelCommand::Undo).unwrap();
        assert_eq!(l.name_of("2"), Some("takeover"));
        l.apply(LabelCommand::Undo).unwrap();
        assert_eq!(l.name_of("1"), None);
        l.apply(LabelCommand::Redo).unwrap();
        assert_eq!(l.name_of("1"), Some("takeover"));
        l.apply(LabelCommand::Assign {
            posts: vec!["1".into()],
            label: None,
        })
        .unwrap();
        assert_eq!(l.name_of("1"), None);
        assert!(!l.can_redo());
    }

    #[test]
    fn label_set_changes_and_keys() {
        let mut l = Labels::in_memory();
        l.apply(LabelCommand::AddLabel {
            name: "satire".into(),
            color: "#123456".into(),
        })
        .unwrap();
        let satire = l.by_name("satire").unwrap();
        l.apply(LabelCommand::MoveLabel { id: satire, to: 0 })
            .unwrap();
        assert_eq!(l.id_for_key(1), Some(satire));
        l.apply(LabelCommand::RenameLabel {
            id: satire,
            name: "joke".into(),
        })
        .unwrap();
        assert_eq!(l.def(satire).unwrap().name, "joke");
        assert!(
            l.apply(LabelCommand::AddLabel {
                name: "joke".into(),
                color: "#000000".into()
            })
            .is_err()
        );
        l.apply(LabelCommand::Undo).unwrap();
        assert_eq!(l.def(satire).unwrap().name, "satire");
    }

    #[test]
    fn journal_restores_everything() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        std::fs::write(&data, "x").unwrap();
        {
            let mut l = Labels::open(&data, "fp1").unwrap();
            l.apply(LabelCommand::AddLabel {
                name: "spam".into(),
                color: "#ff0000".into(),
            })
            .unwrap();
            let spam = l.by_name("spam").unwrap();
            l.apply(LabelCommand::Assign {
                posts: vec!["7".into(), "8".into()],
                label: Some(spam),
            })
            .unwrap();
            l.apply(LabelCommand::Assign {
                posts: vec!["8".into()],
                label: l.by_name("unsure"),
            })
            .unwrap();
            l.apply(LabelCommand::Undo).unwrap();
        }
        let l = Labels::open(&data, "fp1").unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        assert_eq!(l.name_of("7"), Some("spam"));
        assert_eq!(l.name_of("8"), Some("spam"));
        assert!(l.set.iter().any(|d| d.name == "spam"));
        let other = Labels::open(&data, "fp2").unwrap();
        assert!(other.warnings.iter().any(|w| w.contains("different file")));
    }

    /// Labels carried into a bigger dataset keep who made them, when, from which queue
    /// and in which layer, under their label's name (the new set may number it
    /// otherwise); posts the new dataset lacks are left out; and the journal replays them.
    #[test]
    fn carried_labels_are_taken_over_as_they_were_made() {
        let mut old = Labels::in_memory();
        old.user = "ana".into();
        old.apply(LabelCommand::AddLabel {
            name: "spam".into(),
            color: "#ff0000".into(),
        })
        .unwrap();
        let spam = old.by_name("spam").unwrap();
        old.queue = Some("uncertain".into());
        old.apply(LabelCommand::Assign {
            posts: vec!["1".into(), "2".into(), "gone".into()],
            label: Some(spam),
        })
        .unwrap();
        old.queue = None;
        old.set_active_layer(&coder_layer("ben"));
        old.apply(LabelCommand::Assign {
            posts: vec!["1".into()],
            label: old.by_name("original"),
        })
        .unwrap();
        old.set_active_layer("");
        let made = old.get("1").cloned().unwrap();
        let carried = old.carried();
        assert_eq!(carried.len(), 4);

        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("bigger.csv");
        std::fs::write(&data, "x").unwrap();
        {
            let mut new = Labels::open(&data, "fp").unwrap();
            new.user = "bob".into();
            new.apply(LabelCommand::AddLabel {
                name: "bots".into(),
                color: "#00ff00".into(),
            })
            .unwrap();
            let n = new.adopt(&carried, |k| k != "gone").unwrap();
            assert_eq!(n, 3);
            // A dataset with labels of its own takes over nothing.
            assert_eq!(new.adopt(&carried, |_| true).unwrap(), 0);
        }
        let new = Labels::open(&data, "fp").unwrap();
        let spam_now = new.by_name("spam").unwrap();
        assert_ne!(spam_now, spam, "the test means the ids to differ");
        let e = new.get("1").unwrap();
        assert_eq!(e.label, spam_now);
        assert_eq!((e.by.as_str(), e.at_ms), ("ana", made.at_ms));
        assert_eq!(e.queue.as_deref(), Some("uncertain"));
        assert!(new.get("gone").is_none());
        let ben = new.get_in(&coder_layer("ben"), "1").unwrap();
        assert_eq!(
            new.def(ben.label).map(|d| d.name.as_str()),
            Some("original")
        );
        assert_eq!(ben.by, "ana");
    }

    /// Opening a dataset, looking and undoing nothing writes nothing; the first change
    /// creates the journal with its header, and it replays.
    #[test]
    fn the_journal_is_created_with_the_first_change() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        std::fs::write(&data, "x").unwrap();
        let jp = journal::journal_path_for(&data, "fp");
        {
            let mut l = Labels::open(&data, "fp").unwrap();
            assert_eq!(l.journal_path().as_deref(), Some(jp.as_path()));
            assert!(l.apply(LabelCommand::Undo).is_ok());
            assert!(!jp.exists(), "opening wrote {}", jp.display());
        }
        assert!(!jp.exists());
        {
            let mut l = Labels::open(&data, "fp").unwrap();
            l.apply(LabelCommand::Assign {
                posts: vec!["1".into()],
                label: Some(0),
            })
            .unwrap();
            assert!(jp.exists());
            l.apply(LabelCommand::Assign {
                posts: vec!["2".into()],
                label: Some(1),
            })
            .unwrap();
        }
        let replay = journal::read_journal(&jp).unwrap();
        let seqs: Vec<u64> = replay.lines.iter().map(|l| l.seq).collect();
        assert_eq!(seqs, [0, 1, 2, 3]);
        assert!(matches!(replay.lines[0].op, Op::Header { .. }));
        let l = Labels::open(&data, "fp").unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        assert_eq!(l.name_of("1"), Some("takeover"));
        assert_eq!(l.name_of("2"), Some("original"));
    }

    #[test]
    fn torn_tail_is_dropped_and_appending_continues() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        {
            let mut l = Labels::open(&data, "fp").unwrap();
            l.apply(LabelCommand::Assign {
                posts: vec!["1".into()],
                label: Some(0),
            })
            .unwrap();
        }
        let jp = journal::journal_path_for(&data, "fp");
        let mut bytes = std::fs::read(&jp).unwrap();
        bytes.extend_from_slice(b"{\"seq\":99,\"op\":\"assign\",\"posts\":[\"2\"");
        std::fs::write(&jp, bytes).unwrap();
        let mut l = Labels::open(&data, "fp").unwrap();
        assert_eq!(l.warnings.len(), 1);
        assert_eq!(l.name_of("1"), Some("takeover"));
        assert_eq!(l.name_of("2"), None);
        l.apply(LabelCommand::Assign {
            posts: vec!["3".into()],
            label: Some(1),
        })
        .unwrap();
        let l2 = Labels::open(&data, "fp").unwrap();
        assert!(l2.warnings.is_empty(), "{:?}", l2.warnings);
        assert_eq!(l2.name_of("3"), Some("original"));
    }

    #[test]
    fn wilson_interval() {
        let e = wilson(50, 100);
        assert!((e.share - 0.5).abs() < 1e-9);
        assert!(
            (e.low - 0.4038).abs() < 1e-3 && (e.high - 0.5962).abs() < 1e-3,
            "{e:?}"
        );
        let z = wilson(0, 10);
        assert_eq!(z.low, 0.0);
        assert!(z.high > 0.2);
    }
}
