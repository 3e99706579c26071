//! Takeover moment: pick a moment and compare the hashtag before it with the hashtag
//! during it — top terms, top clusters, newcomer share, top authors, example posts.

use egui::{RichText, Ui};
use rustc_hash::FxHashMap;

use crate::analysis::{Analysis, TakeoverMoment, resolve_terms};
use crate::app::views::{count, post_text, short_time, thousands};
use crate::app::{AppCommand, Session};
use crate::query::Filter;
use crate::time::format_iso;

/// One side of the comparison.
#[derive(Default)]
struct Side {
    posts: usize,
    newcomer_share: f32,
    terms: Vec<(String, usize)>,
    clusters: Vec<(i32, usize)>,
    authors: Vec<(String, usize)>,
    examples: Vec<u32>,
}

#[derive(Default)]
pub struct MomentView {
    /// (moment index, analysis address) the comparison was built for.
    key: Option<(usize, usize)>,
    before: Side,
    during: Side,
}

fn side(s: &Session, posts: &[u32], since_ms: i64, first_use: &FxHashMap<u32, i64>) -> Side {
    let Some(an) = &s.an else {
        return Side::default();
    };
    let ds = &s.ds;
    let mut term_counts: FxHashMap<u32, usize> = FxHashMap::default();
    let mut clusters: FxHashMap<i32, usize> = FxHashMap::default();
    let mut authors: FxHashMap<u32, usize> = FxHashMap::default();
    let stops = crate::analysis::tokens::stop_hashes();
    let mut newcomers = 0;
    for &i in posts {
        let i = i as usize;
        for &t in an.tokens(i) {
            if !stops.contains(&t) {
                *term_counts.entry(t).or_default() += 1;
            }
        }
        *clusters.entry(an.cluster[i]).or_default() += 1;
        *authors.entry(ds.author[i]).or_default() += 1;
        if first_use.get(&ds.author[i]).is_some_and(|&f| f >= since_ms) {
            newcomers += 1;
        }
    }
    let mut terms: Vec<(u32, usize)> = term_counts.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    terms.truncate(12);
    let hashes: Vec<u32> = terms.iter().map(|t| t.0).collect();
    let names = resolve_terms(ds, &hashes, posts.iter().take(500).map(|&i| i as usize));
    let mut cl: Vec<(i32, usize)> = clusters.into_iter().collect();
    cl.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    cl.truncate(6);
    let mut au: Vec<(u32, usize)> = authors.into_iter().collect();
    au.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    au.truncate(8);
    // Examples: one post from each of the biggest clusters.
    let mut examples = Vec::new();
    for (c, _) in cl.iter().take(5) {
        if let Some(&p) = posts.iter().find(|&&p| an.cluster[p as usize] == *c) {
            examples.push(p);
        }
    }
    Side {
        posts: posts.len(),
        newcomer_share: if posts.is_empty() {
            0.0
        } else {
            newcomers as f32 / posts.len() as f32
        },
        terms: {
            // Two bigrams of one word resolve to the word: show it once.
            let mut named: Vec<(String, usize)> = Vec::new();
            for (h, c) in &terms {
                if let Some(n) = names.get(h)
                    && !named.iter().any(|(m, _)| m == n)
                {
                    named.push((n.clone(), *c));
                }
            }
            named
        },
        clusters: cl,
        authors: au
            .into_iter()
            .map(|(a, c)| (ds.authors.handle(a).to_string(), c))
            .collect(),
        examples,
    }
}

