//! The app's layout and its views. Each view is a struct with a `ui` method that reads the
//! session and pushes [`AppCommand`]s; none mutates the session directly.

pub mod agreement;
pub mod audit;
pub mod clusters;
pub mod detail;
pub mod error_panel;
pub mod filter_bar;
pub mod labels_panel;
pub mod mapping;
pub mod moment;
pub mod open_by_path;
pub mod overview;
pub mod post_table;
pub mod post_text;
pub mod timeline;
pub mod welcome;

use egui::{RichText, Ui};

use std::path::PathBuf;

use super::{AppCommand, DerailApp, ExportScope, Session, Tab};
use open_by_path::OpenByPath;

/// The state of every view.
#[derive(Default)]
pub struct Views {
    pub tab: Tab,
    pub overview: overview::OverviewView,
    pub timeline: timeline::TimelineView,
    pub moment: moment::MomentView,
    pub clusters: clusters::ClustersView,
    pub table: post_table::PostTableView,
    pub detail: detail::DetailView,
    pub labels: labels_panel::LabelsView,
    pub audit: audit::AuditView,
    pub agreement: agreement::AgreementView,
    pub mapping: mapping::MappingView,
    pub filter_bar: filter_bar::FilterBar,
    pub welcome: welcome::WelcomeView,
}

/// Human-readable counts: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, singular for one: `count(1, "post", "posts")` → "1 post",
/// `count(1234, "post", "posts")` → "1,234 posts".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A short time for tables: `2020-06-09 08:24:10`.
pub fn short_time(ms: i64) -> String {
    let iso = crate::time::format_iso(ms - ms.rem_euclid(1000));
    iso.trim_end_matches('Z').replace('T', " ")
}

/// `#rrggbb` → colour.
pub fn parse_color(s: &str) -> egui::Color32 {
    let h = s.trim_start_matches('#');
    let v = u32::from_str_radix(h, 16).unwrap_or(0x888888);
    egui::Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// A palette for series (clusters, tags): distinguishable in both themes.
pub const PALETTE: [egui::Color32; 10] = [
    egui::Color32::from_rgb(0x4e, 0x79, 0xa7),
    egui::Color32::from_rgb(0xf2, 0x8e, 0x2b),
    egui::Color32::from_rgb(0xe1, 0x57, 0x59),
    egui::Color32::from_rgb(0x76, 0xb7, 0xb2),
    egui::Color32::from_rgb(0x59, 0xa1, 0x4f),
    egui::Color32::from_rgb(0xed, 0xc9, 0x48),
    egui::Color32::from_rgb(0xb0, 0x7a, 0xa1),
    egui::Color32::from_rgb(0xff, 0x9d, 0xa7),
    egui::Color32::from_rgb(0x9c, 0x75, 0x5f),
    egui::Color32::from_rgb(0xba, 0xb0, 0xac),
];

fn menu_bar(app: &mut DerailApp, ui: &mut Ui, out: &mut Vec<AppCommand>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("Open…").clicked() {
                out.push(AppCommand::OpenDialog);
                ui.close();
            }
            if ui.button("Open folder…").clicked() {
                out.push(AppCommand::OpenFolderDialog);
                ui.close();
            }
            let open = app.session.is_some();
            if ui
                .add_enabled(open, egui::Button::new("Add files…"))
                .on_hover_text(
                    "Read more files into the open dataset (as one dataset); labels are carried over. Shift+drop does the same.",
                )
                .clicked()
            {
                out.push(AppCommand::AddFilesDialog);
                ui.close();
            }
            if ui.button("Open by path…").clicked() {
                app.path_window = true;
                ui.close();
            }
            ui.menu_button("Open Recent", |ui| {
                if app.settings.recent.is_empty() {
                    ui.label("(none yet)");
                }
                for p in app.settings.recent.clone() {
                    if ui.button(p.display().to_string()).clicked() {
                        out.push(AppCommand::Open(p));
                        ui.close();
                    }
                }
            });
            ui.separator();
            let has = app.session.is_some();
            if ui
                .add_enabled(has, egui::Button::new("Export all posts…"))
                .clicked()
            {
                out.push(AppCommand::ExportDialog(
                    ExportScope::All,
                    app.views.labels.neutralize,
                ));
                ui.close();
            }
            if ui
                .add_enabled(has, egui::Button::new("Export the current filter…"))
                .clicked()
            {
                out.push(AppCommand::ExportDialog(
                    ExportScope::Filter,
                    app.views.labels.neutralize,
                ));
                ui.close();
            }
            if ui
                .add_enabled(has, egui::Button::new("Import labels…"))
                .clicked()
            {
                out.push(AppCommand::ImportLabelsDialog);
                ui.close();
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        ui.menu_button("View", |ui| {
            let mut dark = app.settings.dark;
            if ui.radio_value(&mut dark, true, "Dark theme").clicked()
                || ui.radio_value(&mut dark, false, "Light theme").clicked()
            {
                out.push(AppCommand::SetDark(dark));
                ui.close();
            }
        });
        ui.menu_button("Help", |ui| {
            ui.label(format!("derail {}", env!("CARGO_PKG_VERSION")));
            ui.label("Keys: 1–9 label · J/K or ↑/↓ move · Backspace clears · N next unlabelled");
            ui.label("Ctrl+Z undo · Ctrl+Shift+Z redo · Ctrl+O open · Ctrl+E export");
            ui.label("Timeline: drag to brush a window · right-drag pans · Ctrl+scroll zooms");
        });
    });
}

