//! A readable panel for a file that could not be opened: the message (which names the file),
//! the offending line quoted, and ways forward.

use egui::{RichText, Ui};

use super::mapping::MappingView;
use crate::app::AppCommand;
use crate::app::jobs::LoadFailure;

pub fn ui(ui: &mut Ui, err: &LoadFailure, mapping: &mut MappingView, out: &mut Vec<AppCommand>) {
    ui.heading("This file could not be opened");
    ui.add_space(6.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(&err.message).color(ui.visuals().error_fg_color));
        if let Some(line) = err.line {
            ui.add_space(6.0);
            ui.label(format!("Line {line}:"));
            if let Some(q) = &err.quoted {
                let shown: String = q.chars().take(500).collect();
                ui.code(shown);
            }
        }
    });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Open another file…").clicked() {
            out.push(AppCommand::OpenDialog);
        }
        if ui.button("Try again").clicked() {
            out.push(AppCommand::Reload(Vec::new()));
        }
        if ui.button("Dismiss").clicked() {
            out.push(AppCommand::DismissError);
        }
    });
    if let Some(cols) = &err.columns {
        ui.add_space(12.0);
        ui.label(RichText::new("Choose the columns yourself").strong());
        mapping.ui_columns(ui, cols, &[], out);
    }
}
