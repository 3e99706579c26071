//! Timeline: volume over time for the filtered posts (the time window aside), stacked by
//! cluster, tag or label, with takeover moments shaded (onset, peak and end marked).
//!
//! Drag with the left button to brush a time window (it becomes a filter); right-drag pans,
//! Ctrl+scroll zooms, double-click resets. Posts are binned for the visible range only,
//! with about 300 bins, so a million posts stay smooth.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, LineStyle, Plot, PlotBounds, Span, VLine};
use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::analysis::timeline::{LADDER_MIN, robust_range};
use crate::app::session::SYNC_FILTER_LIMIT;
use crate::app::views::{PALETTE, count, parse_color, short_time, thousands};
use crate::app::{AppCommand, Session, Tab};
use crate::labels::LabelDef;
use crate::model::Dataset;
use crate::query::{Filter, LabelColumn, NO_LABEL};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StackBy {
    #[default]
    Cluster,
    Tag,
    Label,
    Nothing,
}

/// What a [`TimelineIndex`] was built from: the timeline's rows version, the stack mode,
/// and the labels version (only when stacking by label).
type IndexKey = (u64, StackBy, u64);

/// Per version of the timeline's rows: their robust time range, whether they are in time
/// order, and each row's series. Built once per version, on a worker for large datasets,
/// so panning and zooming only bin the rows in view.
struct TimelineIndex {
    key: IndexKey,
    rows: Arc<Vec<u32>>,
    lo: i64,
    hi: i64,
    in_time_order: bool,
    names: Vec<String>,
    colors: Vec<Color32>,
    /// The series of `rows[k]`.
    series: Vec<u8>,
}

/// Indexes the timeline's rows. `parallel` only on a worker: on the UI thread a rayon
/// call would wait for the pool, which may be busy with a search.
fn build_index(
    ds: &Dataset,
    an: Option<&Analysis>,
    label_set: &[LabelDef],
    label_of: &LabelColumn,
    rows: Arc<Vec<u32>>,
    key: IndexKey,
    parallel: bool,
) -> TimelineIndex {
    let time = |&r: &u32| ds.created_at[r as usize];
    let times: Vec<i64> = if parallel {
        rows.par_iter().map(time).collect()
    } else {
        rows.iter().map(time).collect()
    };
    let in_time_order = times.is_sorted();
    let (lo, hi) = robust_range(&times).unwrap_or((0, 1));
    let (names, colors, cat) = categories(an, label_set, label_of, key.1, &rows);
    let last = names.len().saturating_sub(1);
    let series_of = |&r: &u32| cat(r as usize).min(last) as u8;
    let series = if parallel {
        rows.par_iter().map(series_of).collect()
    } else {
        rows.iter().map(series_of).collect()
    };
    TimelineIndex {
        key,
        rows,
        lo,
        hi,
        in_time_order,
        names,
        colors,
        series,
    }
}

/// Binned series for one view of the plot.
struct Binned {
    key: (IndexKey, i64, i64, i64),
    start_ms: i64,
    bin_ms: i64,
    names: Vec<String>,
    colors: Vec<Color32>,
    /// counts[series][bin]
    counts: Vec<Vec<u32>>,
}

#[derive(Default)]
pub struct TimelineView {
    pub stack: StackBy,
    binned: Option<Binned>,
    brush_from: Option<f64>,
    reset_bounds: bool,
    /// The filter (without its time window) last shown, to reset the view when it changes.
    seen_filter: Option<Filter>,
    index: Option<TimelineIndex>,
    /// An index being built on a worker.
    pending: Option<(IndexKey, Receiver<TimelineIndex>)>,
}

const MIN: i64 = 60_000;

fn bin_for(span_ms: i64) -> i64 {
    let want = span_ms / 300;
    LADDER_MIN
        .iter()
        .map(|m| m * MIN)
        .find(|&w| w >= want)
        .unwrap_or(10080 * MIN)
}

/// Series names, colours, and each post's series.
type Categories<'a> = (
    Vec<String>,
    Vec<Color32>,
    Box<dyn Fn(usize) -> usize + Sync + 'a>,
);

/// Series categories for the stack mode: the biggest few, then "other".
fn categories<'a>(
    an: Option<&'a Analysis>,
    label_set: &[LabelDef],
    label_of: &LabelColumn,
    stack: StackBy,
    rows: &[u32],
) -> Categories<'a> {
    match (stack, an) {
        (StackBy::Cluster, Some(an)) => by_cluster(an, rows),
        (StackBy::Tag, Some(an)) => by_tag(an, rows),
        (StackBy::Label, _) => by_label(label_set, label_of),
        _ => (vec!["posts".into()], vec![PALETTE[0]], Box::new(|_| 0)),
    }
}

