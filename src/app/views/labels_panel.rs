//! Labelling: the label set (add, rename, recolour, reorder), the queue (next unlabelled,
//! or a random sample for unbiased estimates), progress, estimates with 95 % intervals,
//! bulk labelling with confirmation, import and export.

use egui::{RichText, Ui};

use crate::app::session::QueueMode;
use crate::app::views::{parse_color, thousands};
use crate::app::{AppCommand, BulkTarget, ExportScope, Session};
use crate::labels::{LabelCommand, LabelDef, wilson};
use crate::query::NO_LABEL;

pub struct LabelsView {
    new_name: String,
    rename: Option<(u32, String)>,
    pub neutralize: bool,
    pub bulk_label: Option<u32>,
    labeller: String,
    seed: usize,
    /// The audit line of the selected moment, with what it was computed for.
    audit_line: Option<((u64, usize, usize), String)>,
}

impl Default for LabelsView {
    fn default() -> Self {
        LabelsView {
            new_name: String::new(),
            rename: None,
            neutralize: true,
            bulk_label: Some(0),
            labeller: String::new(),
            seed: 1,
            audit_line: None,
        }
    }
}

fn color_hex(c: egui::Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

impl LabelsView {
    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        egui::ScrollArea::vertical()
            .id_salt("labels")
            .show(ui, |ui| {
                self.label_set(ui, s, out);
                self.undo_and_labeller(ui, s, out);
                ui.separator();
                self.queue(ui, s, out);
                ui.separator();
                estimates(ui, s);
                ui.separator();
                self.audit_summary(ui, s);
                ui.separator();
                self.bulk_and_export(ui, s, out);
            });
    }

    /// The label set in key order: recolour, rename, move up or down; add a label.
    fn label_set(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.label(RichText::new("Label set").strong());
        ui.label(RichText::new("Keys 1–9 follow this order.").weak());
        let set = &s.labels.set;
        for (k, d) in set.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(if k < 9 {
                    format!("{}", k + 1)
                } else {
                    " ".into()
                });
                let mut c = parse_color(&d.color);
                if ui.color_edit_button_srgba(&mut c).changed() {
                    out.push(label(LabelCommand::RecolorLabel {
                        id: d.id,
                        color: color_hex(c),
                    }));
                }
                self.name_or_rename(ui, d, out);
                if k > 0 && ui.small_button("↑").clicked() {
                    out.push(label(LabelCommand::MoveLabel {
                        id: d.id,
                        to: k - 1,
                    }));
                }
                if k + 1 < set.len() && ui.small_button("↓").clicked() {
                    out.push(label(LabelCommand::MoveLabel {
                        id: d.id,
                        to: k + 1,
                    }));
                }
            });
        }
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.new_name)
                    .hint_text("new label")
                    .desired_width(140.0),
            );
            if ui.button("Add label").clicked() && !self.new_name.trim().is_empty() {
                let palette = crate::app::views::PALETTE;
                let color = color_hex(palette[set.len() % palette.len()]);
                out.push(label(LabelCommand::AddLabel {
                    name: self.new_name.trim().to_string(),
                    color,
                }));
                self.new_name.clear();
            }
        });
    }

    /// A label's name with its rename button, or the field it is being renamed in.
    fn name_or_rename(&mut self, ui: &mut Ui, d: &LabelDef, out: &mut Vec<AppCommand>) {
        match &mut self.rename {
            Some((id, name)) if *id == d.id => {
                let r = ui.text_edit_singleline(name);
                if (r.lost_focus() || ui.button("ok").clicked()) && !name.trim().is_empty() {
                    out.push(label(LabelCommand::RenameLabel {
                        id: d.id,
                        name: name.clone(),
                    }));
                    self.rename = None;
                }
            }
            _ => {
                ui.label(RichText::new(&d.name).color(parse_color(&d.color)).strong());
                if ui.small_button("rename").clicked() {
                    self.rename = Some((d.id, d.name.clone()));
                }
            }
        }
    }

    /// Undo and redo, who is labelling, and where the journal is.
    fn undo_and_labeller(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.horizontal(|ui| {
            let undo = egui::Button::new("Undo (Ctrl+Z)");
            if ui.add_enabled(s.labels.can_undo(), undo).clicked() {
                out.push(label(LabelCommand::Undo));
            }
            let redo = egui::Button::new("Redo (Ctrl+Shift+Z)");
            if ui.add_enabled(s.labels.can_redo(), redo).clicked() {
                out.push(label(LabelCommand::Redo));
            }
        });
        if self.labeller.is_empty() {
            self.labeller = s.labels.user.clone();
        }
        ui.horizontal(|ui| {
            ui.label("Labeller");
            let r = ui.text_edit_singleline(&mut self.labeller);
            if r.lost_focus() && self.labeller != s.labels.user {
                out.push(AppCommand::SetLabeller(self.labeller.clone()));
            }
        });
        if let Some(p) = s.labels.journal_path() {
            ui.label(
                RichText::new(format!("Journal: {}", p.display()))
                    .weak()
                    .small(),
            );
        }
    }

    /// Progress in the filter, the queue's order (table, random sample, closest to
    /// derail's decision, an audit sample) and blind labelling.
    fn queue(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.label(RichText::new("Queue").strong());
        let labelled = s
            .rows
            .iter()
            .filter(|&&r| s.label_of[r as usize] != NO_LABEL)
            .count();
        ui.label(format!(
            "Labelled {} of {} in the current filter",
            thousands(labelled as u64),
            thousands(s.rows.len() as u64)
        ));
        ui.horizontal(|ui| {
            if ui.button("Next unlabelled (N)").clicked() {
                out.push(AppCommand::NextUnlabelled);
            }
            let back = match &s.queue {
                QueueMode::InOrder => {
                    if ui.button("Start a random sample").clicked() {
                        out.push(AppCommand::RandomSample(self.seed));
                    }
                    ui.add(
                        egui::DragValue::new(&mut self.seed)
                            .range(1..=1_000_000)
                            .prefix("seed "),
                    );
                    false
                }
                QueueMode::RandomSample { seed, .. } => {
                    ui.label(format!("random sample (seed {seed})"));
                    true
                }
                QueueMode::Uncertain { order, .. } => {
                    ui.label(format!(
                        "closest to derail's decision ({} posts)",
                        thousands(order.len() as u64)
                    ));
                    true
                }
                QueueMode::Plan { id, .. } => {
                    ui.label(format!("audit sample {id}"));
                    true
                }
            };
            if back && ui.button("Back to table order").clicked() {
                out.push(AppCommand::RandomSample(0));
            }
            let mut blind = s.blind;
            let forced = s.is_blind() && !s.blind;
            if ui
                .add_enabled(
                    !forced,
                    egui::Checkbox::new(&mut blind, "Blind (hide derail's verdicts)"),
                )
                .on_disabled_hover_text("This sample must be labelled blind.")
                .changed()
            {
                out.push(AppCommand::SetBlind(blind));
            }
        });
    }

    /// Bulk labelling of the filter, and export and import.
    fn bulk_and_export(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.label(RichText::new("Bulk").strong());
        ui.horizontal(|ui| {
            let rows = s.rows.len();
            if ui
                .button(format!(
                    "Label the current filter ({})…",
                    thousands(rows as u64)
                ))
                .clicked()
            {
                out.push(AppCommand::AskBulk(BulkTarget::Filter, rows as u32));
            }
        });
        ui.separator();
        ui.label(RichText::new("Export and import").strong());
        ui.checkbox(
            &mut self.neutralize,
            "Neutralise cells that start with = + - @ (for spreadsheets)",
        );
        ui.horizontal(|ui| {
            if ui.button("Export all posts…").clicked() {
                out.push(AppCommand::ExportDialog(ExportScope::All, self.neutralize));
            }
            if ui.button("Export the current filter…").clicked() {
                out.push(AppCommand::ExportDialog(
                    ExportScope::Filter,
                    self.neutralize,
                ));
            }
            if ui.button("Import labels from an annotated CSV…").clicked() {
                out.push(AppCommand::ImportLabelsDialog);
            }
        });
    }
}

