//! Reading posts out of parsed JSON values: dotted-path access, ids and counts written as
//! strings or numbers, lists of tags, the arrays inside a large document value (with the
//! line each element starts on), and the last step every value reader shares — check the
//! time and the text, then push the post or reject it with its line.

use std::borrow::Cow;

use serde_json::Value;

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{JsonContext, reject_timestamp, value_end};
use crate::load::report::RejectKind;

/// The value at a dotted path (`data.caption.text`); array elements by index (`items.0`).
pub fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, key| match cur {
        Value::Object(o) => o.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// A non-empty string at `path`.
pub fn str_at<'v>(v: &'v Value, path: &str) -> Option<&'v str> {
    at(v, path)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// The first non-empty string among `paths`.
pub fn first_str<'v>(v: &'v Value, paths: &[&str]) -> Option<&'v str> {
    paths.iter().find_map(|p| str_at(v, p))
}

/// A scalar as text: strings as they are, numbers and booleans written out.
pub fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// An id (string or number) at the first of `paths` that has one.
pub fn id_at<'v>(v: &'v Value, paths: &[&str]) -> Option<Cow<'v, str>> {
    paths.iter().find_map(|p| at(v, p).and_then(scalar_text))
}

/// A count (number, or a string such as `"1234"` or `"1.2K"`); [`crate::model::METRIC_NONE`]
/// if absent.
pub fn count_at(v: &Value, paths: &[&str]) -> u32 {
    crate::model::metric_count(paths.iter().find_map(|p| {
        match at(v, p)? {
            Value::Number(n) => n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
            Value::String(s) => crate::load::mapping::parse_count(s),
            // A summary object such as `{"count": 12}`.
            Value::Object(o) => o.get("count").and_then(Value::as_u64),
            _ => None,
        }
    }))
}

