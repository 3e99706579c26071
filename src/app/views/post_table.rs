//! The post table: virtual rows (only visible rows cost anything), sortable columns, one
//! line per post. Clicking a row selects it; J/K and the arrow keys move the selection.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder, TableRow};

use crate::analysis::Analysis;
use crate::app::views::{parse_color, post_text, short_time, thousands};
use crate::app::{AppCommand, Session};
use crate::query::{NO_LABEL, Sort, SortKey};

#[derive(Default)]
pub struct PostTableView {
    last_scrolled: Option<usize>,
    /// (rows_version, labels version) → labelled count in the filter.
    labelled: Option<(u64, u64, usize)>,
}

impl PostTableView {
    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        let rows = s.rows.clone();
        let labelled = self.labelled_count(s);
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!("Posts: {} shown", thousands(rows.len() as u64))).strong(),
            );
            ui.label(format!(
                "· labelled {} / {}",
                thousands(labelled as u64),
                thousands(rows.len() as u64)
            ));
            ui.label(
                RichText::new("· 1–9 label · J/K move · Backspace clears · N next unlabelled")
                    .weak(),
            );
        });
        let scroll_to = if s.scroll_to_selected && s.selected != self.last_scrolled {
            self.last_scrolled = s.selected;
            s.selected_row()
        } else {
            None
        };
        // Blind labelling hides derail's verdicts.
        let an = s.an.as_deref().filter(|_| !s.is_blind());
        // Cells are plain text: clicks select the row, not text inside it.
        ui.style_mut().interaction.selectable_labels = false;
        let mut table = table_builder(ui);
        if let Some(r) = scroll_to {
            table = table.scroll_to_row(r, Some(egui::Align::Center));
        }
        table
            .header(22.0, |mut h| {
                let sort = s.sort;
                h.col(|ui| sort_button(ui, "Time", SortKey::Time, sort, out));
                h.col(|ui| sort_button(ui, "Author", SortKey::Author, sort, out));
                h.col(|ui| sort_button(ui, "Text", SortKey::Text, sort, out));
                h.col(|ui| {
                    ui.label(RichText::new("Hashtags").strong());
                });
                h.col(|ui| {
                    ui.label(RichText::new("Tags").strong());
                });
                h.col(|ui| sort_button(ui, "Cluster", SortKey::Cluster, sort, out));
                h.col(|ui| sort_button(ui, "Dup", SortKey::DupGroup, sort, out));
                h.col(|ui| sort_button(ui, "Label", SortKey::Label, sort, out));
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let i = rows[row.index()] as usize;
                    row.set_selected(s.selected == Some(i));
                    post_cells(&mut row, s, an, i);
                    if row.response().clicked() {
                        out.push(AppCommand::Select(Some(i)));
                    }
                });
            });
    }

    /// How many posts of the filter are labelled, counted again only when the filter or
    /// the labels change.
    fn labelled_count(&mut self, s: &Session) -> usize {
        match self.labelled {
            Some((rv, lv, n)) if rv == s.rows_version && lv == s.labels.version => n,
            _ => {
                let n = s
                    .rows
                    .iter()
                    .filter(|&&r| s.label_of[r as usize] != NO_LABEL)
                    .count();
                self.labelled = Some((s.rows_version, s.labels.version, n));
                n
            }
        }
    }
}

/// The table's columns: time, author, text, hashtags, derail's tags, cluster, near-duplicate
/// group and label.
fn table_builder(ui: &mut Ui) -> TableBuilder<'_> {
    TableBuilder::new(ui)
        .id_salt("posts")
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(132.0).at_least(60.0))
        .column(Column::initial(110.0).at_least(50.0).clip(true))
        // The text takes whatever the other columns leave, at every width: a resizable
        // remainder column would keep its first frame's width.
        .column(
            Column::remainder()
                .at_least(120.0)
                .clip(true)
                .resizable(false),
        )
        .column(Column::initial(120.0).at_least(40.0).clip(true))
        .column(Column::initial(110.0).at_least(40.0).clip(true))
        .column(Column::initial(54.0).at_least(30.0))
        .column(Column::initial(48.0).at_least(30.0))
        .column(Column::initial(96.0).at_least(40.0).clip(true))
        .min_scrolled_height(0.0)
}

/// A column header that sorts by `key`, and reverses the order when clicked again.
fn sort_button(ui: &mut Ui, name: &str, key: SortKey, sort: Sort, out: &mut Vec<AppCommand>) {
    let arrow = if sort.key == key {
        if sort.descending { " ▼" } else { " ▲" }
    } else {
        ""
    };
    if ui
        .button(RichText::new(format!("{name}{arrow}")).strong())
        .clicked()
    {
        let descending = sort.key == key && !sort.descending;
        out.push(AppCommand::SetSort(Sort { key, descending }));
    }
}

/// One post's cells; derail's columns stay empty without an analysis (or when blind).
fn post_cells(row: &mut TableRow<'_, '_>, s: &Session, an: Option<&Analysis>, i: usize) {
    row.col(|ui| {
        ui.label(short_time(s.ds.created_at[i]));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(format!("@{}", s.ds.handle(i))).truncate());
    });
    row.col(|ui| {
        let one_line = post_text::one_line(s.ds.text(i), ui, 300);
        ui.add(egui::Label::new(one_line).truncate());
    });
    row.col(|ui| {
        let tags: Vec<String> = s.ds.hashtag_spellings(i).map(|t| format!("#{t}")).collect();
        ui.add(egui::Label::new(tags.join(" ")).truncate());
    });
    row.col(|ui| {
        if let Some(an) = an {
            let t = an
                .tag_list(i)
                .into_iter()
                .filter(|t| !t.starts_with("script:"))
                .map(|t| t.strip_prefix("lang:").unwrap_or(t))
                .collect::<Vec<_>>()
                .join(" ");
            let text = if an.is_takeover(i) {
                RichText::new(t).color(egui::Color32::from_rgb(0xe7, 0x4c, 0x3c))
            } else {
                RichText::new(t)
            };
            ui.add(egui::Label::new(text).truncate());
        }
    });
    row.col(|ui| {
        if let Some(an) = an {
            ui.label(an.cluster[i].to_string());
        }
    });
    row.col(|ui| {
        if let Some(an) = an
            && an.dup_group[i] != u32::MAX
        {
            ui.label(an.dup_group[i].to_string());
        }
    });
    row.col(|ui| {
        if let Some(name) = s.label_name(i) {
            let color = s
                .labels
                .def(s.label_of[i])
                .map(|d| parse_color(&d.color))
                .unwrap_or(egui::Color32::GRAY);
            ui.label(RichText::new(name).color(color).strong());
        }
    });
}
