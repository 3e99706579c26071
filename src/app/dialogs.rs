//! Native file dialogs behind a small trait, always run off the UI thread.
//!
//! rfd's xdg-portal backend returns at once when no portal runs, which cannot be told apart
//! from a user pressing Cancel; so availability is checked first, and the app offers a
//! path field whenever dialogs are unavailable. Tests use a scripted implementation.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

/// What a dialog returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogOutcome {
    Picked(PathBuf),
    /// Several files picked at once (a multi-selection).
    PickedMany(Vec<PathBuf>),
    Cancelled,
    /// No dialog could be shown; the reason is shown to the user.
    Unavailable(String),
}

/// Which dialog to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogKind {
    OpenDataset,
    /// A folder of files, opened as one dataset.
    OpenFolder,
    /// Files to add to the open dataset.
    AddFiles,
    /// Save an export; the suggested file name.
    SaveExport(String),
    /// Save a labelling packet for a second coder; the suggested file name.
    SavePacket(String),
    OpenAnnotated,
}

pub trait FileDialogs: Send + Sync {
    /// Shows a dialog; blocks until it closes (so call it off the UI thread).
    fn show(&self, kind: &DialogKind) -> DialogOutcome;
}

/// Native dialogs through rfd (xdg-desktop-portal on Linux).
pub struct NativeDialogs;

impl NativeDialogs {
    /// Why native dialogs cannot work here, if they cannot.
    pub fn unavailable_reason() -> Option<String> {
        #[cfg(target_os = "linux")]
        {
            let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
                || std::path::Path::new(&format!("/run/user/{}/bus", current_uid())).exists();
            if !bus {
                return Some(
                    "no desktop session bus is running, so the system file dialog (xdg-desktop-portal) cannot open; type a path instead"
                        .into(),
                );
            }
        }
        None
    }
}

#[cfg(target_os = "linux")]
fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

impl FileDialogs for NativeDialogs {
    fn show(&self, kind: &DialogKind) -> DialogOutcome {
        if let Some(why) = Self::unavailable_reason() {
            return DialogOutcome::Unavailable(why);
        }
        let started = std::time::Instant::now();
        let picked = match kind {
            DialogKind::OpenDataset | DialogKind::AddFiles => rfd::FileDialog::new()
                .set_title(if *kind == DialogKind::AddFiles {
                    "Add files to the open dataset"
                } else {
                    "Open a dataset (several files open as one)"
                })
                .add_filter(
                    "Post datasets",
                    &[
                        "csv", "tsv", "txt", "json", "jsonl", "ndjson", "parquet", "gz", "zst",
                        "bz2", "xz", "zip",
                    ],
                )
                .add_filter("All files", &["*"])
                .pick_files(),
            DialogKind::OpenFolder => rfd::FileDialog::new()
                .set_title("Open a folder of post files as one dataset")
                .pick_folder()
                .map(|p| vec![p]),
            DialogKind::OpenAnnotated => rfd::FileDialog::new()
                .set_title("Open annotated CSVs")
                .add_filter("CSV", &["csv"])
                .pick_file()
                .map(|p| vec![p]),
            DialogKind::SavePacket(name) => rfd::FileDialog::new()
                .set_title("Save a blind labelling packet for a second coder")
                .set_file_name(name)
                .add_filter("CSV", &["csv"])
                .save_file()
                .map(|p| vec![p]),
            DialogKind::SaveExport(name) => rfd::FileDialog::new()
                .set_title("Export annotated CSV or Parquet")
                .set_file_name(name)
                .add_filter("CSV", &["csv"])
                .add_filter("Parquet", &["parquet"])
                .save_file()
                .map(|p| vec![p]),
        };
        match picked {
            Some(mut v) if v.len() == 1 => DialogOutcome::Picked(v.remove(0)),
            Some(v) if !v.is_empty() => DialogOutcome::PickedMany(v),
            // An instant "no answer" means no dialog was shown at all.
            None if started.elapsed() < std::time::Duration::from_millis(150) => DialogOutcome::Unavailable(
                "the system file dialog did not open (no xdg-desktop-portal?); type a path instead".into(),
            ),
            _ => DialogOutcome::Cancelled,
        }
    }
}

/// Answers from a script (tests).
pub struct ScriptedDialogs {
    answers: std::sync::Mutex<Vec<DialogOutcome>>,
}

impl ScriptedDialogs {
    pub fn new(answers: Vec<DialogOutcome>) -> Self {
        Self {
            answers: std::sync::Mutex::new(answers),
        }
    }
}

impl FileDialogs for ScriptedDialogs {
    fn show(&self, _kind: &DialogKind) -> DialogOutcome {
        match self.answers.lock() {
            Ok(mut a) if !a.is_empty() => a.remove(0),
            _ => DialogOutcome::Unavailable("no scripted answer left".into()),
        }
    }
}

/// Runs a dialog on its own thread and hands back a receiver for the answer.
pub fn spawn_dialog(
    dialogs: std::sync::Arc<dyn FileDialogs>,
    kind: DialogKind,
    ctx: egui::Context,
) -> Receiver<(DialogKind, DialogOutcome)> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let out = dialogs.show(&kind);
        let _ = tx.send((kind, out));
        ctx.request_repaint();
    });
    rx
}
