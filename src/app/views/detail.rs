//! The detail pane: the selected post's full text, its metadata, its label, and its
//! near-duplicates.

use egui::{RichText, Ui};

use crate::app::views::{parse_color, post_text, short_time, thousands};
use crate::app::{AppCommand, BulkTarget, Session};
use crate::labels::LabelCommand;
use crate::query::Filter;
use crate::time::format_iso;

#[derive(Default)]
pub struct DetailView {
    /// The selected post and the other members of its near-duplicate group.
    members: Option<(usize, Vec<usize>)>,
}

impl DetailView {
    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        let Some(i) = s.selected.filter(|&i| i < s.ds.len()) else {
            ui.label(RichText::new("Select a post in the table to see it here.").weak());
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("detail")
            .show(ui, |ui| {
                ui.label(
                    RichText::new(format!("@{}", s.ds.handle(i)))
                        .strong()
                        .size(15.0),
                );
                ui.add_space(4.0);
                post_text::wrapped(ui, s.ds.text(i), 14.0);
                ui.add_space(6.0);
                label_buttons(ui, s, i, out);
                ui.separator();
                egui::Grid::new("meta")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| metadata_rows(ui, s, i));
                filter_buttons(ui, s, i, out);
                self.near_duplicates(ui, s, i, out);
            });
    }

    /// The post's near-duplicate group: its size, buttons to show or label it, and up to
    /// 30 of its other posts to select.
    fn near_duplicates(&mut self, ui: &mut Ui, s: &Session, i: usize, out: &mut Vec<AppCommand>) {
        let ds = &s.ds;
        let Some(an) = s.an.as_ref().filter(|_| !s.is_blind()) else {
            return;
        };
        let g = an.dup_group[i];
        if g == u32::MAX {
            ui.label(RichText::new("No near-duplicates.").weak());
            return;
        }
        let grp = &an.dup_groups[g as usize];
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "Near-duplicate group {g}: {} posts by {} accounts",
                    thousands(grp.size as u64),
                    thousands(grp.authors as u64)
                ))
                .strong(),
            );
        });
        ui.horizontal(|ui| {
            if ui.small_button("show the group").clicked() {
                out.push(AppCommand::SetFilter(Filter {
                    dup_group: Some(g),
                    ..Default::default()
                }));
            }
            if ui.small_button("label the whole group…").clicked() {
                out.push(AppCommand::AskBulk(BulkTarget::DupGroup(g), grp.size));
            }
        });
        if self.members.as_ref().is_none_or(|m| m.0 != i) {
            let list: Vec<usize> = (0..ds.len())
                .filter(|&j| j != i && an.dup_group[j] == g)
                .take(30)
                .collect();
            self.members = Some((i, list));
        }
        if let Some((_, list)) = &self.members {
            // One line each: a right-to-left text in drawing order must not wrap.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            for &j in list {
                let text = crate::text::display_line(ds.text(j), 100);
                if ui
                    .link(format!(
                        "{} @{}: {text}",
                        short_time(ds.created_at[j]),
                        ds.handle(j)
                    ))
                    .clicked()
                {
                    out.push(AppCommand::Select(Some(j)));
                }
            }
            if list.len() >= 30 {
                ui.label(RichText::new("…").weak());
            }
        }
    }
}

/// The label buttons, numbered as the keys, and who labelled the post when.
fn label_buttons(ui: &mut Ui, s: &Session, i: usize, out: &mut Vec<AppCommand>) {
    let ds = &s.ds;
    ui.horizontal_wrapped(|ui| {
        let current = s.label_of[i];
        for (k, d) in s.labels.set.iter().enumerate() {
            let text = if k < 9 {
                format!("{} {}", k + 1, d.name)
            } else {
                d.name.clone()
            };
            let selected = current == d.id;
            let b = egui::Button::new(RichText::new(text).color(if selected {
                egui::Color32::WHITE
            } else {
                parse_color(&d.color)
            }))
            .selected(selected);
            if ui.add(b).clicked() {
                out.push(AppCommand::Label(LabelCommand::Assign {
                    posts: vec![ds.post_key(i)],
                    label: Some(d.id),
                }));
            }
        }
        if ui.button("clear").clicked() {
            out.push(AppCommand::Label(LabelCommand::Assign {
                posts: vec![ds.post_key(i)],
                label: None,
            }));
        }
    });
    if let Some(e) = s.labels.get(&ds.post_key(i)) {
        ui.label(
            RichText::new(format!("labelled by {} at {}", e.by, format_iso(e.at_ms)))
                .weak()
                .small(),
        );
    }
}

