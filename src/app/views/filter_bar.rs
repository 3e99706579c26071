//! The search box, the filter chips and the row count, always visible above the views.

use egui::{RichText, Ui};

use crate::app::views::{short_time, thousands};
use crate::app::{AppCommand, Session};
use crate::query::{Filter, LabelFilter};

#[derive(Default)]
pub struct FilterBar {
    search: String,
    regex: bool,
    /// The search text last sent, so typing re-filters only when it changes.
    sent: Option<(String, bool)>,
    /// The filter's search as last seen, to notice changes made elsewhere.
    seen: Option<(String, bool)>,
}

impl FilterBar {
    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        self.follow_changes_made_elsewhere(s);
        ui.horizontal_wrapped(|ui| {
            self.search_box(ui, s, out);
            ui.separator();
            for (text, without) in filter_chips(s) {
                if ui
                    .button(format!("{text}  ×"))
                    .on_hover_text("remove this filter")
                    .clicked()
                {
                    out.push(AppCommand::SetFilter(without));
                }
            }
            if !s.filter.is_empty() && ui.button("Clear filters").clicked() {
                self.search.clear();
                out.push(AppCommand::SetFilter(Filter::default()));
            }
            ui.separator();
            row_count(ui, s);
        });
    }

    /// Shows a search changed elsewhere (cleared, a moment picked) in the box.
    fn follow_changes_made_elsewhere(&mut self, s: &Session) {
        let fs = (s.filter.search.clone(), s.filter.regex);
        if self.seen.as_ref() != Some(&fs) && self.sent.as_ref() != Some(&fs) {
            self.search = fs.0.clone();
            self.regex = fs.1;
            self.sent = Some(fs.clone());
        }
        self.seen = Some(fs);
    }

    /// The search box and its regex switch; typing re-filters when the search changes.
    fn search_box(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        let label = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut self.search)
                .hint_text("text or @handle")
                .desired_width(220.0)
                .id_salt("search"),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut self.regex, "regex");
        let now = (self.search.clone(), self.regex);
        if self.sent.as_ref() != Some(&now) {
            let f = Filter {
                search: now.0.clone(),
                regex: now.1,
                ..s.filter.clone()
            };
            out.push(AppCommand::SetFilter(f));
            self.sent = Some(now);
        }
    }
}

/// A chip for each part of the filter but the search: what it says, and the filter
/// without it.
fn filter_chips(s: &Session) -> Vec<(String, Filter)> {
    let f = &s.filter;
    let mut chips = Vec::new();
    let mut chip = |text: String, without: Filter| chips.push((text, without));
    if let Some(h) = f.hashtag {
        let name = s.display.get(h as usize).cloned().unwrap_or_default();
        chip(
            format!("#{name}"),
            Filter {
                hashtag: None,
                ..f.clone()
            },
        );
    }
    if let Some((a, b)) = f.time {
        let text = format!("{} → {}", short_time(a), short_time(b));
        chip(
            text,
            Filter {
                time: None,
                ..f.clone()
            },
        );
    }
    if let Some(c) = f.cluster {
        chip(
            format!("cluster {c}"),
            Filter {
                cluster: None,
                ..f.clone()
            },
        );
    }
    if let Some(g) = f.dup_group {
        let without = Filter {
            dup_group: None,
            ..f.clone()
        };
        chip(format!("near-dup group {g}"), without);
    }
    if let (Some(t), Some(an)) = (f.tag, &s.an) {
        let name = an.tag_names.get(t).cloned().unwrap_or_default();
        chip(
            format!("tag {name}"),
            Filter {
                tag: None,
                ..f.clone()
            },
        );
    }
    if let Some(l) = f.label {
        let name = match l {
            LabelFilter::Is(id) => s.labels.def(id).map(|d| d.name.clone()).unwrap_or_default(),
            LabelFilter::Unlabelled => "unlabelled".into(),
            LabelFilter::Labelled => "labelled".into(),
        };
        chip(
            format!("label {name}"),
            Filter {
                label: None,
                ..f.clone()
            },
        );
    }
    if let Some(a) = f.author {
        let text = format!("@{}", s.ds.authors.handle(a));
        chip(
            text,
            Filter {
                author: None,
                ..f.clone()
            },
        );
    }
    if let (Some(m), Some(an)) = (f.moment, &s.an)
        && let Some(mm) = an.moments.get(m)
    {
        let text = format!("takeover of #{}", mm.display);
        chip(
            text,
            Filter {
                moment: None,
                ..f.clone()
            },
        );
    }
    chips
}

/// How many posts the filter shows, whether it is being updated, and its error.
fn row_count(ui: &mut Ui, s: &Session) {
    let busy = if s.rows_job.is_some() {
        " (updating…)"
    } else {
        ""
    };
    ui.label(
        RichText::new(format!(
            "{} of {} posts{busy}",
            thousands(s.rows.len() as u64),
            thousands(s.ds.len() as u64)
        ))
        .strong(),
    );
    if let Some(e) = &s.rows_error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}
