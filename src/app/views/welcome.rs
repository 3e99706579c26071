//! The screen before a dataset is open: open a file, a recent one, or type a path.

use egui::{RichText, Ui};

use crate::app::{AppCommand, Settings};

#[derive(Default)]
pub struct WelcomeView;

impl WelcomeView {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        settings: &Settings,
        dialog_note: Option<&str>,
        busy: bool,
        path_field: &mut String,
        out: &mut Vec<AppCommand>,
    ) {
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.heading(RichText::new("derail").size(32.0));
            ui.label(
                "A lab for hashtag takeovers: load posts, find takeover moments, label and export.",
            );
            ui.add_space(20.0);
            if busy {
                ui.spinner();
                return;
            }
            if ui
                .button(RichText::new("Open a dataset…").size(16.0))
                .clicked()
            {
                out.push(AppCommand::OpenDialog);
            }
            if ui.button("Open a folder of files…").clicked() {
                out.push(AppCommand::OpenFolderDialog);
            }
            ui.label("or drop a file or a folder on this window");
        });
        ui.add_space(16.0);
        path_row(ui, dialog_note, path_field, out);
        if !settings.recent.is_empty() {
            ui.add_space(12.0);
            ui.label(RichText::new("Recent").strong());
            for p in &settings.recent {
                if ui.link(p.display().to_string()).clicked() {
                    out.push(AppCommand::Open(p.clone()));
                }
            }
        }
        ui.add_space(12.0);
        ui.label(RichText::new("Reads").strong());
        for line in [
            "Bluesky: Jetstream firehose, tap records, PostViews and feeds",
            "Telegram: Telegram Desktop exports, Telethon and 4CAT messages",
            "Reddit: Pushshift and Arctic Shift dumps, API listings",
            "TikTok: Research API videos and comments, Zeeschuimer captures",
            "YouTube: Data API comment threads, comments, videos, search results",
            "X / Twitter: twarc2, v1.1, snscrape, Zeeschuimer, twarc-csv, DMI-TCAT",
            "Instagram, Threads, LinkedIn: Zeeschuimer and 4CAT captures",
            "Meta Content Library, CrowdTangle (CSV and API), CSDS / CooRTweet, Mastodon",
            "Any other CSV, TSV or JSON: columns or paths mapped by name and values",
        ] {
            ui.label(format!("•  {line}"));
        }
        ui.label(
            "Plain or compressed (.gz, .zst, .bz2, .xz, .zip); a folder opens as one dataset.",
        );
    }
}

/// The typed-path field: always offered, and the way in when dialogs are unavailable.
pub fn path_row(
    ui: &mut Ui,
    dialog_note: Option<&str>,
    path_field: &mut String,
    out: &mut Vec<AppCommand>,
) {
    if let Some(note) = dialog_note {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    }
    ui.horizontal(|ui| {
        let label = ui.label("Path:");
        let r = ui
            .add(
                egui::TextEdit::singleline(path_field)
                    .hint_text("/path/to/posts.csv")
                    .desired_width(420.0),
            )
            .labelled_by(label.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Open path").clicked() || enter) && !path_field.trim().is_empty() {
            out.push(AppCommand::Open(std::path::PathBuf::from(
                path_field.trim(),
            )));
            path_field.clear();
        }
    });
}