/// The post's metadata, one grid row each, and derail's findings unless labelling blind.
fn metadata_rows(ui: &mut Ui, s: &Session, i: usize) {
    let ds = &s.ds;
    let mut row = |k: &str, v: String| {
        ui.label(RichText::new(k).strong());
        ui.add(egui::Label::new(v).wrap());
        ui.end_row();
    };
    row("Post", ds.post_key(i));
    row("Time", format_iso(ds.created_at[i]));
    row("Kind", ds.source.format.kind_word(ds.kind[i]).to_string());
    if !ds.community(i).is_empty() {
        let mut word = ds.source.format.community_word().to_string();
        if let Some(f) = word.get_mut(0..1) {
            f.make_ascii_uppercase();
        }
        row(&word, ds.community(i).to_string());
    }
    if !ds.ref_id(i).is_empty() {
        row("Refers to", ds.ref_id(i).into_owned());
    }
    row("Author id", ds.authors.key(ds.author[i]).to_string());
    if !ds.lang(i).is_empty() {
        row("Language", ds.lang(i).to_string());
    }
    let tags: Vec<String> = ds.hashtag_spellings(i).map(|t| format!("#{t}")).collect();
    if !tags.is_empty() {
        row("Hashtags", tags.join(" "));
    }
    let urls: Vec<&str> = ds.urls(i).collect();
    if !urls.is_empty() {
        row("Links", urls.join("\n"));
    }
    if ds.has_media[i] {
        row("Media", "yes".into());
    }
    if let Some(metrics) = metrics_line(s, i) {
        row("Metrics", metrics);
    }
    row("Source line", ds.line(i).to_string());
    if s.is_blind() {
        row("derail", "hidden while labelling blind".to_string());
    } else if let Some(an) = &s.an {
        row("Tags", an.tag_list(i).join(", "));
        row("Cluster", an.cluster[i].to_string());
        if let Some(why) = an.why(ds, i) {
            row("Why marked", why);
        }
    }
}

/// The post's reposts, replies, likes and quotes, "–" for those the source lacks.
fn metrics_line(s: &Session, i: usize) -> Option<String> {
    let m = s.ds.metrics(i);
    if m.is_empty() {
        return None;
    }
    let f = |x: u32| {
        if x == crate::model::METRIC_NONE {
            "–".into()
        } else {
            thousands(x as u64)
        }
    };
    Some(format!(
        "{} reposts · {} replies · {} likes · {} quotes",
        f(m.reposts),
        f(m.replies),
        f(m.likes),
        f(m.quotes)
    ))
}

/// Buttons that narrow the table to the post's author or cluster.
fn filter_buttons(ui: &mut Ui, s: &Session, i: usize, out: &mut Vec<AppCommand>) {
    let ds = &s.ds;
    ui.horizontal(|ui| {
        if ui.small_button(format!("only @{}", ds.handle(i))).clicked() {
            out.push(AppCommand::SetFilter(Filter {
                author: Some(ds.author[i]),
                ..s.filter.clone()
            }));
        }
        if let Some(an) = &s.an
            && !s.is_blind()
            && an.cluster[i] >= 0
            && ui
                .small_button(format!("only cluster {}", an.cluster[i]))
                .clicked()
        {
            out.push(AppCommand::SetFilter(Filter {
                cluster: Some(an.cluster[i]),
                ..s.filter.clone()
            }));
        }
    });
}
