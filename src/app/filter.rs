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

/// The search box, compiled once per filter run.
#[derive(Debug)]
pub enum Search {
    /// Text whose only case variants are ASCII ones (most searches; Hangul, kana and Han
    /// have no case): found by scanning whole runs of text with an ASCII-case-insensitive
    /// matcher, one call per match instead of one per post.
    Literal(aho_corasick::AhoCorasick),
    /// A regex, or text with non-ASCII case variants (`É`/`é`), with Unicode case folding.
    /// When `runs` is set (no look-around such as `^`, `$` or `\b`, and no empty match),
    /// a match does not depend on the text around it, so runs of text are scanned as for
    /// a literal; otherwise the regex is run once per post.
    Regex { re: regex::Regex, runs: bool },
}

impl Search {
    /// Whether one string matches.
    pub fn is_match(&self, s: &str) -> bool {
        match self {
            Search::Literal(ac) => ac.is_match(s),
            Search::Regex { re, .. } => re.is_match(s),
        }
    }
}

/// Compiles the search box; `Ok(None)` when it is empty, `Err` a readable regex error.
pub fn compile_search(f: &Filter) -> Result<Option<Search>, String> {
    let s = f.search.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let caseless = |c: char| c.is_ascii() || (c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]));
    if !f.regex && s.chars().all(caseless) {
        return aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([s])
            .map(|ac| Some(Search::Literal(ac)))
            .map_err(|e| format!("search: {e}"));
    }
    let pattern = if f.regex {
        s.to_string()
    } else {
        regex::escape(s)
    };
    let re = regex::RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| format!("search pattern: {e}"))?;
    let runs = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(&pattern)
        .is_ok_and(|hir| {
            let p = hir.properties();
            p.look_set().is_empty() && p.minimum_len().is_some_and(|n| n > 0)
        });
    Ok(Some(Search::Regex { re, runs }))
}

/// Posts whose text or author handle the search matches, as a bitmap over posts.
fn search_hits(ds: &Dataset, search: &Search) -> Vec<bool> {
    // Handles are matched once per author, not once per post.
    let author_hit: Vec<bool> = (0..ds.authors.len() as u32)
        .into_par_iter()
        .map(|a| search.is_match(ds.authors.handle(a)))
        .collect();
    const BLOCK: usize = 16_384;
    let n = ds.len();
    let blocks: Vec<Vec<bool>> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let (lo, hi) = (b * BLOCK, ((b + 1) * BLOCK).min(n));
            let mut hit: Vec<bool> = (lo..hi)
                .map(|i| author_hit[ds.author[i] as usize])
                .collect();
            let in_post = |k: usize| search.is_match(ds.text(lo + k));
            match (search, ds.text.run(lo, hi)) {
                (Search::Literal(ac), Some((run, offsets))) => {
                    let find = |from: usize| {
                        ac.find(aho_corasick::Input::new(run).span(from..run.len()))
                            .map(|m| (m.start(), m.end()))
                    };
                    mark_run_hits(run, &offsets, &mut hit, find, in_post)
                }
                (Search::Regex { re, runs: true }, Some((run, offsets))) => {
                    let find = |from: usize| re.find_at(run, from).map(|m| (m.start(), m.end()));
                    mark_run_hits(run, &offsets, &mut hit, find, in_post)
                }
                _ => {
                    for (k, h) in hit.iter_mut().enumerate() {
                        *h = *h || search.is_match(ds.text(lo + k));
                    }
                }
            }
            hit
        })
        .collect();
    blocks.concat()
}

