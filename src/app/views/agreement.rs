//! Agreement between labellers: choose annotated CSVs (one per labeller) and see Cohen's
//! kappa, Krippendorff's alpha, the confusion matrix and the disagreements to adjudicate.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::app::AppCommand;
use crate::labels::agreement::{
    PairReport, common_key, compare, krippendorff_alpha, read_annotated,
};

#[derive(Default)]
pub struct AgreementView {
    pub dirty: bool,
    result: Option<Result<Comparison, String>>,
}

/// Pairwise reports and Krippendorff's alpha.
type Comparison = (Vec<PairReport>, Option<f64>);

impl AgreementView {
    pub fn ui(&mut self, ui: &mut Ui, files: &[PathBuf], out: &mut Vec<AppCommand>) {
        ui.label(
            "Compare labellers: add each labeller's annotated CSV (an export with derail_label).",
        );
        ui.horizontal(|ui| {
            if ui.button("Add an annotated CSV…").clicked() {
                out.push(AppCommand::AgreementDialog);
            }
        });
        for f in files {
            ui.label(format!("• {}", f.display()));
        }
        if self.dirty {
            self.dirty = false;
            self.result = Some(compute(files));
        }
        match &self.result {
            None => {}
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok((pairs, alpha))) => {
                egui::ScrollArea::vertical()
                    .id_salt("agree")
                    .show(ui, |ui| {
                        if files.len() > 2 {
                            match alpha {
                                Some(a) => ui.label(
                                    RichText::new(format!(
                                        "Krippendorff's alpha ({} labellers): {a:.3}",
                                        files.len()
                                    ))
                                    .strong(),
                                ),
                                None => ui.label("Krippendorff's alpha: undefined"),
                            };
                        }
                        for p in pairs {
                            ui.separator();
                            ui.label(
                                RichText::new(format!("{} vs {}", short(&p.a), short(&p.b)))
                                    .strong(),
                            );
                            ui.label(format!(
                                "{} posts labelled by both · agreement {:.3} · Cohen's kappa {}",
                                p.common,
                                p.agreement,
                                p.kappa
                                    .map(|k| format!("{k:.3}"))
                                    .unwrap_or_else(|| "undefined".into())
                            ));
                            egui::Grid::new(("cm", &p.a, &p.b))
                                .striped(true)
                                .show(ui, |ui| {
                                    ui.label("A \\ B");
                                    for l in &p.labels {
                                        ui.label(RichText::new(l).strong());
                                    }
                                    ui.end_row();
                                    for (i, l) in p.labels.iter().enumerate() {
                                        ui.label(RichText::new(l).strong());
                                        for c in &p.matrix[i] {
                                            ui.label(c.to_string());
                                        }
                                        ui.end_row();
                                    }
                                });
                            ui.label(format!(
                                "{} disagreements to adjudicate:",
                                p.disagreements.len()
                            ));
                            for (k, a, b) in p.disagreements.iter().take(200) {
                                ui.label(RichText::new(format!("{k}: {a} / {b}")).monospace());
                            }
                        }
                    });
            }
        }
    }
}

fn short(p: &str) -> String {
    std::path::Path::new(p)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.to_string())
}

fn compute(files: &[PathBuf]) -> Result<Comparison, String> {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let annotated = files
        .iter()
        .zip(&names)
        .map(|(f, n)| Ok((n.clone(), read_annotated(f)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let (_, codings) = common_key(&annotated)?;
    let mut pairs = Vec::new();
    for a in 0..codings.len() {
        for b in a + 1..codings.len() {
            pairs.push(compare(&names[a], &codings[a], &names[b], &codings[b]));
        }
    }
    Ok((pairs, krippendorff_alpha(&codings)))
}
