//! The audit beside the labels: draw a stratified sample of a moment's window (blind if
//! asked), label it from the queue, and read derail's precision, recall, F1 and the
//! window's true takeover share with their 95 % intervals as the labels come in.

use egui::{RichText, Ui};

use crate::analysis::TakeoverMoment;
use crate::app::session::QueueMode;
use crate::app::views::thousands;
use crate::app::{AppCommand, Session};
use crate::audit::plan::{PlanRequest, SamplePlan, Strata};
use crate::audit::{Figure, MomentAudit, audit};

pub struct AuditView {
    half_width_points: f64,
    seed: u64,
    by_cluster: bool,
    blind: bool,
    coder: String,
    /// The hashtag whose packet the save dialog is open for.
    pub packet_hashtag: Option<String>,
    /// The audits, with the (labels version, analysis) they were computed for.
    cache: Option<((u64, usize), Vec<MomentAudit>)>,
}

impl Default for AuditView {
    fn default() -> Self {
        AuditView {
            half_width_points: 10.0,
            seed: 1,
            by_cluster: false,
            blind: true,
            coder: "coder 2".into(),
            packet_hashtag: None,
            cache: None,
        }
    }
}

fn figure_row(ui: &mut Ui, name: &str, f: &Figure) {
    ui.label(name);
    match f {
        Figure::Estimate(e) => {
            ui.label(RichText::new(format!("{:.2}", e.value)).strong());
            ui.label(format!("95% CI {:.2}–{:.2}", e.low, e.high));
            ui.label(RichText::new(format!("{} labels", e.n)).weak());
        }
        Figure::Missing { missing } => {
            ui.label("—");
            ui.label(RichText::new(missing).weak());
            ui.label("");
        }
    }
    ui.end_row();
}

impl AuditView {
    /// The name given to the next imported coder.
    pub fn coder_name(&self) -> String {
        let n = self.coder.trim();
        if n.is_empty() {
            "coder 2".into()
        } else {
            n.to_string()
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        egui::ScrollArea::vertical()
            .id_salt("audit")
            .show(ui, |ui| self.contents(ui, s, out));
    }

    fn contents(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.label(RichText::new("Audit a moment").strong());
        let Some(an) = s.an.as_deref() else {
            ui.label(RichText::new("The audit needs the analysis; it is still running.").weak());
            return;
        };
        if an.moments.is_empty() {
            ui.label(
                RichText::new("No takeover moment was found, so there is nothing to audit.").weak(),
            );
            return;
        }
        let moment = s.moment.unwrap_or(0).min(an.moments.len() - 1);
        let m = &an.moments[moment];
        ui.label(format!(
            "#{} (choose another moment in the Takeover moment tab). Draw a stratified random sample of its window — derail's verdict (marked takeover, counter-speech, not marked) splits it — and label the sample in its random order.",
            m.display
        ));
        self.sample_controls(ui, m, out);
        uncertain_queue_button(ui, s, moment, out);
        if let Some(p) = s.labels.plan_for(&m.hashtag) {
            self.plan_line(ui, s, p, out);
        }
        if s.is_blind() {
            ui.label(
                RichText::new(
                    "The audit's figures are hidden while labelling blind: they would tell how derail judged the sample. Go back to table order in the Labels tab to read them.",
                )
                .weak(),
            );
            return;
        }
        let key = (s.labels.version, an as *const _ as usize);
        if self.cache.as_ref().is_none_or(|(k, _)| *k != key) {
            self.cache = Some((key, audit(&s.ds, an, &s.labels)));
        }
        let Some((_, audits)) = &self.cache else {
            return;
        };
        let Some(a) = audits.get(moment) else { return };
        figures_and_design(ui, a);
        ui.separator();
        coders_ui(&mut self.coder, ui, s, a, out);
    }

    /// The sample's settings (interval half-width, seed, strata, blind) and its button.
    fn sample_controls(&mut self, ui: &mut Ui, m: &TakeoverMoment, out: &mut Vec<AppCommand>) {
        ui.horizontal(|ui| {
            ui.add(
                egui::DragValue::new(&mut self.half_width_points)
                    .range(2.0..=50.0)
                    .speed(0.5)
                    .prefix("± ")
                    .suffix(" points per stratum"),
            );
            ui.add(
                egui::DragValue::new(&mut self.seed)
                    .range(1..=1_000_000)
                    .prefix("seed "),
            );
            ui.checkbox(&mut self.by_cluster, "by cluster too");
            ui.checkbox(&mut self.blind, "blind");
            if ui.button("Draw sample").clicked() {
                out.push(AppCommand::DrawPlan(PlanRequest {
                    hashtag: m.hashtag.clone(),
                    half_width: self.half_width_points / 100.0,
                    seed: self.seed,
                    strata: if self.by_cluster {
                        Strata::VerdictAndCluster
                    } else {
                        Strata::Verdict
                    },
                    blind: self.blind,
                }));
            }
        });
    }

    /// The drawn sample's progress, and buttons to label it or write a second coder's
    /// packet.
    fn plan_line(&mut self, ui: &mut Ui, s: &Session, p: &SamplePlan, out: &mut Vec<AppCommand>) {
        let labelled = p.order.iter().filter(|k| s.labels.get(k).is_some()).count();
        ui.horizontal(|ui| {
            ui.label(format!(
                "Sample {}: {} of {} labelled{}",
                p.id,
                thousands(labelled as u64),
                thousands(p.size() as u64),
                if p.request.blind { " · blind" } else { "" }
            ));
            let serving = matches!(&s.queue, QueueMode::Plan { id, .. } if *id == p.id);
            if !serving && ui.button("Label this sample").clicked() {
                out.push(AppCommand::StartPlan(p.id.clone()));
            }
            if ui.button("Packet for a second coder…").clicked() {
                self.packet_hashtag = Some(p.request.hashtag.clone());
                out.push(AppCommand::PacketDialog);
            }
        });
    }
}

/// Serves the posts closest to derail's decision first, unless it already does.
fn uncertain_queue_button(ui: &mut Ui, s: &Session, moment: usize, out: &mut Vec<AppCommand>) {
    ui.horizontal(|ui| {
        let serving = matches!(&s.queue, QueueMode::Uncertain { moment: k, .. } if *k == moment);
        if !serving
            && ui
                .button("Next most useful: closest to derail's decision")
                .clicked()
        {
            out.push(AppCommand::UncertainQueue(moment));
        }
        ui.label(RichText::new("(not a random draw: left out of the estimates)").weak());
    });
}

/// The audit's design, its figures with their intervals, its strata and what it left out.
fn figures_and_design(ui: &mut Ui, a: &MomentAudit) {
    ui.label(RichText::new(&a.design).weak());
    egui::Grid::new("audit-figures")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            let f = &a.figures;
            figure_row(ui, "Takeover precision", &f.precision);
            figure_row(ui, "Takeover recall", &f.recall);
            figure_row(ui, "Takeover F1", &f.f1);
            figure_row(ui, "True takeover share", &f.share);
            ui.label("derail's share");
            ui.label(RichText::new(format!("{:.2}", a.derail_share)).strong());
            ui.label(format!(
                "of {} posts in the window",
                thousands(a.window_posts)
            ));
            ui.label("");
            ui.end_row();
            figure_row(ui, "Counter-speech precision", &f.counter_speech_precision);
            figure_row(ui, "Counter-speech recall", &f.counter_speech_recall);
        });
    for st in &a.strata {
        ui.label(
            RichText::new(format!(
                "{}: {} posts, {} drawn, {} labelled",
                st.name,
                thousands(st.population),
                thousands(st.drawn),
                thousands(st.labelled)
            ))
            .small(),
        );
    }
    for (why, n) in &a.not_counted {
        ui.label(
            RichText::new(format!("Not counted, {why}: {n}"))
                .small()
                .weak(),
        );
    }
}