/// Strings in a list at `path`: plain strings, or the `key` of each object.
pub fn strings_at<'v>(v: &'v Value, path: &str, keys: &[&str]) -> Vec<Cow<'v, str>> {
    match at(v, path) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|it| match it {
                Value::String(s) => Some(Cow::Borrowed(s.as_str())),
                Value::Object(o) => keys
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_str))
                    .map(Cow::Borrowed),
                _ => None,
            })
            .filter(|s| !s.trim().is_empty())
            .collect(),
        Some(Value::String(s)) => s
            .split([',', ' ', '|'])
            .filter(|t| !t.trim().is_empty())
            .map(|t| Cow::Owned(t.trim().to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The time value at the first of `paths` that has one, as text, with the path it came
/// from (for the rejection message).
pub fn time_at<'v>(v: &'v Value, paths: &[&'static str]) -> (Option<Cow<'v, str>>, &'static str) {
    for p in paths {
        if let Some(t) = at(v, p).and_then(scalar_text) {
            return (Some(t), p);
        }
    }
    (None, paths.first().copied().unwrap_or("time"))
}

/// Counts one post and pushes it, or rejects it with its line when its time is missing or
/// unreadable or its text is too large. `noun` and `id` name it in messages.
pub fn emit(
    out: &mut ChunkBuilder,
    ctx: &JsonContext,
    noun: &str,
    time: (Option<Cow<'_, str>>, &str),
    mut rec: PostRecord<'_>,
) {
    out.rows_in += 1;
    let (value, field) = time;
    let Some(parsed) = value.as_deref().and_then(|t| ctx.time_parser.parse(t)) else {
        reject_timestamp(out, rec.line, value.as_deref(), field, noun, &rec.id);
        return;
    };
    if rec.text.len() > ctx.max_field_bytes {
        out.reject(
            rec.line,
            Some("text"),
            RejectKind::FieldTooLarge,
            format!(
                "text of {noun} {} is {} bytes, above the {} byte limit",
                rec.id,
                rec.text.len(),
                ctx.max_field_bytes
            ),
            None,
        );
        return;
    }
    rec.created_at = parsed.ms;
    rec.naive_time = parsed.naive;
    out.push(rec);
}

/// Where an element of an array inside a document value is: its bytes and the line it
/// starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    pub start: usize,
    pub end: usize,
    pub line: u64,
}

fn skip_ws(buf: &[u8], mut i: usize) -> usize {
    while i < buf.len() && matches!(buf[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// End (exclusive) of the string that opens at `buf[i]`.
fn string_end(buf: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let p = memchr::memchr2(b'"', b'\\', buf.get(j..)?)?;
        j += p;
        if buf[j] == b'\\' {
            j += 2;
        } else {
            return Some(j + 1);
        }
    }
}

/// End (exclusive) of any value that starts at `buf[i]`.
fn any_end(buf: &[u8], i: usize) -> Option<usize> {
    match *buf.get(i)? {
        b'{' | b'[' => value_end(buf, i),
        b'"' => string_end(buf, i),
        _ => {
            let n = buf[i..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(buf.len() - i);
            // A value must take at least one byte; anything else is damage, and
            // stepping over nothing would never end.
            (n > 0).then_some(i + n)
        }
    }
}

/// Where the value of member `key` of the object at `buf[start]` starts (the members before
/// it are walked past whole; the value itself need not end within `buf`).
fn member(buf: &[u8], start: usize, key: &str) -> Option<usize> {
    if buf.get(start) != Some(&b'{') {
        return None;
    }
    let mut i = start + 1;
    loop {
        i = skip_ws(buf, i);
        match *buf.get(i)? {
            b',' => {
                i += 1;
                continue;
            }
            b'}' => return None,
            b'"' => {}
            _ => return None,
        }
        let kend = string_end(buf, i)?;
        let name = &buf[i + 1..kend - 1];
        i = skip_ws(buf, kend);
        if buf.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(buf, i + 1);
        if name == key.as_bytes() {
            return Some(i);
        }
        i = any_end(buf, i)?;
    }
}

/// The object elements of the array at `path` inside the document value `buf` (which
/// starts on line `first_line`), without parsing the rest of the document. An empty path
/// means `buf` itself is the array. `None` when there is no such array, or it does not
/// close.
pub fn elements_at(buf: &[u8], path: &[&str], first_line: u64) -> Option<Vec<Element>> {
    let (elements, closed) = leading_elements_at(buf, path, first_line)?;
    closed.then_some(elements)
}

/// The object elements that open the array at `path`, up to where the array closes or the
/// bytes break off (a value cut short, damage between values), and whether it closed.
/// `None` when there is no such array. An element is whole in brackets and strings, not
/// checked to be valid JSON.
pub fn leading_elements_at(
    buf: &[u8],
    path: &[&str],
    first_line: u64,
) -> Option<(Vec<Element>, bool)> {
    let mut start = skip_ws(buf, 0);
    for key in path {
        start = member(buf, start, key)?;
    }
    elements_from(buf, start, first_line)
}

/// The object elements of the array that opens at `buf[start]`, as [`leading_elements_at`].
fn elements_from(buf: &[u8], start: usize, first_line: u64) -> Option<(Vec<Element>, bool)> {
    if buf.get(start) != Some(&b'[') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = start + 1;
    let mut line = first_line;
    let mut counted = 0usize;
    loop {
        i = skip_ws(buf, i);
        match buf.get(i) {
            None => return Some((out, false)),
            Some(b',') => {
                i += 1;
                continue;
            }
            Some(b']') => return Some((out, true)),
            _ => {}
        }
        let Some(end) = any_end(buf, i) else {
            return Some((out, false));
        };
        if buf[i] == b'{' {
            line += memchr::memchr_iter(b'\n', &buf[counted..i]).count() as u64;
            counted = i;
            out.push(Element {
                start: i,
                end,
                line,
            });
        }
        i = end;
    }
}

/// Where the array of a document's member `key` opens, found by the key's name alone: the
/// name between quotes of either kind, then nothing but quotes, a colon and spaces before
/// the `[`. For a document whose bytes before the array are spoiled (`{"data" [`, `{'data":
/// [`), which [`member`] cannot walk.
fn array_by_key_name(buf: &[u8], key: &str) -> Option<usize> {
    let name = key.as_bytes();
    let quote = |b: u8| b == b'"' || b == b'\'';
    memchr::memmem::find_iter(buf, name).find_map(|at| {
        if at == 0 || !quote(buf[at - 1]) {
            return None;
        }
        let mut i = at + name.len();
        while buf
            .get(i)
            .is_some_and(|&b| quote(b) || matches!(b, b':' | b' ' | b'\t'))
        {
            i += 1;
        }
        (buf.get(i) == Some(&b'[') && buf[at + name.len()..i].iter().any(|&b| quote(b)))
            .then_some(i)
    })
}

/// The elements that open the array at `path` and are whole, valid JSON, up to the first
/// that is not or to where the bytes break off: what a page cut short or spoiled still
/// holds. Where the path cannot be walked and is one member of the document, the array is
/// found by that member's name ([`array_by_key_name`]): a page spoiled before its array
/// still holds all of it. `None` when there is no such array.
pub fn whole_leading_elements(buf: &[u8], path: &[&str], first_line: u64) -> Option<Vec<Element>> {
    let (mut elements, _) = leading_elements_at(buf, path, first_line).or_else(|| match path {
        [key] => elements_from(buf, array_by_key_name(buf, key)?, first_line),
        _ => None,
    })?;
    let whole = elements
        .iter()
        .take_while(|e| {
            serde_json::from_slice::<serde::de::IgnoredAny>(&buf[e.start..e.end]).is_ok()
        })
        .count();
    elements.truncate(whole);
    Some(elements)
}

/// Parses each object of the array at `path` inside the document value `bytes` (which
/// starts on `first_line`) and hands it to `f` with the line it starts on. No array there
/// means no elements.
pub fn for_each_element(
    bytes: &[u8],
    path: &[&str],
    first_line: u64,
    mut f: impl FnMut(&Value, u64),
) -> Result<(), serde_json::Error> {
    for e in elements_at(bytes, path, first_line).unwrap_or_default() {
        let v: Value = serde_json::from_slice(&bytes[e.start..e.end])?;
        f(&v, e.line);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::METRIC_NONE;

    #[test]
    fn elements_of_a_nested_array_with_their_lines() {
        let doc = b"{\n \"name\": \"x}\",\n \"a\": {\"b\": [\n  {\"id\": 1},\n  2,\n  {\"id\": \"]\"}\n ]}\n}";
        let els = elements_at(doc, &["a", "b"], 10).unwrap();
        assert_eq!(els.len(), 2);
        assert_eq!(els[0].line, 13);
        assert_eq!(els[1].line, 15);
        assert_eq!(&doc[els[1].start..els[1].end], b"{\"id\": \"]\"}");
        assert!(elements_at(doc, &["missing"], 1).is_none());
        assert!(elements_at(b"{\"a\": [ {\"x\":1}", &["a"], 1).is_none());
        // Damage inside the array ends the scan instead of spinning on it.
        assert!(elements_at(b"{\"a\": [ {\"x\":1}, } ]}", &["a"], 1).is_none());
        assert!(elements_at(b"{\"a\": }", &["a"], 1).is_none());
    }

    #[test]
    fn the_whole_elements_before_an_array_breaks_off() {
        let cut = b"{\"meta\": {\"n\": 2}, \"a\": [{\"x\": 1}, {\"y\": \"]}\"}, {\"z\": \"cut he";
        let (els, closed) = leading_elements_at(cut, &["a"], 1).unwrap();
        assert!(!closed);
        assert_eq!(els.len(), 2);
        assert_eq!(&cut[els[1].start..els[1].end], b"{\"y\": \"]}\"}");
        assert!(elements_at(cut, &["a"], 1).is_none());
        let whole = b"{\"a\": [{\"x\": 1}]}";
        assert_eq!(
            leading_elements_at(whole, &["a"], 1).map(|e| e.1),
            Some(true)
        );
        // Broken before the array: no elements at all.
        assert!(leading_elements_at(b"{\"meta\": {\"n\": 2, \"a\": [{}]", &["a"], 1).is_none());
    }

    #[test]
    fn a_page_spoiled_before_its_array_still_holds_it() {
        let count = |buf: &[u8]| whole_leading_elements(buf, &["data"], 1).map(|e| e.len());
        assert_eq!(
            count(b"{\"data\": [{\"id\": 1}, {\"id\": 2}], \"meta\": {}}"),
            Some(2)
        );
        // The colon of the first key lost, or its opening quote turned: found by its name.
        assert_eq!(
            count(b"{\"data\" [{\"id\": 1}, {\"id\": 2}], \"meta\": {}}"),
            Some(2)
        );
        assert_eq!(
            count(b"{'data\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3"),
            Some(2)
        );
        // A name that is no key (unquoted, or not followed by an array) is not taken.
        assert_eq!(count(b"{x data [{\"id\": 1}]"), None);
        assert_eq!(count(b"{\"metadata\": 1, \"data\" {}}"), None);
        // Paths of more than one member are walked or not at all.
        assert!(whole_leading_elements(b"{\"a\" {\"data\": [{}]}}", &["a", "data"], 1).is_none());
    }

    #[test]
    fn paths_counts_and_lists() {
        let v: Value = serde_json::from_str(
            r#"{"a": {"b": [{"t": "x"}, {"t": "y"}], "n": "1.2K", "m": 7}, "s": "p q"}"#,
        )
        .unwrap();
        assert_eq!(str_at(&v, "a.b.1.t"), Some("y"));
        assert_eq!(count_at(&v, &["a.n"]), 1200);
        assert_eq!(count_at(&v, &["a.x", "a.m"]), 7);
        assert_eq!(count_at(&v, &["zz"]), METRIC_NONE);
        assert_eq!(strings_at(&v, "a.b", &["t"]), vec!["x", "y"]);
        assert_eq!(strings_at(&v, "s", &[]), vec!["p", "q"]);
    }
}
