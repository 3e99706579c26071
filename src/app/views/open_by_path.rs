//! The typed-path opener: a path, and optionally the slice of it to load (a hashtag, a
//! time range), as `--hashtag`, `--since` and `--until` do on the command line. Always
//! offered, and the way in when no file dialog is available.

use egui::Ui;

use crate::app::AppCommand;
use crate::load::slice::Slice;

/// What the user has typed.
#[derive(Debug, Default, Clone)]
pub struct OpenByPath {
    pub path: String,
    pub hashtag: String,
    pub since: String,
    pub until: String,
    /// Why the last Open was refused (an unreadable time).
    pub error: Option<String>,
}

impl OpenByPath {
    /// The slice typed, or why it cannot be read.
    pub fn slice(&self) -> Result<Slice, String> {
        let tp = crate::time::TimeParser::default();
        let time = |what: &str, v: &str| -> Result<Option<i64>, String> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            tp.parse(v).map(|p| Some(p.ms)).ok_or_else(|| {
                format!("{what} {v:?} is not a time derail can read (try 2020-06-04 or 2020-06-04T12:00:00Z)")
            })
        };
        let tag = self.hashtag.trim().trim_start_matches('#');
        Ok(Slice {
            hashtag: (!tag.is_empty()).then(|| tag.to_string()),
            since: time("From", &self.since)?,
            until: time("Before", &self.until)?,
        })
    }

    pub fn ui(&mut self, ui: &mut Ui, dialog_note: Option<&str>, out: &mut Vec<AppCommand>) {
        if let Some(note) = dialog_note {
            ui.colored_label(ui.visuals().warn_fg_color, note);
        }
        let mut enter = false;
        ui.horizontal(|ui| {
            let label = ui.label("Path:");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.path)
                        .hint_text("/path/to/posts.csv")
                        .desired_width(420.0),
                )
                .labelled_by(label.id);
            enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Open path").clicked() {
                enter = true;
            }
        });
        egui::CollapsingHeader::new("Load only a slice (a hashtag, a time range)")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("open_slice").num_columns(2).show(ui, |ui| {
                    for (name, field, hint) in [
                        ("Hashtag:", &mut self.hashtag, "WhiteLivesMatter"),
                        ("From:", &mut self.since, "2020-06-04"),
                        ("Before:", &mut self.until, "2020-06-05T12:00:00Z"),
                    ] {
                        let label = ui.label(name);
                        ui.add(
                            egui::TextEdit::singleline(field)
                                .hint_text(hint)
                                .desired_width(220.0),
                        )
                        .labelled_by(label.id);
                        ui.end_row();
                    }
                });
                ui.weak("A Parquet file is cut while it is read; other formats after.");
            });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if enter && !self.path.trim().is_empty() {
            match self.slice() {
                Ok(slice) => {
                    out.push(AppCommand::OpenSliced(
                        std::path::PathBuf::from(self.path.trim()),
                        slice,
                    ));
                    self.path.clear();
                    self.error = None;
                }
                Err(e) => self.error = Some(e),
            }
        }
    }
}