fn label(command: LabelCommand) -> AppCommand {
    AppCommand::Label(command)
}

/// Each label's share of the filter, with a 95 % interval, from the labelled prefix of a
/// random sample; what the other queues allow instead.
fn estimates(ui: &mut Ui, s: &Session) {
    ui.label(RichText::new("Estimates for the current filter").strong());
    let order = match &s.queue {
        QueueMode::RandomSample { order, .. } => order,
        QueueMode::Plan { .. } => {
            ui.label(RichText::new("The Audit tab weighs the sample's strata.").weak());
            return;
        }
        QueueMode::Uncertain { .. } => {
            ui.label(RichText::new("These posts were chosen for being close to derail's decision, not at random: the audit shows how many there are but leaves them out of its estimates.").weak());
            return;
        }
        QueueMode::InOrder => {
            ui.label(RichText::new("Start a random sample and label it in order to estimate each label's share of the filter, with 95% intervals.").weak());
            return;
        }
    };
    // The labelled prefix of the random order is a simple random sample.
    let sample: Vec<u32> = order
        .iter()
        .take_while(|&&r| s.label_of[r as usize] != NO_LABEL)
        .map(|&r| s.label_of[r as usize])
        .collect();
    let n = sample.len() as u64;
    ui.label(format!(
        "From the first {} posts of the random sample (all labelled):",
        thousands(n)
    ));
    egui::Grid::new("est").num_columns(3).show(ui, |ui| {
        for d in &s.labels.set {
            let k = sample.iter().filter(|&&l| l == d.id).count() as u64;
            let e = wilson(k, n);
            ui.label(RichText::new(&d.name).color(parse_color(&d.color)));
            ui.label(format!("{:.1}%", e.share * 100.0));
            ui.label(format!(
                "95% CI {:.1}–{:.1}%  (≈ {} posts)",
                e.low * 100.0,
                e.high * 100.0,
                thousands((e.share * s.rows.len() as f64).round() as u64)
            ));
            ui.end_row();
        }
    });
}

