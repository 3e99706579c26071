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
        let fs = (s.filter.search.clone(), s.filter.regex);
        if self.seen.as_ref() != Some(&fs) && self.sent.as_ref() != Some(&fs) {
            // Changed elsewhere (cleared, a moment picked): show it.
            self.search = fs.0.clone();
            self.regex = fs.1;
            self.sent = Some(fs.clone());
        }
        self.seen = Some(fs);
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Search");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.search)
                        .hint_text("text or @handle")
                        .desired_width(220.0)
                        .id_salt("search"),
                )
                .labelled_by(label.id);
            let _ = r;
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
            ui.separator();
            let f = &s.filter;
            let mut chip = |ui: &mut Ui, text: String, clear: Filter| {
                if ui
                    .button(format!("{text}  ×"))
                    .on_hover_text("remove this filter")
                    .clicked()
                {
                    out.push(AppCommand::SetFilter(clear));
                }
            };
            if let Some(h) = f.hashtag {
                chip(
                    ui,
                    format!(
                        "#{}",
                        s.display.get(h as usize).cloned().unwrap_or_default()
                    ),
                    Filter {
                        hashtag: None,
                        ..f.clone()
                    },
                );
            }
            if let Some((a, b)) = f.time {
                chip(
                    ui,
                    format!("{} → {}", short_time(a), short_time(b)),
                    Filter {
                        time: None,
                        ..f.clone()
                    },
                );
            }
            if let Some(c) = f.cluster {
                chip(
                    ui,
                    format!("cluster {c}"),
                    Filter {
                        cluster: None,
                        ..f.clone()
                    },
                );
            }
            if let Some(g) = f.dup_group {
                chip(
                    ui,
                    format!("near-dup group {g}"),
                    Filter {
                        dup_group: None,
                        ..f.clone()
                    },
                );
            }
            if let (Some(t), Some(an)) = (f.tag, &s.an) {
                chip(
                    ui,
                    format!("tag {}", an.tag_names.get(t).cloned().unwrap_or_default()),
                    Filter {
                        tag: None,
                        ..f.clone()
                    },
                );
            }
            if let Some(l) = f.label {
                let name = match l {
                    LabelFilter::Is(id) => {
                        s.labels.def(id).map(|d| d.name.clone()).unwrap_or_default()
                    }
                    LabelFilter::Unlabelled => "unlabelled".into(),
                    LabelFilter::Labelled => "labelled".into(),
                };
                chip(
                    ui,
                    format!("label {name}"),
                    Filter {
                        label: None,
                        ..f.clone()
                    },
                );
            }
            if let Some(a) = f.author {
                chip(
                    ui,
                    format!("@{}", s.ds.authors.handle(a)),
                    Filter {
                        author: None,
                        ..f.clone()
                    },
                );
            }
            if let (Some(m), Some(an)) = (f.moment, &s.an)
                && let Some(mm) = an.moments.get(m)
            {
                chip(
                    ui,
                    format!("takeover of #{}", mm.display),
                    Filter {
                        moment: None,
                        ..f.clone()
                    },
                );
            }
            if !f.is_empty() && ui.button("Clear filters").clicked() {
                self.search.clear();
                out.push(AppCommand::SetFilter(Filter::default()));
            }
            ui.separator();
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
        });
    }
}
