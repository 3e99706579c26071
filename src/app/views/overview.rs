//! Overview: the dataset at a glance — posts, time range, authors, rejected rows and their
//! reasons, load warnings — and the hashtags by volume, with a badge on each one taken over.

use egui::{RichText, Ui};

use crate::app::views::thousands;
use crate::app::{AppCommand, Session, Tab};
use crate::query::Filter;
use crate::time::format_iso;

#[derive(Default)]
pub struct OverviewView {
    show_all_tags: bool,
}

impl OverviewView {
    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        let ds = &s.ds;
        egui::ScrollArea::vertical()
            .id_salt("overview")
            .show(ui, |ui| {
                ui.heading(
                    ds.source
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
                egui::Grid::new("summary")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| summary_rows(ui, s));
                rejections_and_damage(ui, s);
                moments(ui, s, out);
                self.hashtags(ui, s, out);
            });
    }

    /// The hashtags by volume (the first 40, or all), each with its verdict.
    fn hashtags(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.add_space(8.0);
        ui.label(RichText::new("Hashtags by volume").strong());
        let taken: Vec<u32> =
            s.an.as_ref()
                .map(|a| a.moments.iter().map(|m| m.hashtag_index).collect())
                .unwrap_or_default();
        let shown = if self.show_all_tags {
            s.hashtag_counts.len()
        } else {
            40.min(s.hashtag_counts.len())
        };
        egui::Grid::new("tags")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                for &(h, c) in &s.hashtag_counts[..shown] {
                    let name = s.display.get(h as usize).cloned().unwrap_or_default();
                    if ui.link(format!("#{name}")).clicked() {
                        out.push(AppCommand::SetFilter(Filter {
                            hashtag: Some(h),
                            ..Default::default()
                        }));
                        out.push(AppCommand::ShowTab(Tab::Timeline));
                    }
                    ui.label(thousands(c));
                    verdict(ui, s, h, taken.contains(&h));
                    ui.end_row();
                }
            });
        if s.hashtag_counts.len() > 40 {
            ui.checkbox(
                &mut self.show_all_tags,
                format!(
                    "show all {} hashtags",
                    thousands(s.hashtag_counts.len() as u64)
                ),
            );
        }
    }
}

/// Format, posts, time range, authors, time zone and the analysis, one grid row each.
fn summary_rows(ui: &mut Ui, s: &Session) {
    let ds = &s.ds;
    let r = &ds.report;
    ui.label("Format");
    ui.label(format!("{} ({})", r.format_detail, r.encoding));
    ui.end_row();
    ui.label("Posts");
    let mut rows = format!(
        "{} loaded of {} rows; {} rejected",
        thousands(r.loaded),
        thousands(r.rows_in),
        thousands(r.rejected)
    );
    if r.outside_slice > 0 {
        rows.push_str(&format!(
            "; {} outside the slice",
            thousands(r.outside_slice)
        ));
    }
    ui.label(rows);
    ui.end_row();
    if let Some((a, b)) = ds.time_range() {
        ui.label("Time range");
        ui.label(format!("{} → {}", format_iso(a), format_iso(b)));
        ui.end_row();
    }
    ui.label("Authors");
    ui.label(thousands(ds.authors.len() as u64));
    ui.end_row();
    if r.naive_timestamps > 0 {
        ui.label("Time zone");
        ui.label(format!(
            "{} timestamps had no zone; read as {}",
            thousands(r.naive_timestamps),
            r.naive_zone
        ));
        ui.end_row();
    }
    ui.label("Analysis");
    if let Some(an) = &s.an {
        ui.label(format!(
            "{} clusters, {} near-duplicate groups, {} coordinated episodes, {} takeover moments ({:.1} s)",
            an.clusters.len(),
            thousands(an.dup_groups.len() as u64),
            thousands(an.coordination.len() as u64),
            an.moments.len(),
            s.analysis_seconds
        ));
    } else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("running…");
        });
    }
    ui.end_row();
}

/// The rejected rows and their reasons, and the damage found and how it was handled.
fn rejections_and_damage(ui: &mut Ui, s: &Session) {
    let r = &s.ds.report;
    if r.rejected > 0 {
        ui.add_space(8.0);
        let title = format!("{} rejected rows", thousands(r.rejected));
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .default_open(true)
            .show(ui, |ui| {
                for (k, n) in &r.rejected_by_kind {
                    ui.label(format!("{} × {k}", thousands(*n)));
                }
                for x in r.rejections.iter().take(20) {
                    ui.label(RichText::new(x.to_string()).monospace().small());
                }
            });
    }
    if !r.warnings.is_empty() || !s.labels.warnings.is_empty() {
        ui.add_space(8.0);
        let title = "Damage found and how it was handled";
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .default_open(true)
            .show(ui, |ui| {
                for w in &r.warnings {
                    ui.label(format!(
                        "{} × {}{}",
                        thousands(w.count),
                        w.message,
                        w.lines_note()
                    ));
                }
                for w in &s.labels.warnings {
                    ui.colored_label(ui.visuals().warn_fg_color, w);
                }
            });
    }
}

/// The takeover moments, each a link to its tab.
fn moments(ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
    let Some(an) = s.an.as_ref().filter(|an| !an.moments.is_empty()) else {
        return;
    };
    ui.add_space(8.0);
    ui.label(RichText::new("Takeover moments").strong());
    for (k, m) in an.moments.iter().enumerate() {
        let text = format!(
            "#{}  {} → {}  ·  {:.0}% takeover posts  ·  score {:.0}",
            m.display,
            format_iso(m.onset_ms),
            format_iso(m.end_ms),
            m.share * 100.0,
            m.score
        );
        if ui.link(text).clicked() {
            out.push(AppCommand::SelectMoment(Some(k)));
            out.push(AppCommand::ShowTab(Tab::Moment));
        }
    }
}

/// A hashtag's verdict: a badge where it was taken over, else its status with the reason
/// on hover, or why it was not assessed.
fn verdict(ui: &mut Ui, s: &Session, h: u32, taken: bool) {
    if taken {
        ui.label(
            RichText::new(" TAKEN OVER ")
                .color(egui::Color32::WHITE)
                .background_color(egui::Color32::from_rgb(0xc0, 0x39, 0x2b)),
        );
    } else if let Some(a) = s.an.as_ref().and_then(|a| {
        a.hashtags
            .iter()
            .find(|x| x.tag == s.ds.hashtag_names.resolve(h))
    }) {
        let status = if a.guess {
            format!("{} (a guess)", a.status)
        } else {
            a.status.clone()
        };
        ui.label(RichText::new(status).weak())
            .on_hover_text(&a.reason);
    } else if let Some(an) = &s.an {
        let min = an.config.takeover.min_tag_posts;
        ui.label(RichText::new("too few posts").weak())
            .on_hover_text(format!(
                "Hashtags with fewer than {min} posts, or beyond the {} largest, are not assessed.",
                an.config.takeover.max_hashtags
            ));
    } else {
        ui.label("");
    }
}