/// The eight biggest clusters among `rows`, then "other".
fn by_cluster<'a>(an: &'a Analysis, rows: &[u32]) -> Categories<'a> {
    let mut counts = vec![0u64; an.clusters.len() + 1];
    for &r in rows {
        let c = an.cluster[r as usize];
        counts[if c < 0 { an.clusters.len() } else { c as usize }] += 1;
    }
    let mut order: Vec<usize> = (0..an.clusters.len()).filter(|&c| counts[c] > 0).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(counts[c]));
    order.truncate(8);
    let mut slot = vec![order.len(); an.clusters.len() + 1];
    let mut names = Vec::new();
    let mut colors = Vec::new();
    for (k, &c) in order.iter().enumerate() {
        slot[c] = k;
        let terms = an.clusters[c]
            .top_terms
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        names.push(format!("cluster {c}: {terms}"));
        colors.push(PALETTE[k % PALETTE.len()]);
    }
    names.push("other".to_string());
    colors.push(Color32::GRAY);
    let nclusters = an.clusters.len();
    (
        names,
        colors,
        Box::new(move |i| {
            let c = an.cluster[i];
            slot[if c < 0 { nclusters } else { c as usize }]
        }),
    )
}

/// Takeover first, then the six most frequent other tags among `rows`, then "none of these".
fn by_tag<'a>(an: &'a Analysis, rows: &[u32]) -> Categories<'a> {
    let mut counts = vec![0u64; 64];
    for &r in rows {
        let b = an.tags[r as usize];
        for (k, c) in counts.iter_mut().enumerate() {
            *c += b >> k & 1;
        }
    }
    let tk = crate::analysis::bit::TAKEOVER.trailing_zeros() as usize;
    let mut order: Vec<usize> = (0..an.tag_names.len().min(64))
        .filter(|&b| counts[b] > 0 && b != tk)
        .collect();
    order.sort_by_key(|&b| std::cmp::Reverse(counts[b]));
    order.truncate(6);
    order.insert(0, tk);
    let names: Vec<String> = order
        .iter()
        .map(|&b| an.tag_names.get(b).cloned().unwrap_or_default())
        .chain(std::iter::once("none of these".to_string()))
        .collect();
    let mut colors: Vec<Color32> = (0..order.len())
        .map(|k| PALETTE[(k + 2) % PALETTE.len()])
        .collect();
    colors[0] = Color32::from_rgb(0xc0, 0x39, 0x2b);
    colors.push(Color32::GRAY);
    let n = order.len();
    (
        names,
        colors,
        Box::new(move |i| {
            let b = an.tags[i];
            order.iter().position(|&t| b >> t & 1 == 1).unwrap_or(n)
        }),
    )
}

/// Each label of the set in its colour, then "unlabelled".
fn by_label<'a>(label_set: &[LabelDef], label_of: &LabelColumn) -> Categories<'a> {
    let mut names: Vec<String> = label_set.iter().map(|d| d.name.clone()).collect();
    let mut colors: Vec<Color32> = label_set.iter().map(|d| parse_color(&d.color)).collect();
    names.push("unlabelled".into());
    colors.push(Color32::GRAY);
    let ids: Vec<u32> = label_set.iter().map(|d| d.id).collect();
    let n = ids.len();
    let col = label_of.clone();
    (
        names,
        colors,
        Box::new(move |i| {
            let l = col[i];
            if l == NO_LABEL {
                n
            } else {
                ids.iter().position(|&x| x == l).unwrap_or(n)
            }
        }),
    )
}