impl MomentView {
    fn build(&mut self, s: &Session, k: usize) {
        let Some(an) = &s.an else { return };
        let Some(m) = an.moments.get(k) else { return };
        let key = (k, std::sync::Arc::as_ptr(an) as usize);
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let ds = &s.ds;
        let mut tagged: Vec<u32> = (0..ds.len() as u32)
            .filter(|&i| ds.hashtags.get(i as usize).contains(&m.hashtag_index))
            .collect();
        tagged.sort_by_key(|&i| (ds.created_at[i as usize], i));
        let mut first_use: FxHashMap<u32, i64> = FxHashMap::default();
        for &i in &tagged {
            first_use
                .entry(ds.author[i as usize])
                .or_insert(ds.created_at[i as usize]);
        }
        let dur = (m.end_ms - m.onset_ms).max(3_600_000);
        let during: Vec<u32> = tagged
            .iter()
            .copied()
            .filter(|&i| {
                let t = ds.created_at[i as usize];
                t >= m.onset_ms && t <= m.end_ms
            })
            .collect();
        let mut before: Vec<u32> = tagged
            .iter()
            .copied()
            .filter(|&i| {
                let t = ds.created_at[i as usize];
                t < m.onset_ms && t >= m.onset_ms - dur
            })
            .collect();
        if before.len() < 30 {
            before = tagged
                .iter()
                .copied()
                .filter(|&i| ds.created_at[i as usize] < m.onset_ms)
                .collect();
        }
        let before_start = before
            .first()
            .map(|&i| ds.created_at[i as usize])
            .unwrap_or(m.onset_ms);
        self.before = side(s, &before, before_start, &first_use);
        self.during = side(s, &during, m.onset_ms, &first_use);
    }

    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        let Some(an) = &s.an else {
            ui.label("The analysis is still running.");
            return;
        };
        if an.moments.is_empty() {
            ui.label("No takeover moments were found.");
            ui.label(
                RichText::new("Each assessed hashtag says why on the Overview (hover its status).")
                    .weak(),
            );
            return;
        }
        let k = moment_picker(ui, an, s.moment.unwrap_or(0).min(an.moments.len() - 1), out);
        let m = &an.moments[k];
        self.build(s, k);
        egui::ScrollArea::vertical()
            .id_salt("moment")
            .show(ui, |ui| {
                egui::Grid::new("moment-facts")
                    .num_columns(2)
                    .show(ui, |ui| facts(ui, m));
                ui.horizontal(|ui| {
                    if ui.button("Show its takeover posts").clicked() {
                        out.push(AppCommand::SetFilter(Filter {
                            moment: Some(k),
                            ..Default::default()
                        }));
                    }
                    if ui
                        .button(format!("Show all #{} posts in the window", m.display))
                        .clicked()
                    {
                        out.push(AppCommand::SetFilter(Filter {
                            hashtag: Some(m.hashtag_index),
                            time: Some((m.onset_ms, m.end_ms)),
                            ..Default::default()
                        }));
                    }
                });
                ui.separator();
                ui.columns(2, |cols| {
                    let sides = [("Before", &self.before), ("During", &self.during)];
                    for (ui, (title, side)) in cols.iter_mut().zip(sides) {
                        side_column(ui, s, an, title, side, out);
                    }
                });
            });
    }
}

