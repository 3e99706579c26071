//! The column-role panel: shows how each role was mapped (with its confidence) and lets the
//! user choose columns for roles that were missed or wrong, then reload.

use std::collections::BTreeMap;

use egui::{RichText, Ui};

use crate::app::{AppCommand, Session};
use crate::load::mapping::{ALL_ROLES, MapOverride, Role, RoleMapping};

#[derive(Default)]
pub struct MappingView {
    /// The user's choices: `Some(column)` or `None` for "no column".
    choice: BTreeMap<Role, Option<String>>,
}

impl MappingView {
    pub fn ui_session(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        if s.ds.source.format.is_json() {
            ui.label(format!(
                "{} has fixed fields; there are no columns to map. Its flattened columns are: {}",
                s.ds.source.format.description(),
                s.ds.source.columns.join(", ")
            ));
            return;
        }
        ui.label(format!(
            "{} · {} · {}",
            s.ds.report.format_detail,
            s.ds.report.encoding,
            s.ds.report.delimiter.clone().unwrap_or_default()
        ));
        self.ui_columns(ui, &s.ds.source.columns, &s.ds.report.mapping, out);
    }

    pub fn ui_columns(
        &mut self,
        ui: &mut Ui,
        columns: &[String],
        current: &[RoleMapping],
        out: &mut Vec<AppCommand>,
    ) {
        egui::Grid::new("mapping")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                ui.label(RichText::new("Role").strong());
                ui.label(RichText::new("Column").strong());
                ui.label(RichText::new("Confidence").strong());
                ui.label(RichText::new("Found by").strong());
                ui.end_row();
                for role in ALL_ROLES {
                    let found = current.iter().find(|m| m.role == role);
                    let mut sel: Option<String> = self
                        .choice
                        .get(&role)
                        .cloned()
                        .unwrap_or_else(|| found.map(|m| m.column.clone()));
                    let label = ui.label(role.name());
                    let before = sel.clone();
                    egui::ComboBox::from_id_salt(("role", role.name()))
                        .selected_text(sel.clone().unwrap_or_else(|| "(none)".into()))
                        .width(220.0)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut sel, None, "(none)");
                            for c in columns {
                                ui.selectable_value(&mut sel, Some(c.clone()), c);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if sel != before {
                        self.choice.insert(role, sel);
                    }
                    match found {
                        Some(m) => {
                            ui.label(format!("{:.2}", m.confidence));
                            if m.is_guess() {
                                ui.colored_label(ui.visuals().warn_fg_color, "a guess: check it");
                            } else {
                                ui.label(format!("{:?}", m.source).to_lowercase());
                            }
                        }
                        None => {
                            ui.label("—");
                            ui.label(if matches!(role, Role::Text | Role::Time) {
                                "not found"
                            } else {
                                ""
                            });
                        }
                    }
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let changed = !self.choice.is_empty();
            if ui
                .add_enabled(changed, egui::Button::new("Reload with these columns"))
                .clicked()
            {
                let overrides = self
                    .choice
                    .iter()
                    .map(|(role, col)| MapOverride {
                        role: *role,
                        column: col.clone().unwrap_or_default(),
                    })
                    .collect();
                out.push(AppCommand::Reload(overrides));
            }
            if ui
                .add_enabled(changed, egui::Button::new("Reset"))
                .clicked()
            {
                self.choice.clear();
            }
        });
    }
}
