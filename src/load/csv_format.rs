//! Delimited text: dialect sniffing, a quote-aware record-boundary scanner that splits the
//! input into chunks for parallel parsing, and the row → post conversion.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::load::builder::{ChunkBuilder, PostRecord, quote_value};
use crate::load::mapping::{ColumnMapping, Role, parse_kind_value};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind, RawSpan};
use crate::text;
use crate::time::{EpochPolicy, TimeParser};

/// How a delimited file is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub quoting: bool,
    /// Fields are padded with spaces around the delimiter (`a , b`): trim them.
    pub trim: bool,
    pub has_header: bool,
}

impl Dialect {
    pub fn reader_builder(&self) -> csv::ReaderBuilder {
        let mut b = csv::ReaderBuilder::new();
        b.delimiter(self.delimiter)
            .quoting(self.quoting)
            .has_headers(false)
            .flexible(true)
            .trim(if self.trim { csv::Trim::All } else { csv::Trim::None });
        b
    }

    pub fn describe(&self) -> String {
        let d = match self.delimiter {
            b'\t' => "tab".to_string(),
            b',' => "comma".to_string(),
            b';' => "semicolon".to_string(),
            b'|' => "pipe".to_string(),
            c => format!("{:?}", c as char),
        };
        let mut s = d;
        if self.trim {
            s.push_str(", padded with spaces");
        }
        if !self.quoting {
            s.push_str(", no quoting");
        }
        s
    }
}

/// Decodes a field: UTF-8, or Windows-1252 for bytes that are not UTF-8.
pub fn decode_field(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(b).0,
    }
}

/// Sniffs the dialect from the start of the decoded stream. `complete` says whether `head`
/// is the whole input (then its last record is not cut off).
pub fn sniff_dialect(head: &[u8], complete: bool) -> Dialect {
    let mut best: Option<(f32, Dialect)> = None;
    for quoting in [true, false] {
        for &delimiter in b",;\t|" {
            let d = Dialect {
                delimiter,
                quoting,
                trim: false,
                has_header: true,
            };
            let mut rdr = d.reader_builder().from_reader(head);
            let mut counts = Vec::new();
            let mut rec = csv::ByteRecord::new();
            while counts.len() < 200 {
                match rdr.read_byte_record(&mut rec) {
                    Ok(true) => counts.push(rec.len()),
                    _ => break,
                }
            }
            if !complete && counts.len() > 2 {
                counts.pop();
            }
            let Some(&header_len) = counts.first() else {
                continue;
            };
            if header_len < 2 {
                continue;
            }
            let rows = &counts[1..];
            let consistent = if rows.is_empty() {
                0.5
            } else {
                rows.iter().filter(|&&c| c == header_len).count() as f32 / rows.len() as f32
            };
            let score = consistent + 0.002 * header_len.min(30) as f32
                + if quoting { 0.01 } else { 0.0 };
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, d));
            }
        }
    }
    let mut d = best.map(|(_, d)| d).unwrap_or(Dialect {
        delimiter: b',',
        quoting: true,
        trim: false,
        has_header: true,
    });
    // Padding: most fields start or end with a space.
    let mut rdr = d.reader_builder().from_reader(head);
    let (mut padded, mut total) = (0usize, 0usize);
    let mut rec = csv::ByteRecord::new();
    for _ in 0..50 {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {
                for f in rec.iter().filter(|f| !f.is_empty()) {
                    total += 1;
                    if f.first() == Some(&b' ') || f.last() == Some(&b' ') {
                        padded += 1;
                    }
                }
            }
            _ => break,
        }
    }
    d.trim = total > 0 && padded * 2 > total;
    d
}

/// A piece of the input to parse, aligned to record boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
}