fn progress_bar(app: &DerailApp, ui: &mut Ui, out: &mut Vec<AppCommand>) {
    if let Some(job) = &app.job {
        let snap = job.progress.snapshot();
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{}…", snap.stage)).strong());
            let frac = snap.fraction();
            let text = if snap.total > 0 {
                format!("{:.0}%", frac * 100.0)
            } else {
                format!("{:.1} s", job.started.elapsed().as_secs_f32())
            };
            ui.add(
                egui::ProgressBar::new(frac)
                    .desired_width(320.0)
                    .text(text)
                    .animate(snap.total == 0),
            );
            ui.label(
                job.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            if ui.button("Cancel").clicked() {
                out.push(AppCommand::CancelJob);
            }
        });
    }
}

/// Lays out the whole window.
pub fn show_app(app: &mut DerailApp, ui: &mut Ui, out: &mut Vec<AppCommand>) {
    egui::Panel::top("menu").show(ui, |ui| {
        menu_bar(app, ui, out);
        progress_bar(app, ui, out);
        if let Some(s) = &app.session {
            app.views.filter_bar.ui(ui, s, out);
        }
    });
    egui::Panel::bottom("status").show(ui, |ui| status_bar(app, ui));
    if let Some(err) = app.error.clone() {
        egui::CentralPanel::default().show(ui, |ui| {
            error_panel::ui(ui, &err, &mut app.views.mapping, out);
        });
        return;
    }
    let Some(session) = &app.session else {
        egui::CentralPanel::default().show(ui, |ui| {
            app.views.welcome.ui(
                ui,
                &app.settings,
                app.dialog_note.as_deref(),
                app.job.is_some(),
                &mut app.open_by_path,
                out,
            );
        });
        return;
    };
    if app.path_window {
        app.path_window =
            open_by_path_window(&mut app.open_by_path, app.dialog_note.as_deref(), ui, out);
    }
    if let Some((target, n)) = app.bulk {
        labels_panel::confirm_bulk(ui, session, target, n, &mut app.views.labels, out);
    }
    egui::Panel::right("detail")
        .default_size(360.0)
        .min_size(240.0)
        .show(ui, |ui| {
            app.views.detail.ui(ui, session, out);
        });
    egui::Panel::bottom("posts")
        .default_size(300.0)
        .min_size(120.0)
        .resizable(true)
        .show(ui, |ui| {
            app.views.table.ui(ui, session, out);
        });
    egui::CentralPanel::default().show(ui, |ui| {
        tab_bar(app.views.tab, ui, out);
        ui.separator();
        tab_contents(&mut app.views, &app.agreement_files, session, ui, out);
    });
}

/// The status line, with the journal's error where writing it failed.
fn status_bar(app: &DerailApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.label(&app.status);
        if let Some(s) = &app.session
            && let Some(e) = &s.journal_error
        {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    });
}

/// The "Open a file by path" window; whether it stays open (closed once it sent a
/// command).
fn open_by_path_window(
    open_by_path: &mut OpenByPath,
    dialog_note: Option<&str>,
    ui: &mut Ui,
    out: &mut Vec<AppCommand>,
) -> bool {
    let mut open = true;
    let before = out.len();
    egui::Window::new("Open a file by path")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ui.ctx(), |ui| {
            open_by_path.ui(ui, dialog_note, out);
        });
    open && out.len() == before
}

fn tab_bar(current: Tab, ui: &mut Ui, out: &mut Vec<AppCommand>) {
    ui.horizontal(|ui| {
        let tabs = [
            (Tab::Overview, "Overview"),
            (Tab::Timeline, "Timeline"),
            (Tab::Moment, "Takeover moment"),
            (Tab::Clusters, "Clusters"),
            (Tab::Labels, "Labels"),
            (Tab::Audit, "Audit"),
            (Tab::Agreement, "Agreement"),
            (Tab::Mapping, "Columns"),
        ];
        for (t, name) in tabs {
            if ui.selectable_label(current == t, name).clicked() {
                out.push(AppCommand::ShowTab(t));
            }
        }
    });
}

/// The open tab; while labelling blind, the tabs that show derail's findings are hidden.
fn tab_contents(
    v: &mut Views,
    agreement_files: &[PathBuf],
    session: &Session,
    ui: &mut Ui,
    out: &mut Vec<AppCommand>,
) {
    if session.is_blind() {
        ui.label(
            RichText::new(
                "Blind labelling: derail's verdicts, clusters, near-duplicates and other coders' labels are hidden until it is turned off in the Labels tab.",
            )
            .color(ui.visuals().warn_fg_color),
        );
        if matches!(
            v.tab,
            Tab::Overview | Tab::Timeline | Tab::Moment | Tab::Clusters
        ) {
            ui.label(
                RichText::new(
                    "This tab shows derail's findings, so it is hidden while labelling blind.",
                )
                .weak(),
            );
            return;
        }
    }
    match v.tab {
        Tab::Overview => v.overview.ui(ui, session, out),
        Tab::Timeline => v.timeline.ui(ui, session, out),
        Tab::Moment => v.moment.ui(ui, session, out),
        Tab::Clusters => v.clusters.ui(ui, session, out),
        Tab::Labels => v.labels.ui(ui, session, out),
        Tab::Audit => v.audit.ui(ui, session, out),
        Tab::Agreement => v.agreement.ui(ui, agreement_files, out),
        Tab::Mapping => v.mapping.ui_session(ui, session, out),
    }
}

#[cfg(test)]
mod tests {
    use super::{count, thousands};

    #[test]
    fn counts_read_as_a_reader_writes_them() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(count(1, "post talks", "posts talk"), "1 post talks");
        assert_eq!(count(0, "post", "posts"), "0 posts");
        assert_eq!(count(1_000, "account", "accounts"), "1,000 accounts");
    }
}
