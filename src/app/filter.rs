//! The current filter (chips plus search) and the rows it selects, in the table's order.
//! Computing rows is a pure function over the dataset, the analysis and a snapshot of the
//! labels, so it can run on a worker thread for large datasets.

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

/// Compiles the search box into a matcher; `Err` is a readable regex error.
pub fn compile_search(f: &Filter) -> Result<Option<regex::Regex>, String> {
    let s = f.search.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let pattern = if f.regex {
        s.to_string()
    } else {
        regex::escape(s)
    };
    regex::RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .size_limit(1 << 22)
        .build()
        .map(Some)
        .map_err(|e| format!("search pattern: {e}"))
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
    let moment = f.moment.and_then(|m| an.and_then(|a| a.moments.get(m)));
    let n = ds.len();
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
        if let Some(re) = &search
            && !re.is_match(ds.text(i))
            && !re.is_match(ds.handle(i))
        {
            return false;
        }
        true
    };
    let mut rows: Vec<u32> = (0..n as u32)
        .into_par_iter()
        .with_min_len(4096)
        .filter(|&i| keep(i as usize))
        .collect();
    sort_rows(ds, an, labels, &mut rows, sort);
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

pub fn sort_rows(
    ds: &Dataset,
    an: Option<&Analysis>,
    labels: &[u32],
    rows: &mut [u32],
    sort: Sort,
) {
    let by_time = |i: &u32| (ds.created_at[*i as usize], *i);
    match sort.key {
        SortKey::Time => rows.par_sort_by_key(by_time),
        SortKey::Author => rows.par_sort_by(|a, b| {
            ds.handle(*a as usize)
                .to_lowercase()
                .cmp(&ds.handle(*b as usize).to_lowercase())
                .then(by_time(a).cmp(&by_time(b)))
        }),
        SortKey::Text => rows.par_sort_by(|a, b| {
            ds.text(*a as usize)
                .cmp(ds.text(*b as usize))
                .then(a.cmp(b))
        }),
        SortKey::Cluster => {
            if let Some(an) = an {
                rows.par_sort_by_key(|i| (an.cluster[*i as usize], ds.created_at[*i as usize], *i));
            }
        }
        SortKey::DupGroup => {
            if let Some(an) = an {
                rows.par_sort_by_key(|i| {
                    (an.dup_group[*i as usize], ds.created_at[*i as usize], *i)
                });
            }
        }
        SortKey::Label => rows.par_sort_by_key(|i| {
            (
                labels.get(*i as usize).copied().unwrap_or(NO_LABEL),
                ds.created_at[*i as usize],
                *i,
            )
        }),
    }
    if sort.descending {
        rows.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_regex_is_an_error_not_a_panic() {
        let f = Filter {
            search: "(".into(),
            regex: true,
            ..Default::default()
        };
        assert!(compile_search(&f).is_err());
        let f = Filter {
            search: "(".into(),
            regex: false,
            ..Default::default()
        };
        assert!(compile_search(&f).unwrap().unwrap().is_match("a (b"));
        let f = Filter {
            search: "FANCAM".into(),
            ..Default::default()
        };
        assert!(compile_search(&f).unwrap().unwrap().is_match("my fancam"));
    }
}