/// Marks the posts of a run of texts (`offsets[k]` = where post k's text starts) that
/// contain a match; `find(from)` gives the next match at or after `from`. After a match
/// the scan goes on from the next text's start. A match that runs from one text into the
/// next is not one: that text is checked on its own with `in_post` (a shorter match inside
/// it may exist), and the scan goes on from the next text, so nothing there is skipped.
fn mark_run_hits(
    run: &str,
    offsets: &[u32],
    hit: &mut [bool],
    find: impl Fn(usize) -> Option<(usize, usize)>,
    in_post: impl Fn(usize) -> bool,
) {
    let end_of = |k: usize| offsets.get(k + 1).map_or(run.len(), |&o| o as usize);
    let mut from = 0;
    while from < run.len() {
        let Some((start, stop)) = find(from) else {
            break;
        };
        // The post holding the match's first byte: the last one starting at or before it.
        let k = offsets
            .partition_point(|&o| o as usize <= start)
            .saturating_sub(1);
        let end = end_of(k);
        if stop <= end || (!hit[k] && in_post(k)) {
            hit[k] = true;
        }
        from = end.max(start + 1);
    }
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
        if let Some(hits) = &hits
            && !hits[i]
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

    /// The run scan finds exactly the posts a per-post match finds, including matches at
    /// the edges of texts, empty texts, and a match that would straddle two texts.
    #[test]
    fn literal_run_scan_matches_per_post_search() {
        let texts = ["xxab", "", "ab", "a", "bab", "AB", "aab", "b", "ba", "ab"];
        let mut run = String::new();
        let mut offsets = Vec::new();
        for t in texts {
            offsets.push(run.len() as u32);
            run.push_str(t);
        }
        for needle in ["ab", "a", "b", "ba", "bab", "aab", "xxab"] {
            let f = Filter {
                search: needle.into(),
                ..Default::default()
            };
            let Some(search) = compile_search(&f).unwrap() else {
                panic!("{needle} should compile");
            };
            let Search::Literal(ac) = &search else {
                panic!("{needle} should be a literal search");
            };
            let mut hit = vec![false; texts.len()];
            let find = |from: usize| {
                ac.find(aho_corasick::Input::new(&run).span(from..run.len()))
                    .map(|m| (m.start(), m.end()))
            };
            mark_run_hits(&run, &offsets, &mut hit, find, |k| {
                search.is_match(texts[k])
            });
            let expected: Vec<bool> = texts
                .iter()
                .map(|t| t.to_ascii_lowercase().contains(needle))
                .collect();
            assert_eq!(hit, expected, "{needle}");
        }
        // Regexes without look-around scan runs too, and agree with a per-post match even
        // when the leftmost match in the run straddles two texts ("a.*b" over "ab" + "b").
        for pattern in ["a.*b", "b+a", "ab|ba", "x+a?b", "(?:ab){2}", "[ab]{3}"] {
            let f = Filter {
                search: pattern.into(),
                regex: true,
                ..Default::default()
            };
            let Some(Search::Regex { re, runs: true }) = compile_search(&f).unwrap() else {
                panic!("{pattern} should scan runs");
            };
            let mut hit = vec![false; texts.len()];
            let find = |from: usize| re.find_at(&run, from).map(|m| (m.start(), m.end()));
            mark_run_hits(&run, &offsets, &mut hit, find, |k| re.is_match(texts[k]));
            let expected: Vec<bool> = texts.iter().map(|t| re.is_match(t)).collect();
            assert_eq!(hit, expected, "{pattern}");
        }
        for pattern in ["^ab", "b$", r"\bab", "a*"] {
            let f = Filter {
                search: pattern.into(),
                regex: true,
                ..Default::default()
            };
            assert!(
                matches!(
                    compile_search(&f).unwrap(),
                    Some(Search::Regex { runs: false, .. })
                ),
                "{pattern} must be matched per post"
            );
        }
        // Caseless scripts take the fast path; Latin letters with non-ASCII case do not.
        let f = |s: &str| Filter {
            search: s.into(),
            ..Default::default()
        };
        assert!(matches!(
            compile_search(&f("직캠 ファン")).unwrap(),
            Some(Search::Literal(_))
        ));
        assert!(matches!(
            compile_search(&f("É")).unwrap(),
            Some(Search::Regex { runs: true, .. })
        ));
        assert!(
            compile_search(&f("CAFÉ"))
                .unwrap()
                .unwrap()
                .is_match("café")
        );
    }
}
