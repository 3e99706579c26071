//! Hive partitions: a folder of Parquet files laid out as `key=value` directories (what
//! DuckDB's `PARTITION_BY`, Spark and BigQuery exports write), read so that a slice opens
//! only the files that can hold it.
//!
//! A file under `tag=lovewins/` (keys `hashtag`, `hashtags`, `tag`, `tags`) holds posts of
//! that hashtag; one under `date=2020-06-04/` (keys `date`, `day`, `dt`), or under
//! `year=2020/month=6/day=4/` (and `hour=`), holds posts of that day or hour, read as UTC.
//! A Parquet file whose partition values rule it out of the slice is not opened: its rows
//! (from its footer) are counted as outside the slice. Other formats are read and cut as
//! usual. Values are percent-decoded, as Hive writes them. A Parquet file also reads each
//! partition its columns lack as a column of that value (see
//! [`crate::load::parquet_format::load_parquet_in_partition`]).

use std::path::Path;

use crate::load::slice::Slice;

/// The `key=value` directory names between `root` and `file`, keys in lower case.
pub fn values(root: &Path, file: &Path) -> Vec<(String, String)> {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let mut out = Vec::new();
    let dirs = rel.parent().map(|p| p.components().collect::<Vec<_>>());
    for c in dirs.unwrap_or_default() {
        let Some(part) = c.as_os_str().to_str() else {
            continue;
        };
        if let Some((k, v)) = part.split_once('=')
            && !k.is_empty()
        {
            out.push((k.to_ascii_lowercase(), percent_decode(v)));
        }
    }
    out
}

fn percent_decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A partition value, or "" for the missing value: Hive writes it as
/// `__HIVE_DEFAULT_PARTITION__`, DuckDB as `NULL`.
pub fn value_or_empty(v: &str) -> &str {
    if v == "__HIVE_DEFAULT_PARTITION__" || v == "NULL" {
        ""
    } else {
        v
    }
}

const HASHTAG_KEYS: [&str; 4] = ["hashtag", "hashtags", "tag", "tags"];
const DATE_KEYS: [&str; 3] = ["date", "day", "dt"];

/// Milliseconds at the start of a valid UTC calendar day.
fn day_ms(y: i64, m: u32, d: u32) -> Option<i64> {
    let days = crate::time::days_from_civil(y, m, d);
    (crate::time::civil_from_days(days) == (y, m, d)).then_some(days * 86_400_000)
}

/// The time span `[from, until)` (UTC milliseconds) that partition values confine a file
/// to, if they name one.
fn time_span(values: &[(String, String)]) -> Option<(i64, i64)> {
    const DAY: i64 = 86_400_000;
    let get = |k: &str| {
        values
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim())
    };
    let num = |k: &str| get(k).and_then(|v| v.parse::<u32>().ok());
    let date = DATE_KEYS.iter().filter_map(|k| get(k)).find_map(|v| {
        let b = v.as_bytes();
        let field = |r: std::ops::Range<usize>| v.get(r).and_then(|x| x.parse::<u32>().ok());
        (b.len() >= 10 && b[4] == b'-' && b[7] == b'-')
            .then(|| day_ms(field(0..4)? as i64, field(5..7)?, field(8..10)?))
            .flatten()
    });
    let (from, until) = if let Some(d) = date {
        (d, d + DAY)
    } else {
        let year = num("year")? as i64;
        match (num("month"), num("day")) {
            (Some(m), Some(d)) => {
                let day = day_ms(year, m, d)?;
                (day, day + DAY)
            }
            (Some(m), None) => {
                let next = if m == 12 {
                    day_ms(year + 1, 1, 1)?
                } else {
                    day_ms(year, m + 1, 1)?
                };
                return Some((day_ms(year, m, 1)?, next));
            }
            _ => return Some((day_ms(year, 1, 1)?, day_ms(year + 1, 1, 1)?)),
        }
    };
    match num("hour") {
        Some(h) if h < 24 => {
            let at = from + h as i64 * 3_600_000;
            Some((at, at + 3_600_000))
        }
        _ => Some((from, until)),
    }
}

/// Whether a file's partition values put all its posts outside the slice.
pub fn rule_out(values: &[(String, String)], slice: &Slice) -> bool {
    if let Some(tag) = &slice.hashtag {
        let want = crate::text::normalize_hashtag(tag.trim_start_matches('#'));
        let named: Vec<&str> = values
            .iter()
            .filter(|(k, _)| HASHTAG_KEYS.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
            .collect();
        // A directory of the missing value holds posts of no tag in that column, but
        // their text may hold it.
        let known = |v: &&str| !value_or_empty(v).is_empty();
        if !named.is_empty()
            && named.iter().all(known)
            && named
                .iter()
                .all(|v| crate::text::normalize_hashtag(v) != want)
        {
            return true;
        }
    }
    if let Some((from, until)) = time_span(values)
        && (slice.since.is_some_and(|s| until <= s) || slice.until.is_some_and(|u| from >= u))
    {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn slice(tag: Option<&str>, since: Option<&str>, until: Option<&str>) -> Slice {
        let t = |s: &str| crate::time::TimeParser::default().parse_ms(s).unwrap();
        Slice {
            hashtag: tag.map(String::from),
            since: since.map(t),
            until: until.map(t),
        }
    }

    #[test]
    fn hashtag_and_date_partitions_rule_files_out() {
        let root = PathBuf::from("/c");
        let f = PathBuf::from("/c/tag=LoveWins/date=2020-06-04/part-0.parquet");
        let v = values(&root, &f);
        assert_eq!(v[0], ("tag".into(), "LoveWins".into()));
        assert!(!rule_out(&v, &slice(Some("#lovewins"), None, None)));
        assert!(rule_out(&v, &slice(Some("blm"), None, None)));
        assert!(!rule_out(
            &v,
            &slice(None, Some("2020-06-04T23:00:00Z"), None)
        ));
        assert!(rule_out(
            &v,
            &slice(None, Some("2020-06-05T00:00:00Z"), None)
        ));
        assert!(rule_out(
            &v,
            &slice(None, None, Some("2020-06-04T00:00:00Z"))
        ));
        let hour = values(
            &root,
            Path::new("/c/year=2020/month=06/day=04/hour=7/a.parquet"),
        );
        assert!(rule_out(
            &hour,
            &slice(None, Some("2020-06-04T08:00:00Z"), None)
        ));
        assert!(!rule_out(
            &hour,
            &slice(None, Some("2020-06-04T07:59:00Z"), None)
        ));
        // Percent-encoded values, and the default partition, which is never ruled out.
        let enc = values(&root, Path::new("/c/tag=%23Caf%C3%A9/x.parquet"));
        assert_eq!(enc[0].1, "#Café");
        assert!(!rule_out(&enc, &slice(Some("café"), None, None)));
        let none = values(
            &root,
            Path::new("/c/tag=__HIVE_DEFAULT_PARTITION__/x.parquet"),
        );
        assert!(!rule_out(&none, &slice(Some("blm"), None, None)));
        // A file outside any partition is never ruled out.
        assert!(!rule_out(
            &values(&root, Path::new("/c/x.parquet")),
            &slice(Some("blm"), None, None)
        ));
    }
}
