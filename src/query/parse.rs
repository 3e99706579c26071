//! The text form of a filter, for `derail export --where` and the command line:
//! whitespace-separated terms, each `key:value` or plain search text.
//!
//! `hashtag:TAG` (or `#TAG`) · `from:TIME` `to:TIME` (ISO 8601, as in exports) ·
//! `cluster:N` · `dup:N` (near-duplicate group) · `tag:NAME` (a tag of the analysis, such
//! as `takeover`, `newcomer`, `counter_speech`) · `label:NAME`, `label:none`, `label:any`
//! · `author:HANDLE` · `moment:N` (the takeover posts of the Nth moment, from 1) ·
//! `/REGEX/` · anything else is searched for in the text (terms joined by spaces).

use super::{Filter, LabelFilter};
use crate::analysis::Analysis;
use crate::labels::Labels;
use crate::model::Dataset;

/// Parses a query against the dataset, its analysis and its labels (which give tags,
/// hashtags, label names and authors their numbers). Errors name the term.
pub fn parse_query(
    q: &str,
    ds: &Dataset,
    an: Option<&Analysis>,
    labels: &Labels,
) -> Result<Filter, String> {
    let mut f = Filter::default();
    let mut text: Vec<&str> = Vec::new();
    for term in q.split_whitespace() {
        let (key, value) = match term.split_once(':') {
            Some((k, v)) if !v.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic()) => {
                (k.to_ascii_lowercase(), v)
            }
            _ => (String::new(), term),
        };
        let bad = |what: &str| format!("query term {term:?}: {what}");
        match key.as_str() {
            "hashtag" | "" if key == "hashtag" || (value.starts_with('#') && value.len() > 1) => {
                let tag = value.trim_start_matches('#').to_lowercase();
                f.hashtag = Some(
                    ds.hashtag_names
                        .get(&tag)
                        .ok_or_else(|| bad("no post carries this hashtag"))?,
                );
            }
            "from" | "to" => {
                let t = crate::time::TimeParser::default()
                    .parse_ms(value)
                    .ok_or_else(|| {
                        bad("not a time; write it as in exports, e.g. 2020-06-04T18:00:00Z")
                    })?;
                let (a, b) = f.time.unwrap_or((i64::MIN, i64::MAX));
                f.time = Some(if key == "from" { (t, b) } else { (a, t) });
            }
            "cluster" => f.cluster = Some(value.parse().map_err(|_| bad("not a cluster number"))?),
            "dup" => f.dup_group = Some(value.parse().map_err(|_| bad("not a group number"))?),
            "tag" => {
                let an = an.ok_or_else(|| bad("tags need the analysis"))?;
                f.tag = Some(
                    an.tag_names
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(value))
                        .ok_or_else(|| {
                            let names: Vec<&str> = an
                                .tag_names
                                .iter()
                                .map(String::as_str)
                                .filter(|n| !n.is_empty())
                                .collect();
                            bad(&format!("no such tag; tags are {}", names.join(", ")))
                        })?,
                );
            }
            "label" => {
                f.label = Some(match value {
                    "none" => LabelFilter::Unlabelled,
                    "any" => LabelFilter::Labelled,
                    name => LabelFilter::Is(labels.by_name(name).ok_or_else(|| {
                        let names: Vec<&str> = labels.set.iter().map(|d| d.name.as_str()).collect();
                        bad(&format!(
                            "no such label; labels are {}, none, any",
                            names.join(", ")
                        ))
                    })?),
                });
            }
            "author" => {
                let handle = value.trim_start_matches('@');
                f.author = Some(
                    (0..ds.len())
                        .find(|&i| ds.handle(i).eq_ignore_ascii_case(handle))
                        .map(|i| ds.author[i])
                        .ok_or_else(|| bad("no post by this author"))?,
                );
            }
            "moment" => {
                let n: usize = value.parse().map_err(|_| bad("not a moment number"))?;
                let count = an.map(|a| a.moments.len()).unwrap_or(0);
                if n == 0 || n > count {
                    return Err(bad(&format!("there are {count} moments, numbered from 1")));
                }
                f.moment = Some(n - 1);
            }
            _ if term.len() > 2 && term.starts_with('/') && term.ends_with('/') => {
                f.search = term[1..term.len() - 1].to_string();
                f.regex = true;
            }
            _ => text.push(term),
        }
    }
    if !text.is_empty() {
        if f.regex {
            return Err("a query has either a /regex/ or search text, not both".into());
        }
        f.search = text.join(" ");
    }
    Ok(f)
}