/// Where records end in `buf`. Returns the segments (record-aligned, each about `target`
/// bytes) and how many bytes they cover; the rest is an incomplete record to carry over.
///
/// Follows csv_core's rules: a quote opens a quoted field only at the start of a field;
/// inside quotes, `""` is a literal quote; a record ends at `\n`, `\r\n` or `\r` outside
/// quotes.
pub fn scan_records(buf: &[u8], d: &Dialect, eof: bool, target: usize) -> (Vec<Segment>, usize) {
    let mut segments = Vec::new();
    let mut seg_start = 0usize;
    let mut last_end = 0usize;
    let mut i = 0usize;
    let n = buf.len();
    'records: while i < n {
        // At the start of a field.
        if d.quoting && buf[i] == b'"' {
            i += 1;
            loop {
                match memchr::memchr(b'"', &buf[i..]) {
                    None => {
                        if eof {
                            // Unclosed quote: the record runs to the end of the input.
                            last_end = n;
                        }
                        break 'records;
                    }
                    Some(p) => {
                        i += p + 1;
                        if i < n && buf[i] == b'"' {
                            i += 1;
                            continue;
                        }
                        if i >= n && !eof {
                            break 'records;
                        }
                        break;
                    }
                }
            }
        }
        // Unquoted rest of the field.
        match memchr::memchr3(d.delimiter, b'\n', b'\r', &buf[i..]) {
            None => {
                if eof {
                    last_end = n;
                }
                break;
            }
            Some(p) => {
                i += p;
                let c = buf[i];
                i += 1;
                if c == d.delimiter {
                    continue;
                }
                if c == b'\r' {
                    if i >= n && !eof {
                        break;
                    }
                    if i < n && buf[i] == b'\n' {
                        i += 1;
                    }
                }
                last_end = i;
                if last_end - seg_start >= target {
                    segments.push(Segment {
                        start: seg_start,
                        end: last_end,
                    });
                    seg_start = last_end;
                }
            }
        }
    }
    if last_end > seg_start {
        segments.push(Segment {
            start: seg_start,
            end: last_end,
        });
    }
    (segments, last_end)
}

/// Everything a chunk parser needs to know.
pub struct CsvContext {
    pub dialect: Dialect,
    pub header: Vec<String>,
    pub mapping: ColumnMapping,
    pub time_parser: TimeParser,
    pub max_field_bytes: usize,
}

/// Parses one record-aligned segment. `base` is the decoded offset of `bytes[0]`, and
/// `first_line` the 1-based line number of its first byte.
pub fn parse_segment(bytes: &[u8], base: u64, first_line: u64, ctx: &CsvContext) -> ChunkBuilder {
    let mut out = ChunkBuilder::new();
    let mut rdr = ctx.dialect.reader_builder().from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut next = csv::ByteRecord::new();
    let mut have = match rdr.read_byte_record(&mut rec) {
        Ok(h) => h,
        Err(_) => false,
    };
    while have {
        let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
        let has_next = rdr.read_byte_record(&mut next).unwrap_or(false);
        let start = pos.byte() as usize;
        let mut end = if has_next {
            next.position().map(|p| p.byte() as usize).unwrap_or(bytes.len())
        } else {
            bytes.len()
        };
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let raw = RawSpan {
            start: base + start as u64,
            len: (end - start).min(u32::MAX as usize) as u32,
        };
        let line = first_line + pos.line().saturating_sub(1);
        out.rows_in += 1;
        convert_row(&rec, raw, line, &bytes[start..end], ctx, &mut out);
        std::mem::swap(&mut rec, &mut next);
        have = has_next;
    }
    out
}

