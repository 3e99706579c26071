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
        open_by_path: &mut super::open_by_path::OpenByPath,
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
        open_by_path.ui(ui, dialog_note, out);
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