/// Second coders: import, agreement per label, disagreements to adjudicate.
fn coders_ui(
    coder: &mut String,
    ui: &mut Ui,
    s: &Session,
    a: &MomentAudit,
    out: &mut Vec<AppCommand>,
) {
    ui.label(RichText::new("Second coder").strong());
    ui.label(RichText::new("Give a second coder the sample as a blind packet (Packet for a second coder… above, or derail packet INPUT --hashtag TAG --out packet.csv), then import their export here. Their labels stay in their own layer.").weak());
    ui.horizontal(|ui| {
        ui.label("Coder");
        ui.add(egui::TextEdit::singleline(coder).desired_width(120.0));
        if ui.button("Import a coder's annotated CSV…").clicked() {
            out.push(AppCommand::ImportCoderDialog);
        }
    });
    let adjudicating = s.labels.active_layer() == crate::labels::ADJUDICATED;
    for c in &a.coders {
        let kappa = c
            .kappa
            .map(|k| format!("{k:.2}"))
            .unwrap_or_else(|| "undefined".into());
        ui.label(format!(
            "{}: {} posts labelled by both in this window · agreement {:.0}% · Cohen's kappa {kappa}",
            c.coder,
            c.common,
            c.agreement * 100.0
        ));
        let per_label: Vec<String> = c
            .per_label
            .iter()
            .map(|(l, k)| {
                format!(
                    "{l} {}",
                    k.map(|k| format!("{k:.2}")).unwrap_or_else(|| "—".into())
                )
            })
            .collect();
        ui.label(RichText::new(format!("kappa per label: {}", per_label.join(" · "))).small());
        let open = c
            .disagreements
            .iter()
            .filter(|d| d.adjudicated.is_none())
            .count();
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} disagreements, {open} to adjudicate",
                c.disagreements.len()
            ));
            let (text, layer) = if adjudicating {
                ("Stop adjudicating", String::new())
            } else {
                (
                    "Adjudicate (number keys set the adjudicated label)",
                    crate::labels::ADJUDICATED.to_string(),
                )
            };
            if ui.button(text).clicked() {
                out.push(AppCommand::SetLayer(layer));
            }
        });
        egui::Grid::new(("disagreements", &c.coder))
            .striped(true)
            .show(ui, |ui| {
                for d in c.disagreements.iter().take(100) {
                    let Some(&i) = s.keys.get(&d.post) else {
                        continue;
                    };
                    if ui.small_button("show").clicked() {
                        out.push(AppCommand::Select(Some(i as usize)));
                    }
                    ui.label(RichText::new(&d.post).small());
                    ui.label(format!("own: {}", d.own));
                    ui.label(format!("{}: {}", c.coder, d.coder));
                    ui.label(match &d.adjudicated {
                        Some(l) => format!("adjudicated: {l}"),
                        None => "—".into(),
                    });
                    ui.end_row();
                }
            });
    }
}
