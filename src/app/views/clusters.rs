//! Clusters and near-duplicate groups: size, top terms or text, a sparkline over time.
//! Clicking one filters the other views to it; a button labels the whole set.

use egui::{Color32, RichText, Ui, pos2, vec2};

use crate::analysis::Cluster;
use crate::analysis::timeline::robust_range;
use crate::app::views::{count, post_text, short_time, thousands};
use crate::app::{AppCommand, BulkTarget, Session};
use crate::query::Filter;

const SPARK_BINS: usize = 48;

#[derive(Default)]
pub struct ClustersView {
    show_groups: bool,
    /// Per cluster, then per near-duplicate group: counts over time (built once per analysis).
    sparks: Option<Sparks>,
    /// The height of a cluster's row as last drawn: the list draws only the rows in view
    /// (real posts make hundreds of clusters), and needs it to place them.
    cluster_row_height: Option<f32>,
}

/// (analysis address, per-cluster counts, per-group counts)
type Sparks = (usize, Vec<Vec<u32>>, Vec<Vec<u32>>);

fn sparkline(ui: &mut Ui, counts: &[u32], color: Color32) {
    let (rect, _) = ui.allocate_exact_size(vec2(120.0, 18.0), egui::Sense::hover());
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    let n = counts.len().max(2) as f32;
    let pts: Vec<egui::Pos2> = counts
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            pos2(
                rect.left() + rect.width() * k as f32 / (n - 1.0),
                rect.bottom() - rect.height() * c as f32 / max,
            )
        })
        .collect();
    ui.painter()
        .add(egui::Shape::line(pts, egui::Stroke::new(1.5, color)));
}

impl ClustersView {
    fn build(&mut self, s: &Session) {
        let Some(an) = &s.an else { return };
        let key = std::sync::Arc::as_ptr(an) as usize;
        if self.sparks.as_ref().is_some_and(|x| x.0 == key) {
            return;
        }
        let (lo, hi) = robust_range(&s.ds.created_at).unwrap_or((0, 1));
        let span = (hi - lo).max(1);
        let bin = |t: i64| {
            (((t - lo).clamp(0, span) as i128 * (SPARK_BINS as i128 - 1)) / span as i128) as usize
        };
        let mut c = vec![vec![0u32; SPARK_BINS]; an.clusters.len()];
        let groups = an.dup_groups.len().min(200);
        let mut g = vec![vec![0u32; SPARK_BINS]; groups];
        for i in 0..s.ds.len() {
            let b = bin(s.ds.created_at[i]);
            if an.cluster[i] >= 0 {
                c[an.cluster[i] as usize][b] += 1;
            }
            let d = an.dup_group[i];
            if (d as usize) < groups {
                g[d as usize][b] += 1;
            }
        }
        self.sparks = Some((key, c, g));
    }

    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        let Some(an) = &s.an else {
            ui.label("The analysis is still running.");
            return;
        };
        self.build(s);
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.show_groups,
                false,
                format!("Topic clusters ({})", an.clusters.len()),
            );
            ui.selectable_value(
                &mut self.show_groups,
                true,
                format!(
                    "Near-duplicate groups ({})",
                    thousands(an.dup_groups.len() as u64)
                ),
            );
        });
        ui.separator();
        let accent = ui.visuals().selection.bg_fill;
        let Some((_, cs, gs)) = &self.sparks else {
            return;
        };
        if !self.show_groups {
            // A row is two lines of text and a separator; measured once it is drawn.
            let estimate = 2.0 * ui.text_style_height(&egui::TextStyle::Body) + 12.0;
            let row_height = self.cluster_row_height.unwrap_or(estimate);
            let mut drawn = None;
            egui::ScrollArea::vertical().id_salt("clusters").show_rows(
                ui,
                row_height,
                an.clusters.len(),
                |ui, rows| {
                    ui.style_mut().interaction.selectable_labels = false;
                    let text_w = (ui.available_width() - 330.0).max(200.0);
                    for c in &an.clusters[rows] {
                        let top = ui.cursor().top();
                        cluster_row(ui, s, c, &cs[c.id as usize], accent, text_w, out);
                        drawn = Some(ui.cursor().top() - top - ui.spacing().item_spacing.y);
                    }
                },
            );
            self.cluster_row_height = drawn.or(self.cluster_row_height);
            return;
        }
        egui::ScrollArea::vertical().id_salt("groups").show(ui, |ui| {
            ui.style_mut().interaction.selectable_labels = false;
            let text_w = (ui.available_width() - 330.0).max(200.0);
            for g in an.dup_groups.iter().take(200) {
                ui.horizontal(|ui| {
                    let selected = s.filter.dup_group == Some(g.id);
                    if ui.add_sized([44.0, 20.0], egui::Button::selectable(selected, format!("{}", g.id))).clicked() {
                        out.push(AppCommand::SetFilter(Filter { dup_group: if selected { None } else { Some(g.id) }, ..s.filter.clone() }));
                    }
                    ui.add_sized([64.0, 20.0], egui::Label::new(count(g.size as u64, "post", "posts")));
                    sparkline(ui, &gs[g.id as usize], accent);
                    ui.vertical(|ui| {
                        ui.set_width(text_w);
                        let t = post_text::one_line(s.ds.text(g.representative as usize), ui, 200);
                        ui.add(egui::Label::new(t).truncate());
                        ui.label(RichText::new(format!("{} · {} → {}", count(g.authors as u64, "account", "accounts"), short_time(g.first_ms), short_time(g.last_ms))).weak().small());
                    });
                    if ui.small_button("label all…").clicked() {
                        out.push(AppCommand::AskBulk(BulkTarget::DupGroup(g.id), g.size));
                    }
                });
                ui.separator();
            }
            if an.dup_groups.len() > 200 {
                ui.label(format!("… and {} smaller groups (filter the table by a post's group from its detail pane)", thousands(an.dup_groups.len() as u64 - 200)));
            }
        });
    }
}

/// One topic cluster's row: its number (a filter), size, sparkline, terms and first
/// exemplar, and a button to label it all; a separator below.
fn cluster_row(
    ui: &mut Ui,
    s: &Session,
    c: &Cluster,
    spark: &[u32],
    accent: Color32,
    text_w: f32,
    out: &mut Vec<AppCommand>,
) {
    ui.horizontal(|ui| {
        let selected = s.filter.cluster == Some(c.id);
        if ui
            .add_sized(
                [44.0, 20.0],
                egui::Button::selectable(selected, format!("{}", c.id)),
            )
            .clicked()
        {
            out.push(AppCommand::SetFilter(Filter {
                cluster: if selected { None } else { Some(c.id) },
                ..s.filter.clone()
            }));
        }
        ui.add_sized([64.0, 20.0], egui::Label::new(thousands(c.size as u64)));
        sparkline(ui, spark, accent);
        ui.vertical(|ui| {
            ui.set_width(text_w);
            ui.add(egui::Label::new(RichText::new(c.top_terms.join(" · ")).strong()).truncate());
            if let Some(&e) = c.exemplars.first() {
                let t = post_text::one_line(s.ds.text(e as usize), ui, 200);
                if ui
                    .add(
                        egui::Label::new(RichText::new(t).weak())
                            .truncate()
                            .sense(egui::Sense::click()),
                    )
                    .clicked()
                {
                    out.push(AppCommand::Select(Some(e as usize)));
                }
            }
        });
        if ui.small_button("label all…").clicked() {
            out.push(AppCommand::AskBulk(BulkTarget::Cluster(c.id), c.size));
        }
    });
    ui.separator();
}