impl LabelsView {
    /// One line of the selected moment's audit (the Audit tab has the rest).
    fn audit_summary(&mut self, ui: &mut Ui, s: &Session) {
        let Some(an) = s.an.as_deref() else { return };
        if an.moments.is_empty() {
            return;
        }
        let k = s.moment.unwrap_or(0).min(an.moments.len() - 1);
        ui.label(RichText::new("Audit of the selected moment").strong());
        if s.is_blind() {
            ui.label(RichText::new("Hidden while labelling blind.").weak());
            return;
        }
        let key = (s.labels.version, an as *const _ as usize, k);
        if self.audit_line.as_ref().is_none_or(|(c, _)| *c != key) {
            let audits = crate::audit::audit(&s.ds, an, &s.labels);
            let line = audits
                .get(k)
                .map(|a| {
                    format!(
                        "#{}: precision {} · recall {} · true share {} (derail {:.2}) · {} labels",
                        a.display,
                        a.figures.precision.describe(),
                        a.figures.recall.describe(),
                        a.figures.share.describe(),
                        a.derail_share,
                        a.figures.n
                    )
                })
                .unwrap_or_default();
            self.audit_line = Some((key, line));
        }
        if let Some((_, line)) = &self.audit_line {
            ui.label(line);
        }
        ui.label(
            RichText::new("Draw a sample, second coders and adjudication: the Audit tab.").weak(),
        );
    }
}

/// The confirmation for bulk labelling, showing how many posts it will change.
pub fn confirm_bulk(
    ui: &mut Ui,
    s: &Session,
    target: BulkTarget,
    n: u32,
    view: &mut LabelsView,
    out: &mut Vec<AppCommand>,
) {
    let what = match target {
        BulkTarget::DupGroup(g) => format!("near-duplicate group {g}"),
        BulkTarget::Cluster(c) => format!("cluster {c}"),
        BulkTarget::Filter => "the current filter".to_string(),
    };
    egui::Modal::new(egui::Id::unique("derail-bulk")).show(ui.ctx(), |ui| {
        ui.heading("Label in bulk");
        ui.label(format!(
            "This labels all {} posts of {what}.",
            thousands(n as u64)
        ));
        ui.horizontal(|ui| {
            let label = ui.label("Label");
            let current = view
                .bulk_label
                .and_then(|id| s.labels.def(id))
                .map(|d| d.name.clone())
                .unwrap_or_else(|| "(clear)".into());
            egui::ComboBox::from_id_salt("bulk-label")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for d in &s.labels.set {
                        ui.selectable_value(&mut view.bulk_label, Some(d.id), &d.name);
                    }
                    ui.selectable_value(&mut view.bulk_label, None, "(clear)");
                })
                .response
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            if ui
                .button(format!("Label {} posts", thousands(n as u64)))
                .clicked()
            {
                out.push(AppCommand::ConfirmBulk);
            }
            if ui.button("Cancel").clicked() {
                out.push(AppCommand::CancelBulk);
            }
        });
    });
}