/// A list cell: a JSON array (of strings, or of objects with a `tag`/`text`/`username`/
/// `expanded_url`/`url` key) or a separated list.
pub fn parse_list_cell(v: &str, keys: &[&str]) -> Vec<String> {
    let v = v.trim();
    if v.is_empty() || v == "[]" {
        return Vec::new();
    }
    if v.starts_with('[')
        && let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(v)
    {
        return items
            .into_iter()
            .filter_map(|it| match it {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Object(o) => keys
                    .iter()
                    .find_map(|k| o.get(*k).and_then(|x| x.as_str()).map(str::to_string)),
                _ => None,
            })
            .collect();
    }
    // Python list repr: ['a', 'b']
    let inner = v.trim_start_matches('[').trim_end_matches(']');
    inner
        .split([',', ';', '|', ' ', '\t', '\n'])
        .map(|s| s.trim().trim_matches(['\'', '"']).trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn truthy(v: &str) -> bool {
    let v = v.trim().to_ascii_lowercase();
    !(v.is_empty() || v == "0" || v == "false" || v == "no" || v == "f" || v == "[]" || v == "none"
        || v == "null" || v == "nan")
}

fn metric(v: Option<&str>) -> u32 {
    v.and_then(|v| {
        let v = v.trim();
        v.parse::<u64>()
            .ok()
            .or_else(|| v.parse::<f64>().ok().filter(|f| *f >= 0.0).map(|f| f as u64))
    })
    .map(|n| n.min(u32::MAX as u64 - 1) as u32)
    .unwrap_or(crate::model::METRIC_NONE)
}

/// A JSON-encoded string cell (`"text with \u2019 and \n"`) as written by early twarc-csv.
fn json_string_cell(v: &str) -> Option<String> {
    let t = v.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        serde_json::from_str::<String>(t).ok()
    } else {
        None
    }
}

/// Does `s` end with an HTML entity that lost its `;` (`&lt`, `&amp`, `&#39`)?
fn ends_with_broken_entity(s: &str) -> bool {
    let Some(amp) = s.rfind('&') else {
        return false;
    };
    let tail = &s[amp + 1..];
    (2..=6).contains(&tail.len())
        && (tail.bytes().all(|b| b.is_ascii_alphabetic())
            || (tail.starts_with('#') && tail[1..].bytes().all(|b| b.is_ascii_digit())))
}

fn convert_row(
    rec: &csv::ByteRecord,
    raw: RawSpan,
    line: u64,
    raw_bytes: &[u8],
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) {
    let ncols = ctx.header.len();
    let m = &ctx.mapping;
    let utf8 = std::str::from_utf8(rec.as_slice()).is_ok();
    if !utf8 {
        out.warnings.add(
            "not_utf8",
            || "rows that are not valid UTF-8 were read as Windows-1252 (Latin-1)".into(),
            line,
        );
    }
    let snippet = || quote_value(&String::from_utf8_lossy(raw_bytes), 120);

    // Oversized fields first: usually an unclosed quote that swallowed later lines.
    if let Some((idx, f)) = rec.iter().enumerate().find(|(_, f)| f.len() > ctx.max_field_bytes) {
        let col = ctx.header.get(idx).map(String::as_str).unwrap_or("?");
        let newlines = memchr::memchr_iter(b'\n', f).count();
        let hint = if newlines > 0 {
            format!("; it spans {} lines, so a quote was probably never closed", newlines + 1)
        } else {
            String::new()
        };
        out.reject(
            line,
            Some(col),
            RejectKind::FieldTooLarge,
            format!(
                "field is {} bytes, above the {} byte limit{hint}",
                f.len(),
                ctx.max_field_bytes
            ),
            Some(raw),
        );
        return;
    }

    let mut shift = 0usize;
    let text_col = m.get(Role::Text);
    let time_col = m.get(Role::Time);
    let field_at = |idx: usize, shift: usize| -> Option<Cow<'_, str>> {
        let real = match text_col {
            Some(t) if idx > t => idx + shift,
            _ => idx,
        };
        rec.get(real).map(decode_field)
    };

    // Timestamp, with repair of rows whose columns shifted right.
    let Some(tc) = time_col else {
        return;
    };
    let mut time_value = field_at(tc, 0);
    let mut parsed = time_value.as_deref().and_then(|v| ctx.time_parser.parse(v));
    if parsed.is_none()
        && let Some(t) = text_col
        && t < tc
        && rec.len() >= ncols
    {
        for k in 1..=4 {
            let Some(cand) = rec.get(tc + k).map(decode_field) else {
                break;
            };
            let whole = ctx.time_parser.parse(&cand);
            let prefix = || {
                cand.split(',')
                    .next()
                    .and_then(|p| ctx.time_parser.parse(p))
            };
            if let Some(p) = whole.or_else(prefix) {
                parsed = Some(p);
                shift = k;
                time_value = Some(cand.clone());
                out.warnings.add(
                    "shifted_columns",
                    || "rows whose columns were shifted right by delimiters inside the text (e.g. `&lt;` split at its `;`): the timestamp was found further right and the text fragments were rejoined".into(),
                    line,
                );
                break;
            }
        }
    }
    if rec.len() != ncols {
        let needed = [text_col, time_col].into_iter().flatten().max().unwrap_or(0) + shift;
        if rec.len() <= needed || parsed.is_none() {
            let missing = if rec.len() <= needed {
                let col = ctx.header.get(needed.min(ncols.saturating_sub(1))).cloned().unwrap_or_default();
                format!("; column {col:?} is missing")
            } else {
                String::new()
            };
            out.reject(
                line,
                None,
                RejectKind::RaggedRow,
                format!(
                    "ragged row: {} fields where the header has {ncols}{missing}: {}",
                    rec.len(),
                    snippet()
                ),
                Some(raw),
            );
            return;
        }
        if shift == 0 {
            out.warnings.add(
                "ragged_rows",
                || "rows with a different number of fields than the header; loaded because their time and text columns were readable".into(),
                line,
            );
        }
    }
    let Some(parsed) = parsed else {
        let col = &ctx.header[tc];
        match time_value.as_deref().map(str::trim) {
            None | Some("") => out.reject(
                line,
                Some(col),
                RejectKind::MissingTimestamp,
                "missing timestamp".into(),
                Some(raw),
            ),
            Some(v) => {
                let shifted = text_col
                    .and_then(|t| rec.get(t))
                    .is_some_and(|f| ends_with_broken_entity(&decode_field(f)));
                let hint = if shifted {
                    "; the text was split at a ';' and the columns shifted so far that the timestamp was cut off"
                } else {
                    ""
                };
                out.reject(
                    line,
                    Some(col),
                    RejectKind::BadTimestamp,
                    format!("unreadable timestamp {}{hint}", quote_value(v, 60)),
                    Some(raw),
                )
            }
        }
        return;
    };

    // Text: JSON-encoded cells, rejoined fragments, literal escapes, HTML entities.
    let text: Cow<str> = match text_col {
        Some(t) => {
            let mut s: Cow<str> = decode_field(rec.get(t).unwrap_or(b""));
            if shift > 0 {
                let mut joined = s.into_owned();
                for k in 1..=shift {
                    let frag = decode_field(rec.get(t + k).unwrap_or(b""));
                    let joiner = if ends_with_broken_entity(&joined) {
                        ";".to_string()
                    } else {
                        (ctx.dialect.delimiter as char).to_string()
                    };
                    joined.push_str(&joiner);
                    joined.push_str(&frag);
                }
                s = Cow::Owned(joined);
            }
            if let Some(j) = json_string_cell(&s) {
                s = Cow::Owned(j);
            }
            if let Some(d) = text::decode_literal_escapes(&s) {
                out.warnings.add(
                    "literal_escapes",
                    || "texts held literal \\uXXXX or \\n escapes; they were decoded for analysis (the original row is kept)".into(),
                    line,
                );
                s = Cow::Owned(d);
            }
            match text::unescape_html_entities(&s) {
                Cow::Owned(o) => Cow::Owned(o),
                Cow::Borrowed(_) => s,
            }
        }
        None => Cow::Borrowed(""),
    };

    let get = |role: Role| -> Option<Cow<'_, str>> {
        m.get(role).and_then(|i| field_at(i, shift)).map(|v| match json_string_cell(&v) {
            Some(j) => Cow::Owned(j),
            None => v,
        })
    };
    let id = get(Role::Id).unwrap_or_default();
    let author_id = get(Role::AuthorId).unwrap_or_default();
    let handle = get(Role::Author).unwrap_or_default();
    let lang = get(Role::Lang)
        .map(|l| {
            let l = l.trim().trim_matches(['[', ']', '"', '\'']);
            Cow::Owned(l.split(',').next().unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();

    // Kind and referenced post.
    fn nonempty(v: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
        v.filter(|s| !s.trim().is_empty() && s.trim() != "0" && !s.trim().eq_ignore_ascii_case("nan"))
    }
    let mut kind = PostKind::Original;
    let mut ref_id: Cow<str> = Cow::Borrowed("");
    if let Some(r) = nonempty(get(Role::RetweetOf)) {
        kind = PostKind::Retweet;
        ref_id = Cow::Owned(r.trim().to_string());
    } else if let Some(r) = nonempty(get(Role::QuoteOf)) {
        kind = PostKind::Quote;
        ref_id = Cow::Owned(r.trim().to_string());
    } else if let Some(r) = nonempty(get(Role::ReplyTo)) {
        kind = PostKind::Reply;
        ref_id = Cow::Owned(r.trim().to_string());
    } else if let Some(r) = nonempty(get(Role::Referenced)) {
        if let Ok(serde_json::Value::Array(refs)) = serde_json::from_str::<serde_json::Value>(&r) {
            // Retweet wins over quote wins over reply.
            let mut best: Option<(u8, PostKind, String)> = None;
            for it in refs {
                let t = it.get("type").and_then(|v| v.as_str()).unwrap_or("");
                let rid = it.get("id").and_then(|v| v.as_str()).unwrap_or("").to_string();
                let (rank, k) = match t {
                    "retweeted" => (3, PostKind::Retweet),
                    "quoted" => (2, PostKind::Quote),
                    "replied_to" => (1, PostKind::Reply),
                    _ => continue,
                };
                if best.as_ref().is_none_or(|b| rank > b.0) {
                    best = Some((rank, k, rid));
                }
            }
            if let Some((_, k, rid)) = best {
                kind = k;
                ref_id = Cow::Owned(rid);
            }
        }
    }
    if kind == PostKind::Original {
        if let Some(k) = get(Role::Kind).and_then(|v| parse_kind_value(&v)) {
            kind = k;
        } else if get(Role::IsRetweet).is_some_and(|v| truthy(&v)) {
            kind = PostKind::Retweet;
        } else if text.starts_with("RT @") {
            kind = PostKind::Retweet;
        }
    }

    let hashtags = get(Role::Hashtags).map(|v| {
        parse_list_cell(&v, &["tag", "text", "name"])
            .into_iter()
            .map(Cow::Owned)
            .collect::<Vec<_>>()
    });
    // An empty hashtag column with hashtags in the text: trust the text.
    let hashtags = hashtags.filter(|h| !h.is_empty());
    let mentions = get(Role::Mentions)
        .map(|v| parse_list_cell(&v, &["username", "screen_name", "acct", "handle"]))
        .filter(|v| !v.is_empty())
        .map(|v| v.into_iter().map(Cow::Owned).collect());
    let urls = get(Role::Urls)
        .map(|v| parse_list_cell(&v, &["expanded_url", "unwound_url", "url"]))
        .filter(|v| !v.is_empty())
        .map(|v| v.into_iter().map(Cow::Owned).collect());
    let has_media = get(Role::Media).is_some_and(|v| truthy(&v));
    let metrics = Metrics {
        reposts: metric(get(Role::Reposts).as_deref()),
        replies: metric(get(Role::Replies).as_deref()),
        likes: metric(get(Role::Likes).as_deref()),
        quotes: metric(get(Role::Quotes).as_deref()),
    };
    let rec_out = PostRecord {
        id,
        created_at: parsed.ms,
        naive_time: parsed.naive,
        author_id,
        handle,
        text,
        lang,
        kind,
        ref_id,
        hashtags,
        mentions,
        urls,
        has_media,
        metrics,
        line,
        raw: Some(raw),
    };
    out.push(rec_out);
}

/// Parses the segments of one block in parallel, in order.
pub fn parse_block(
    buf: &[u8],
    base: u64,
    first_line: u64,
    segments: &[Segment],
    ctx: &CsvContext,
) -> Vec<ChunkBuilder> {
    // Line number at the start of each segment.
    let mut starts = Vec::with_capacity(segments.len());
    let mut line = first_line;
    let mut pos = 0usize;
    for s in segments {
        line += memchr::memchr_iter(b'\n', &buf[pos..s.start]).count() as u64;
        starts.push(line);
        pos = s.start;
    }
    segments
        .par_iter()
        .zip(starts.par_iter())
        .map(|(s, &l)| parse_segment(&buf[s.start..s.end], base + s.start as u64, l, ctx))
        .collect()
}

/// The time parser for the mapped time column.
pub fn time_parser_for(base: &TimeParser, mapping: &ColumnMapping) -> TimeParser {
    let mut tp = base.clone();
    tp.slash_order = mapping.slash_order;
    tp.epoch = if mapping.time_is_epoch {
        EpochPolicy::Any
    } else {
        EpochPolicy::SecondsOrMillis
    };
    tp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(delim: u8) -> Dialect {
        Dialect {
            delimiter: delim,
            quoting: true,
            trim: false,
            has_header: true,
        }
    }

    #[test]
    fn sniffs_common_dialects() {
        assert_eq!(sniff_dialect(b"a;b;c\n1;2;3\n4;5;6\n", true).delimiter, b';');
        assert_eq!(sniff_dialect(b"a\tb\n1\t2,3\n", true).delimiter, b'\t');
        assert_eq!(sniff_dialect(b"a,b\n\"x,y\",2\n", true).delimiter, b',');
        let padded = sniff_dialect(b"time , text , user \nx , hello world , u1\ny , bye , u2\n", true);
        assert_eq!(padded.delimiter, b',');
        assert!(padded.trim);
        assert_eq!(sniff_dialect(b"a|b|c\n1|2|3\n", true).delimiter, b'|');
    }

    #[test]
    fn scanner_respects_quotes_and_line_endings() {
        let buf = b"a,b\n\"x\ny\",2\r\n3,\"q\"\"\"\r4,5\n6,\"open";
        let (segs, used) = scan_records(buf, &d(b','), false, 1);
        let ends: Vec<usize> = segs.iter().map(|s| s.end).collect();
        assert_eq!(ends, vec![4, 13, 21, 25]);
        assert_eq!(used, 25);
        let (_, used) = scan_records(buf, &d(b','), true, 1 << 20);
        assert_eq!(used, buf.len());
        // A quote in the middle of an unquoted field is literal.
        let (segs, _) = scan_records(b"5\" screen,x\nnext,y\n", &d(b','), true, 1);
        assert_eq!(segs.len(), 2);
    }

    #[test]
    fn list_cells() {
        assert_eq!(parse_list_cell("[{\"start\": 1, \"tag\": \"destiny\"}]", &["tag"]), ["destiny"]);
        assert_eq!(parse_list_cell("#a, #b;c", &["tag"]), ["#a", "#b", "c"]);
        assert_eq!(parse_list_cell("['x', 'y']", &["tag"]), ["x", "y"]);
        assert!(parse_list_cell("", &["tag"]).is_empty());
    }

    #[test]
    fn broken_entities() {
        assert!(ends_with_broken_entity("I &lt"));
        assert!(ends_with_broken_entity("a &#39"));
        assert!(!ends_with_broken_entity("a & b"));
        assert!(!ends_with_broken_entity("plain"));
    }
}