impl TimelineView {
    /// Makes `self.index` current for `want`: at once for small datasets, else on a worker
    /// (the plot keeps showing the last index until the new one arrives).
    fn refresh_index(&mut self, ctx: &egui::Context, s: &Session, want: IndexKey) {
        if let Some((_, rx)) = &self.pending
            && let Ok(ix) = rx.try_recv()
        {
            self.index = Some(ix);
            self.pending = None;
        }
        if self.index.as_ref().is_some_and(|ix| ix.key == want) {
            self.pending = None;
            return;
        }
        if self.pending.as_ref().is_some_and(|(k, _)| *k == want) {
            return;
        }
        let rows = s.timeline_rows.clone();
        if rows.len() <= SYNC_FILTER_LIMIT {
            let an = s.an.as_deref();
            self.index = Some(build_index(
                &s.ds,
                an,
                &s.labels.set,
                &s.label_of,
                rows,
                want,
                false,
            ));
            self.pending = None;
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let (ds, an, set, label_of) = (
            s.ds.clone(),
            s.an.clone(),
            s.labels.set.clone(),
            s.label_of.clone(),
        );
        let ctx = ctx.clone();
        rayon::spawn(move || {
            let ix = build_index(&ds, an.as_deref(), &set, &label_of, rows, want, true);
            if tx.send(ix).is_ok() {
                ctx.request_repaint();
            }
        });
        self.pending = Some((want, rx));
    }

    fn bin(&mut self, ds: &Dataset, x0: f64, x1: f64) {
        let Some(ix) = &self.index else { return };
        let lo = (x0 * 1000.0) as i64;
        let hi = (x1 * 1000.0) as i64;
        let bin = bin_for((hi - lo).max(MIN));
        let start = lo.div_euclid(bin) * bin;
        let end = hi.div_euclid(bin) * bin + bin;
        let key = (ix.key, start, end, bin);
        if self.binned.as_ref().is_some_and(|b| b.key == key) {
            return;
        }
        let nb = ((end - start) / bin).clamp(1, 5000) as usize;
        let mut counts = vec![vec![0u32; nb]; ix.names.len()];
        // Rows in time order (the usual case) are cut to the visible range first, so
        // panning a zoomed-in plot costs only the posts in view.
        let ds_time = |r: u32| ds.created_at[r as usize];
        let (a, b) = if ix.in_time_order {
            (
                ix.rows.partition_point(|&r| ds_time(r) < start),
                ix.rows.partition_point(|&r| ds_time(r) < end),
            )
        } else {
            (0, ix.rows.len())
        };
        for (&r, &c) in ix.rows[a..b].iter().zip(&ix.series[a..b]) {
            let t = ds_time(r);
            if t < start || t >= end {
                continue;
            }
            let k = ((t - start) / bin) as usize;
            if k < nb {
                counts[c as usize][k] += 1;
            }
        }
        self.binned = Some(Binned {
            key,
            start_ms: start,
            bin_ms: bin,
            names: ix.names.clone(),
            colors: ix.colors.clone(),
            counts,
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        self.toolbar(ui, s, out);
        if s.timeline_rows.is_empty() {
            ui.label("No posts match the filter.");
            return;
        }
        let want = self.index_key(s);
        self.refresh_index(ui.ctx(), s, want);
        let Some(ix) = &self.index else {
            ui.spinner();
            return;
        };
        let (lo, hi) = (ix.lo, ix.hi);
        // Reset the view only once the index of the new rows is here.
        let current = ix.key == want;
        let pad = ((hi - lo) / 50).max(MIN);
        let moments = visible_moments(s);
        let reset = current && std::mem::take(&mut self.reset_bounds);
        let brush_from = self.brush_from;
        let mut hovered_bin: Option<(f64, Vec<(String, u32)>)> = None;
        let resp = timeline_plot(ui).show(ui, |pui| {
            let (x0, x1) = if reset {
                let b = pui.plot_bounds();
                let (x0, x1) = ((lo - pad) as f64 / 1000.0, (hi + pad) as f64 / 1000.0);
                pui.set_plot_bounds(PlotBounds::from_min_max([x0, b.min()[1]], [x1, b.max()[1]]));
                (x0, x1)
            } else {
                let b = pui.plot_bounds();
                (b.min()[0], b.max()[0])
            };
            self.bin(&s.ds, x0, x1);
            let Some(bn) = &self.binned else { return };
            let (charts, top) = stacked_bars(bn);
            // Fit the y axis to the tallest visible stack.
            pui.set_plot_bounds_y(0.0..=top * 1.08);
            for c in charts {
                pui.bar_chart(c);
            }
            for (_, m) in &moments {
                draw_moment(pui, m, top);
            }
            draw_windows(pui, s.filter.time, brush_from);
            hovered_bin = pui.pointer_coordinate().and_then(|p| bin_at(bn, p.x));
        });
        self.brush_and_click(&resp, s, &moments, out);
        if let Some((t, list)) = hovered_bin
            && self.brush_from.is_none()
        {
            let bin_ms = self.binned.as_ref().map(|b| b.bin_ms).unwrap_or(MIN);
            resp.response
                .clone()
                .on_hover_ui_at_pointer(|ui| bin_tooltip(ui, t, bin_ms, list));
        }
    }

    /// What the index of the plotted rows must be built for; a filter changed other than
    /// by its time window resets the view.
    fn index_key(&mut self, s: &Session) -> IndexKey {
        let context = Filter {
            time: None,
            ..s.filter.clone()
        };
        if self.seen_filter.as_ref() != Some(&context) {
            self.seen_filter = Some(context);
            self.reset_bounds = true;
        }
        (
            s.timeline_version,
            self.stack,
            if self.stack == StackBy::Label {
                s.labels.version
            } else {
                0
            },
        )
    }

    /// Stack mode, view reset, and the time window (with a button to clear it).
    fn toolbar(&mut self, ui: &mut Ui, s: &Session, out: &mut Vec<AppCommand>) {
        ui.horizontal(|ui| {
            ui.label("Stack by");
            for (v, name) in [
                (StackBy::Cluster, "cluster"),
                (StackBy::Tag, "tag"),
                (StackBy::Label, "label"),
                (StackBy::Nothing, "nothing"),
            ] {
                ui.selectable_value(&mut self.stack, v, name);
            }
            ui.separator();
            if ui.button("Reset view").clicked() {
                self.reset_bounds = true;
            }
            if let Some((a, b)) = s.filter.time {
                ui.label(format!("Window {} → {}", short_time(a), short_time(b)));
                if ui.button("Clear window").clicked() {
                    out.push(AppCommand::SetFilter(Filter {
                        time: None,
                        ..s.filter.clone()
                    }));
                }
            } else {
                ui.label(RichText::new("drag on the plot to select a time window").weak());
            }
        });
    }

    /// A primary-button drag brushes a time window (a filter); a click on a moment's
    /// shading opens it.
    fn brush_and_click(
        &mut self,
        resp: &egui_plot::PlotResponse<()>,
        s: &Session,
        moments: &[(usize, &crate::analysis::TakeoverMoment)],
        out: &mut Vec<AppCommand>,
    ) {
        let r = &resp.response;
        if r.drag_started_by(egui::PointerButton::Primary)
            && let Some(pos) = r.interact_pointer_pos()
        {
            self.brush_from = Some(resp.transform.value_from_position(pos).x);
        }
        if r.drag_stopped_by(egui::PointerButton::Primary)
            && let (Some(from), Some(pos)) = (self.brush_from.take(), r.interact_pointer_pos())
        {
            let to = resp.transform.value_from_position(pos).x;
            let (a, b) = (
                (from.min(to) * 1000.0) as i64,
                (from.max(to) * 1000.0) as i64,
            );
            if b - a >= 1000 {
                out.push(AppCommand::SetFilter(Filter {
                    time: Some((a, b)),
                    ..s.filter.clone()
                }));
            }
        }
        if r.clicked()
            && let Some(pos) = r.interact_pointer_pos()
        {
            let x = (resp.transform.value_from_position(pos).x * 1000.0) as i64;
            if let Some((k, _)) = moments
                .iter()
                .find(|(_, m)| x >= m.onset_ms && x <= m.end_ms)
            {
                out.push(AppCommand::SelectMoment(Some(*k)));
                out.push(AppCommand::ShowTab(Tab::Moment));
            }
        }
    }
}

/// The moments drawn on the timeline: all, or the filtered hashtag's.
fn visible_moments(s: &Session) -> Vec<(usize, &crate::analysis::TakeoverMoment)> {
    s.an.as_ref()
        .map(|a| {
            a.moments
                .iter()
                .enumerate()
                .filter(|(_, m)| s.filter.hashtag.is_none_or(|h| h == m.hashtag_index))
                .collect()
        })
        .unwrap_or_default()
}

/// The plot: dragged and zoomed along time only, the right button pans.
fn timeline_plot(ui: &Ui) -> Plot<'static> {
    Plot::new("timeline")
        .allow_drag(true)
        .pan_pointer_button(egui::PointerButton::Secondary)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(true)
        .allow_zoom(egui::Vec2b::new(true, false))
        .allow_scroll(egui::Vec2b::new(true, false))
        .auto_bounds(egui::Vec2b::new(false, true))
        .show_grid(egui::Vec2b::new(false, true))
        .legend(egui_plot::Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_formatter(|mark, _| short_time((mark.value * 1000.0) as i64))
        .y_axis_min_width(40.0)
        .height(ui.available_height().max(160.0))
        .label_formatter(|_| None)
}

/// The hovered bin's time, its post count and each stacked part's count.
fn bin_tooltip(ui: &mut Ui, t: f64, bin_ms: i64, list: Vec<(String, u32)>) {
    ui.label(RichText::new(format!("{} + {} min", short_time(t as i64), bin_ms / MIN)).strong());
    let total: u32 = list.iter().map(|(_, c)| c).sum();
    ui.label(count(total as u64, "post", "posts"));
    for (n, c) in list {
        ui.label(format!("{}  {n}", thousands(c as u64)));
    }
}

/// One bar chart per series, each stacked on those before it, and the tallest stack.
fn stacked_bars(bn: &Binned) -> (Vec<BarChart>, f64) {
    let width = bn.bin_ms as f64 / 1000.0;
    let mut charts: Vec<BarChart> = Vec::new();
    for (k, name) in bn.names.iter().enumerate() {
        let bars: Vec<Bar> = bn.counts[k]
            .iter()
            .enumerate()
            .map(|(j, &c)| {
                Bar::new(
                    (bn.start_ms as f64 / 1000.0) + width * (j as f64 + 0.5),
                    c as f64,
                )
                .width(width)
            })
            .collect();
        let mut chart = BarChart::new(name.clone(), bars).color(bn.colors[k]);
        let others: Vec<&BarChart> = charts.iter().collect();
        chart = chart.stack_on(&others);
        charts.push(chart);
    }
    let mut top = 1.0f64;
    for j in 0..bn.counts.first().map(|c| c.len()).unwrap_or(0) {
        let t: u32 = bn.counts.iter().map(|c| c[j]).sum();
        top = top.max(t as f64);
    }
    (charts, top)
}

/// A takeover moment: shaded from onset to end, lines at onset, peak and end, and its
/// name above (unnamed items, so the legend lists only the series).
fn draw_moment(pui: &mut egui_plot::PlotUi, m: &crate::analysis::TakeoverMoment, top: f64) {
    let shade = Color32::from_rgba_unmultiplied(0xc0, 0x39, 0x2b, 40);
    pui.span(
        Span::new(
            "",
            (m.onset_ms as f64 / 1000.0)..=(m.end_ms as f64 / 1000.0),
        )
        .fill(shade),
    );
    pui.vline(
        VLine::new("", m.onset_ms as f64 / 1000.0)
            .color(Color32::from_rgb(0xc0, 0x39, 0x2b))
            .width(2.0),
    );
    pui.vline(
        VLine::new("", m.peak_ms as f64 / 1000.0)
            .color(Color32::from_rgb(0xc0, 0x39, 0x2b))
            .style(LineStyle::dashed_loose()),
    );
    pui.vline(
        VLine::new("", m.end_ms as f64 / 1000.0)
            .color(Color32::from_rgb(0x7f, 0x8c, 0x8d))
            .style(LineStyle::dashed_dense()),
    );
    pui.text(
        egui_plot::Text::new(
            "",
            egui_plot::PlotPoint::new(m.onset_ms as f64 / 1000.0, top * 1.04),
            RichText::new(format!(" takeover #{}", m.display))
                .color(Color32::from_rgb(0xe7, 0x4c, 0x3c))
                .strong(),
        )
        .anchor(egui::Align2::LEFT_CENTER),
    );
}

/// The filter's time window, and the window being brushed.
fn draw_windows(pui: &mut egui_plot::PlotUi, window: Option<(i64, i64)>, brush_from: Option<f64>) {
    if let Some((a, b)) = window {
        let fill = Color32::from_rgba_unmultiplied(0x34, 0x98, 0xdb, 45);
        pui.span(Span::new("", (a as f64 / 1000.0)..=(b as f64 / 1000.0)).fill(fill));
    }
    if let (Some(from), Some(p)) = (brush_from, pui.pointer_coordinate()) {
        let fill = Color32::from_rgba_unmultiplied(0x34, 0x98, 0xdb, 70);
        pui.span(Span::new("", from.min(p.x)..=from.max(p.x)).fill(fill));
    }
}

/// The bin under plot x `x` (seconds): its start (ms) and its non-empty series' counts.
fn bin_at(bn: &Binned, x: f64) -> Option<(f64, Vec<(String, u32)>)> {
    let k = ((x * 1000.0) as i64 - bn.start_ms).div_euclid(bn.bin_ms);
    if k < 0 || k as usize >= bn.counts.first().map(|c| c.len()).unwrap_or(0) {
        return None;
    }
    let list: Vec<(String, u32)> = bn
        .names
        .iter()
        .zip(&bn.counts)
        .map(|(n, c)| (n.clone(), c[k as usize]))
        .filter(|(_, c)| *c > 0)
        .collect();
    Some(((bn.start_ms + k * bn.bin_ms) as f64, list))
}