/// The moment chooser; returns the moment shown (`k` unless another was picked).
fn moment_picker(ui: &mut Ui, an: &Analysis, mut k: usize, out: &mut Vec<AppCommand>) -> usize {
    ui.horizontal(|ui| {
        let label = ui.label("Moment");
        egui::ComboBox::from_id_salt("moment")
            .selected_text(format!(
                "#{} at {}",
                an.moments[k].display,
                format_iso(an.moments[k].onset_ms)
            ))
            .width(360.0)
            .show_ui(ui, |ui| {
                for (j, m) in an.moments.iter().enumerate() {
                    let text = format!(
                        "#{} at {} (score {:.0})",
                        m.display,
                        format_iso(m.onset_ms),
                        m.score
                    );
                    if ui.selectable_value(&mut k, j, text).clicked() {
                        out.push(AppCommand::SelectMoment(Some(j)));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    k
}

/// The moment's facts, one grid row each.
fn facts(ui: &mut Ui, m: &TakeoverMoment) {
    let rows = [
        ("Onset", format_iso(m.onset_ms)),
        ("Peak", format_iso(m.peak_ms)),
        ("End", format_iso(m.end_ms)),
        (
            "Takeover share",
            format!(
                "{:.0}% of {}",
                m.share * 100.0,
                count(m.posts as u64, "post", "posts")
            ),
        ),
        (
            "Newcomer share",
            format!("{:.0}%", m.newcomer_share * 100.0),
        ),
        (
            "Volume burst",
            format!("{:.1}× the baseline rate", m.burst_factor),
        ),
        (
            "Takeover posts",
            format!(
                "{} by {}",
                thousands(m.takeover_posts as u64),
                count(m.takeover_authors as u64, "account", "accounts")
            ),
        ),
        (
            "Counter-speech",
            format!(
                "{} about the tag or its crowd (never marked takeover)",
                count(m.counter_speech_posts as u64, "post talks", "posts talk")
            ),
        ),
        (
            "Baseline",
            format!(
                "{} by {}, {} to {}",
                count(m.baseline_posts as u64, "post", "posts"),
                count(m.baseline_authors as u64, "author", "authors"),
                short_time(m.baseline_from_ms),
                short_time(m.baseline_to_ms)
            ),
        ),
        (
            "Near-duplicates",
            format!(
                "{:.0}% of takeover posts; {:.0}% coordinated",
                m.near_duplicate_share * 100.0,
                m.coordinated_share * 100.0
            ),
        ),
        (
            "Crowd",
            format!(
                "similarity {:.2} to the tag's own crowd (their other hashtags)",
                // Rounded first, so a tiny negative shows as 0.00, not -0.00.
                (m.crowd_similarity * 100.0).round() / 100.0 + 0.0
            ),
        ),
        ("Score", format!("{:.0} / 100", m.score)),
    ];
    for (a, b) in rows {
        ui.label(RichText::new(a).strong());
        ui.label(b);
        ui.end_row();
    }
    if !m.lexicons.is_empty() {
        ui.label(RichText::new("Lexicons").strong());
        let list: Vec<String> = m
            .lexicons
            .iter()
            .map(|(n, v)| format!("{n} {:.0}%", v * 100.0))
            .collect();
        ui.label(list.join(", "));
        ui.end_row();
    }
}

/// One side of the comparison (before the moment, or during it): its posts and newcomers,
/// top terms, clusters and authors, and example posts.
fn side_column(
    ui: &mut Ui,
    s: &Session,
    an: &Analysis,
    title: &str,
    side: &Side,
    out: &mut Vec<AppCommand>,
) {
    ui.label(
        RichText::new(format!(
            "{title}: {}, {:.0}% newcomers",
            count(side.posts as u64, "post", "posts"),
            side.newcomer_share * 100.0
        ))
        .strong(),
    );
    ui.label(RichText::new("Top terms").underline());
    let terms: Vec<String> = side
        .terms
        .iter()
        .map(|(t, c)| format!("{t} ({c})"))
        .collect();
    ui.label(terms.join(", "));
    ui.label(RichText::new("Top clusters").underline());
    for (c, n) in &side.clusters {
        let terms = if *c >= 0 {
            an.clusters
                .get(*c as usize)
                .map(|x| {
                    x.top_terms
                        .iter()
                        .take(4)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        } else {
            "(no content words)".into()
        };
        let share = 100.0 * *n as f32 / side.posts.max(1) as f32;
        if ui.link(format!("{c}: {terms} — {share:.0}%")).clicked() {
            out.push(AppCommand::SetFilter(Filter {
                cluster: Some(*c),
                ..Default::default()
            }));
        }
    }
    ui.label(RichText::new("Top authors").underline());
    let authors: Vec<String> = side
        .authors
        .iter()
        .map(|(a, c)| format!("@{a} ({c})"))
        .collect();
    ui.label(authors.join(", "));
    ui.label(RichText::new("Examples").underline());
    // One line each: a right-to-left text in drawing order must not wrap.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    for &p in &side.examples {
        let text = post_text::one_line(s.ds.text(p as usize), ui, 140);
        if ui.link(text).clicked() {
            out.push(AppCommand::Select(Some(p as usize)));
        }
    }
}
