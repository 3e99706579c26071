//! Queries over a dataset: a filter (hashtag, time window, cluster, near-duplicate group,
//! tag, label, author, moment, and a text or regex search) and the rows it selects, in a
//! sort order. Computing rows is a pure function over the dataset, the analysis and a
//! snapshot of the labels, so it runs on a worker thread in the app, and the same engine
//! serves `derail export --where` and `derail audit`.

pub mod parse;
pub mod search;

use search::search_hits;
pub use search::{Search, compile_search};

use std::sync::Arc;

use rayon::prelude::*;

use crate::analysis::Analysis;
use crate::model::Dataset;

/// Which posts a label chip keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelFilter {
    Is(u32),
    Unlabelled,
    Labelled,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub hashtag: Option<u32>,
    pub time: Option<(i64, i64)>,
    pub cluster: Option<i32>,
    pub dup_group: Option<u32>,
    /// A tag bit of the analysis.
    pub tag: Option<usize>,
    pub label: Option<LabelFilter>,
    pub author: Option<u32>,
    /// The takeover posts of a moment (index into `Analysis::moments`).
    pub moment: Option<usize>,
    pub search: String,
    pub regex: bool,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// The columns the table can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SortKey {
    #[default]
    Time,
    Author,
    Text,
    Cluster,
    DupGroup,
    Label,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// Per post: its label id, or `u32::MAX`.
pub type LabelColumn = Arc<Vec<u32>>;
pub const NO_LABEL: u32 = u32::MAX;
/// Per post, its label id or [`NO_LABEL`], for a dataset without a key index (the app
/// keeps one and updates its column in place).
pub fn label_column(ds: &Dataset, labels: &crate::labels::Labels) -> Vec<u32> {
    if labels.is_empty() {
        return vec![NO_LABEL; ds.len()];
    }
    (0..ds.len())
        .map(|i| {
            labels
                .get(&ds.post_key(i))
                .map(|e| e.label)
                .unwrap_or(NO_LABEL)
        })
        .collect()
}

/// The rows the filter keeps, sorted.
pub fn compute_rows(
    ds: &Dataset,
    an: Option<&Analysis>,
    labels: &[u32],
    f: &Filter,
    sort: Sort,
) -> Result<Vec<u32>, String> {
    let search = compile_search(f)?;
    let hits = search.as_ref().map(|s| search_hits(ds, s));
    let moment = f.moment.and_then(|m| an.and_then(|a| a.moments.get(m)));
    let keep = |i: usize| -> bool {
        if let Some(h) = f.hashtag
            && !ds.hashtags.get(i).contains(&h)
        {
            return false;
        }
        let t = ds.created_at[i];
        if let Some((a, b)) = f.time
            && (t < a || t > b)
        {
            return false;
        }
        if let Some(a) = f.author
            && ds.author[i] != a
        {
            return false;
        }
        if let Some(an) = an {
            if let Some(c) = f.cluster
                && an.cluster[i] != c
            {
                return false;
            }
            if let Some(g) = f.dup_group
                && an.dup_group[i] != g
            {
                return false;
            }
            if let Some(b) = f.tag
                && an.tags[i] >> b & 1 == 0
            {
                return false;
            }
            if let Some(m) = moment
                && (!an.is_takeover(i)
                    || !ds.hashtags.get(i).contains(&m.hashtag_index)
                    || t < m.marked_from_ms
                    || t > m.marked_to_ms)
            {
                return false;
            }
        }
        if let Some(l) = f.label {
            let li = labels.get(i).copied().unwrap_or(NO_LABEL);
            let ok = match l {
                LabelFilter::Is(id) => li == id,
                LabelFilter::Unlabelled => li == NO_LABEL,
                LabelFilter::Labelled => li != NO_LABEL,
            };
            if !ok {
                return false;
            }
        }
        if let Some(hits) = &hits
            && !hits[i]
        {
            return false;
        }
        true
    };
    // Filtering the posts in time order keeps that order, so sorting by time needs
    // nothing more, and a stable sort by any other key leaves its ties in time order.
    let mut rows: Vec<u32> = ds
        .time_order()
        .par_iter()
        .with_min_len(4096)
        .copied()
        .filter(|&i| keep(i as usize))
        .collect();
    sort_rows(ds, an, labels, &mut rows, sort.key);
    if sort.descending {
        rows.reverse();
    }
    Ok(rows)
}

/// The rows of the filter, and (when the filter has a time window) the rows of the same
/// filter without it, which the timeline shows as context.
pub type RowSets = (Vec<u32>, Option<Vec<u32>>);

pub fn compute_row_sets(
    ds: &Dataset,
    an: Option<&Analysis>,
    labels: &[u32],
    f: &Filter,
    sort: Sort,
) -> Result<RowSets, String> {
    let rows = compute_rows(ds, an, labels, f, sort)?;
    let context = if f.time.is_some() {
        let g = Filter {
            time: None,
            ..f.clone()
        };
        Some(compute_rows(ds, an, labels, &g, Sort::default())?)
    } else {
        None
    };
    Ok((rows, context))
}

/// Sorts rows that come in time order by `key`, stably (ties stay in time order).
fn sort_rows(ds: &Dataset, an: Option<&Analysis>, labels: &[u32], rows: &mut [u32], key: SortKey) {
    match key {
        SortKey::Time => {}
        SortKey::Author => {
            // Each author's rank in handle order, computed once: no string work per
            // comparison.
            let mut order: Vec<u32> = (0..ds.authors.len() as u32).collect();
            let lower: Vec<String> = order
                .iter()
                .map(|&a| ds.authors.handle(a).to_lowercase())
                .collect();
            order.par_sort_by(|&a, &b| lower[a as usize].cmp(&lower[b as usize]));
            // Handles equal but for case share a rank, so their posts mix in time order.
            let mut rank = vec![0u32; order.len()];
            let mut r = 0;
            for (k, &a) in order.iter().enumerate() {
                if k > 0 && lower[a as usize] != lower[order[k - 1] as usize] {
                    r += 1;
                }
                rank[a as usize] = r;
            }
            rows.par_sort_by_key(|&i| rank.get(ds.author[i as usize] as usize).copied());
        }
        SortKey::Text => rows.par_sort_by(|&a, &b| ds.text(a as usize).cmp(ds.text(b as usize))),
        SortKey::Cluster => {
            if let Some(an) = an {
                rows.par_sort_by_key(|&i| an.cluster[i as usize]);
            }
        }
        SortKey::DupGroup => {
            if let Some(an) = an {
                rows.par_sort_by_key(|&i| an.dup_group[i as usize]);
            }
        }
        SortKey::Label => {
            rows.par_sort_by_key(|&i| labels.get(i as usize).copied().unwrap_or(NO_LABEL))
        }
    }
}
