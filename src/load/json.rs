//! JSON sources: splitting the stream into values (JSONL lines, concatenated values, or the
//! elements of a top-level array), recognising each value's format, and dispatching it to
//! that format's parser.

use std::borrow::Cow;
use std::fmt;

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

use crate::load::builder::{ChunkBuilder, quote_value};
use crate::load::readers;
use crate::load::report::RejectKind;
use crate::load::{bluesky, twitter_v2};
use crate::model::Format;
use crate::time::TimeParser;

/// Settings shared by the JSON parsers.
pub struct JsonContext {
    pub time_parser: TimeParser,
    pub max_field_bytes: usize,
    /// The format most values have; values of another format are still recognised.
    pub format: Format,
    /// For [`Format::GenericJson`]: how the file's paths map to roles.
    pub paths: Option<std::sync::Arc<crate::load::json_paths::PathMapping>>,
    /// The slice being loaded (`None` keeps every row).
    pub slice: Option<std::sync::Arc<crate::load::slice::RowTest>>,
}

/// An error converting one JSON value: the kind and a readable reason.
pub type ValueError = (RejectKind, String);

/// An id that may be written as a string or a number.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FlexId(pub String);

impl<'de> Deserialize<'de> for FlexId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FlexId;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id (string or integer)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexId, E> {
                Ok(FlexId(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexId, E> {
                Ok(FlexId(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexId, E> {
                Ok(FlexId(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FlexId, E> {
                // A float id has already lost digits; keep what is there, visibly.
                Ok(FlexId(format!("{v}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FlexId, E> {
                Ok(FlexId::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<FlexId, E> {
                Ok(FlexId::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<FlexId, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

/// A string field that may be null.
pub type OptStr<'a> = Option<Cow<'a, str>>;

pub fn s<'b>(v: &'b OptStr<'_>) -> &'b str {
    v.as_deref().unwrap_or("")
}

/// Rejects a post whose timestamp (`value` of its `field`) could not be used: missing
/// (absent or blank) or unreadable. `noun` and `id` name the post in the message
/// (`tweet 123`, `status 456`).
pub fn reject_timestamp(
    out: &mut ChunkBuilder,
    line: u64,
    value: Option<&str>,
    field: &str,
    noun: &str,
    id: &str,
) {
    let (kind, reason) = match value {
        Some(v) if !v.trim().is_empty() => (
            RejectKind::BadTimestamp,
            format!("unreadable {field} {v:?} ({noun} {id})"),
        ),
        _ => (
            RejectKind::MissingTimestamp,
            format!("{noun} has no {field} ({noun} {id})"),
        ),
    };
    out.reject(line, Some(field), kind, reason, None);
}

/// Recognises the format of one JSON value (see [`readers::READERS`]).
pub fn classify(v: &Value) -> Option<Format> {
    readers::classify(v)
}

/// Converts one value of a known format into posts.
fn convert_as(
    format: Format,
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    match readers::reader_for(format) {
        Some(r) => r.convert(bytes, line, ctx, out),
        None => Ok(()),
    }
}

/// Converts one JSON value, whatever its format, counting it in `out`.
pub fn convert_value(bytes: &[u8], line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let before_rows = out.rows_in;
    if convert_as(ctx.format, bytes, line, ctx, out).is_ok() {
        return;
    }
    // Undo partial counting of a failed typed parse: typed parsers count only after
    // a successful parse, so nothing to undo; re-check with a generic parse.
    out.rows_in = before_rows;
    match serde_json::from_slice::<Value>(bytes) {
        Err(e) => {
            let (kind, what) = if e.is_eof() {
                (
                    RejectKind::TruncatedRecord,
                    "truncated JSON (the input ends inside this value)",
                )
            } else {
                (RejectKind::InvalidJson, "invalid JSON")
            };
            // A response page cut short keeps the posts it holds whole.
            let why = format!("{what} at column {}", e.column());
            let salvaged = match ctx.format {
                Format::Twarc2Pages => {
                    twitter_v2::salvage_page(bytes, line, ctx, out, (kind, &why))
                }
                Format::Bluesky => bluesky::salvage_page(bytes, line, ctx, out, (kind, &why)),
                _ => None,
            };
            if salvaged.is_some() {
                return;
            }
            out.rows_in += 1;
            let err_line = line + e.line().saturating_sub(1) as u64;
            out.reject(
                err_line,
                None,
                kind,
                format!(
                    "{what} at column {}: {e}; the value starts {}",
                    e.column(),
                    snippet(bytes)
                ),
                None,
            );
        }
        Ok(v) => match classify(&v) {
            Some(f) if f != ctx.format => {
                if let Err(e) = convert_as(f, bytes, line, ctx, out) {
                    out.rows_in = before_rows + 1;
                    out.reject(
                        line,
                        None,
                        RejectKind::UnknownJsonObject,
                        format!(
                            "looks like {} but does not fit its schema: {e}",
                            f.description()
                        ),
                        None,
                    );
                }
            }
            Some(f) => {
                let err = convert_as(f, bytes, line, ctx, out).err();
                if let Some(e) = err {
                    out.rows_in = before_rows + 1;
                    out.reject(
                        line,
                        None,
                        RejectKind::UnknownJsonObject,
                        format!("does not fit the {} schema: {e}", f.description()),
                        None,
                    );
                }
            }
            None => {
                out.rows_in += 1;
                let keys = v
                    .as_object()
                    .map(|o| o.keys().take(12).cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_else(|| format!("a JSON {}", json_type(&v)));
                out.reject(
                    line,
                    None,
                    RejectKind::UnknownJsonObject,
                    format!("not a post of a known format (keys: {keys})"),
                    None,
                );
            }
        },
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub fn snippet(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(400)];
    quote_value(&String::from_utf8_lossy(head), 100)
}

/// End (exclusive) of the JSON object or array that starts at `buf[start]`, or `None` when
/// it does not close within `buf`. Written by hand: it only tracks depth and strings, which
/// is all that splitting needs, and runs at memchr speed inside strings.
pub fn value_end(buf: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    let n = buf.len();
    while i < n {
        match buf[i] {
            b'"' => {
                i += 1;
                loop {
                    let p = memchr::memchr2(b'"', b'\\', &buf[i..])?;
                    i += p;
                    if buf[i] == b'\\' {
                        i += 2;
                        if i > n {
                            return None;
                        }
                    } else {
                        break;
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A JSON value's place in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Value {
        start: usize,
        end: usize,
        line: u64,
    },
    /// Bytes that are not a JSON value (junk between values, a truncated tail).
    Junk {
        start: usize,
        end: usize,
        line: u64,
        truncated: bool,
    },
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

/// Splits a whole document into values: the elements of a top-level array, or a sequence of
/// top-level values (pretty-printed or concatenated). Scalars are reported as junk.
pub fn split_document(buf: &[u8]) -> Vec<Piece> {
    let mut doc = DocumentSplitter {
        buf,
        i: 0,
        line: 1,
        pieces: Vec::new(),
    };
    while doc.i < buf.len() {
        doc.skip_while(is_ws);
        if doc.i >= buf.len() {
            break;
        }
        match buf[doc.i] {
            b'[' => {
                if doc.array_ended_document() {
                    break;
                }
            }
            b'{' => doc.object(),
            _ => doc.junk_to_next_value_line(false),
        }
    }
    doc.pieces
}

/// A walk through a document: where it is, on which line, and the pieces found so far.
struct DocumentSplitter<'b> {
    buf: &'b [u8],
    i: usize,
    line: u64,
    pieces: Vec<Piece>,
}

impl DocumentSplitter<'_> {
    /// Moves to `to`, counting the lines passed.
    fn advance_to(&mut self, to: usize) {
        self.line += memchr::memchr_iter(b'\n', &self.buf[self.i..to]).count() as u64;
        self.i = to;
    }

    fn skip_while(&mut self, skip: impl Fn(u8) -> bool) {
        let mut to = self.i;
        while to < self.buf.len() && skip(self.buf[to]) {
            to += 1;
        }
        self.advance_to(to);
    }

    fn junk(&mut self, start: usize, end: usize, truncated: bool) {
        self.pieces.push(Piece::Junk {
            start,
            end,
            line: self.line,
            truncated,
        });
    }

    /// A value from here to `end`, then past it.
    fn value(&mut self, end: usize) {
        self.pieces.push(Piece::Value {
            start: self.i,
            end,
            line: self.line,
        });
        self.advance_to(end);
    }

    /// Junk from here to the next line that opens an object.
    fn junk_to_next_value_line(&mut self, truncated_at_end: bool) {
        let next = next_value_line(self.buf, self.i);
        self.junk(self.i, next, truncated_at_end && next == self.buf.len());
        self.advance_to(next);
    }

    /// An object, or, unclosed (maybe a truncated value, maybe a broken one followed by
    /// good lines), junk up to the next line that starts a value.
    fn object(&mut self) {
        match value_end(self.buf, self.i) {
            Some(e) => self.value(e),
            None => self.junk_to_next_value_line(true),
        }
    }

    /// An array, whose elements are the values; whether the document ended inside it.
    fn array_ended_document(&mut self) -> bool {
        let (buf, n) = (self.buf, self.buf.len());
        let arr_start = self.i;
        self.i += 1;
        loop {
            self.skip_while(|b| is_ws(b) || b == b',');
            if self.i >= n {
                self.junk(arr_start, n, true);
                return true;
            }
            match buf[self.i] {
                b']' => {
                    self.i += 1;
                    return false;
                }
                b'{' | b'[' => match value_end(buf, self.i) {
                    Some(e) => self.value(e),
                    None => {
                        self.junk(self.i, n, true);
                        return true;
                    }
                },
                _ => {
                    // A scalar element: not a post.
                    let e = memchr::memchr2(b',', b']', &buf[self.i..])
                        .map(|p| self.i + p)
                        .unwrap_or(n);
                    self.junk(self.i, e, false);
                    self.advance_to(e);
                }
            }
        }
    }
}

/// The start of the next line (after `from`) whose first byte opens an object.
fn next_value_line(buf: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(p) = memchr::memchr(b'\n', &buf[i..]) {
        i += p + 1;
        if buf.get(i) == Some(&b'{') {
            return i;
        }
    }
    buf.len()
}

/// Converts the values of a whole document in parallel chunks.
pub fn convert_document(buf: &[u8], ctx: &JsonContext) -> Vec<ChunkBuilder> {
    let pieces = split_document(buf);
    let groups = group_pieces(&pieces, 2 << 20);
    groups
        .par_iter()
        .map(|g| {
            let mut out = ChunkBuilder::for_slice(ctx.slice.clone());
            for p in *g {
                convert_piece(buf, p, ctx, &mut out);
            }
            out
        })
        .collect()
}

fn group_pieces(pieces: &[Piece], target: usize) -> Vec<&[Piece]> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (k, p) in pieces.iter().enumerate() {
        let (s, e) = match p {
            Piece::Value { start, end, .. } | Piece::Junk { start, end, .. } => (*start, *end),
        };
        bytes += e - s;
        if bytes >= target {
            groups.push(&pieces[start..=k]);
            start = k + 1;
            bytes = 0;
        }
    }
    if start < pieces.len() {
        groups.push(&pieces[start..]);
    }
    groups
}

pub fn convert_piece(buf: &[u8], p: &Piece, ctx: &JsonContext, out: &mut ChunkBuilder) {
    match *p {
        Piece::Value { start, end, line } => convert_value(&buf[start..end], line, ctx, out),
        Piece::Junk {
            start,
            end,
            line,
            truncated,
        } => {
            let bytes = &buf[start..end];
            if bytes.iter().all(|&b| is_ws(b) || b == b',') {
                return;
            }
            out.rows_in += 1;
            if truncated {
                out.reject(
                    line,
                    None,
                    RejectKind::TruncatedRecord,
                    format!(
                        "truncated JSON: the input ends inside the value that starts {}",
                        snippet(bytes)
                    ),
                    None,
                );
            } else {
                out.reject(
                    line,
                    None,
                    RejectKind::InvalidJson,
                    format!("not a JSON object: {}", snippet(bytes)),
                    None,
                );
            }
        }
    }
}

/// Splits complete lines of a JSONL block into groups of about `target` bytes.
pub fn convert_lines(buf: &[u8], first_line: u64, ctx: &JsonContext) -> Vec<ChunkBuilder> {
    // Group boundaries at line starts.
    let target = 2 << 20;
    let mut bounds = vec![(0usize, first_line)];
    let mut pos = 0usize;
    let mut line = first_line;
    while pos < buf.len() {
        let next = (pos + target).min(buf.len());
        let cut = if next >= buf.len() {
            buf.len()
        } else {
            match memchr::memchr(b'\n', &buf[next..]) {
                Some(p) => next + p + 1,
                None => buf.len(),
            }
        };
        line += memchr::memchr_iter(b'\n', &buf[pos..cut]).count() as u64;
        pos = cut;
        if pos < buf.len() {
            bounds.push((pos, line));
        }
    }
    let mut ranges = Vec::new();
    for (k, &(s, l)) in bounds.iter().enumerate() {
        let e = bounds.get(k + 1).map(|b| b.0).unwrap_or(buf.len());
        ranges.push((s, e, l));
    }
    ranges
        .par_iter()
        .map(|&(s, e, l)| {
            let mut out = ChunkBuilder::for_slice(ctx.slice.clone());
            for (k, raw_line) in buf[s..e].split(|&b| b == b'\n').enumerate() {
                let line = l + k as u64;
                let trimmed = trim_ws(raw_line);
                if !trimmed.is_empty() {
                    if trimmed[0] == b'{' || trimmed[0] == b'[' {
                        convert_value(trimmed, line, ctx, &mut out);
                    } else {
                        out.rows_in += 1;
                        out.reject(
                            line,
                            None,
                            RejectKind::InvalidJson,
                            format!("not a JSON object: {}", snippet(trimmed)),
                            None,
                        );
                    }
                }
            }
            out
        })
        .collect()
}

fn trim_ws(b: &[u8]) -> &[u8] {
    let s = b.iter().position(|&c| !is_ws(c)).unwrap_or(b.len());
    let e = b
        .iter()
        .rposition(|&c| !is_ws(c))
        .map(|p| p + 1)
        .unwrap_or(s);
    &b[s..e.max(s)]
}

/// How a JSON input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLayout {
    /// One value per line.
    Lines,
    /// A whole document: an array, or pretty-printed / concatenated values.
    Document,
}

/// Decides the layout from the start of the input: JSONL when the first line is a whole
/// object by itself, or when it opens an object it does not close and the next line opens
/// another (a first line cut short or spoiled: read as a document, an unclosed string in it
/// would run on over the lines after it).
pub fn detect_layout(head: &[u8]) -> JsonLayout {
    let start = head.iter().position(|&b| !is_ws(b)).unwrap_or(0);
    if head.get(start) != Some(&b'{') {
        return JsonLayout::Document;
    }
    let line_end = memchr::memchr(b'\n', &head[start..])
        .map(|p| start + p)
        .unwrap_or(head.len());
    match value_end(&head[..line_end], start) {
        Some(e) if trim_ws(&head[e..line_end]).is_empty() => JsonLayout::Lines,
        // A first line longer than the sniffed head: assume JSONL (pages are long lines).
        None if line_end == head.len() && !head[start..].contains(&b'\n') => JsonLayout::Lines,
        _ if head.get(line_end + 1) == Some(&b'{') && trim_ws(&head[start..line_end]).len() > 1 => {
            JsonLayout::Lines
        }
        _ => JsonLayout::Document,
    }
}

/// Finds the format of the first recognisable value in `head`.
pub fn detect_format(head: &[u8]) -> Option<Format> {
    let pieces = split_document(head);
    for p in pieces.iter().take(20) {
        if let Piece::Value { start, end, .. } = p
            && let Ok(v) = serde_json::from_slice::<Value>(&head[*start..*end])
            && let Some(f) = classify(&v)
        {
            return Some(f);
        }
    }
    // The first value may be longer than the head: classify from its first keys.
    let text = String::from_utf8_lossy(&head[..head.len().min(1 << 16)]);
    // A twarc2 page opens with its `data` array; its `includes` come at the end.
    let opening: String = text
        .chars()
        .take(40)
        .filter(|c| !c.is_whitespace())
        .collect();
    if opening.starts_with("{\"data\":[") {
        return Some(Format::Twarc2Pages);
    }
    readers::probe_head(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_end_handles_strings_and_nesting() {
        let b = br#"{"a": "x}\"y", "b": [1, {"c": 2}]} tail"#;
        assert_eq!(value_end(b, 0), Some(b.len() - 5));
        assert_eq!(value_end(br#"{"a": "#, 0), None);
        let deep = "[".repeat(100_000);
        assert_eq!(value_end(deep.as_bytes(), 0), None);
    }

    #[test]
    fn split_array_and_concatenated() {
        let b = b"[\n {\"a\": 1},\n {\"b\": 2}\n]";
        let p = split_document(b);
        assert_eq!(p.len(), 2);
        assert!(matches!(p[1], Piece::Value { line: 3, .. }));
        let b = b"{\"a\":\n1}\n{\"b\": 2}\ngarbage\n{\"c\": 3";
        let p = split_document(b);
        assert!(matches!(p[0], Piece::Value { line: 1, .. }));
        assert!(matches!(p[1], Piece::Value { line: 3, .. }));
        assert!(matches!(
            p[2],
            Piece::Junk {
                line: 4,
                truncated: false,
                ..
            }
        ));
        assert!(matches!(
            p[3],
            Piece::Junk {
                line: 5,
                truncated: true,
                ..
            }
        ));
    }

    #[test]
    fn layouts() {
        assert_eq!(
            detect_layout(b"{\"a\": 1}\n{\"b\": 2}\n"),
            JsonLayout::Lines
        );
        assert_eq!(detect_layout(b"{\n  \"a\": 1\n}\n"), JsonLayout::Document);
        assert_eq!(detect_layout(b"[{\"a\": 1}]"), JsonLayout::Document);
        // A first line cut short, or spoiled, before whole ones.
        assert_eq!(
            detect_layout(b"{\"data\": [{\"text\": \"cut her\n{\"b\": 2}\n"),
            JsonLayout::Lines
        );
        assert_eq!(
            detect_layout(b"{\"a\": 1,}\n{\"b\": 2}\n"),
            JsonLayout::Lines
        );
        // Pretty-printed values, each opening on a line of its own.
        assert_eq!(detect_layout(b"{\n{\"a\": 1}\n}\n"), JsonLayout::Document);
    }
}
