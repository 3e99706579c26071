//! Delimited text: dialect sniffing, a quote-aware record-boundary scanner that splits the
//! input into chunks for parallel parsing, and the row → post conversion.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::load::builder::{ChunkBuilder, PostRecord, quote_value};
use crate::load::list_cell::parse_list_cell;
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
            .trim(if self.trim {
                csv::Trim::All
            } else {
                csv::Trim::None
            });
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
/// Where a field's value is: a range of the input, or of the record's scratch buffer (for
/// quoted fields with doubled quotes, which must be unescaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef {
    pub in_scratch: bool,
    pub start: usize,
    pub end: usize,
}

/// The end of an unquoted stretch: the next delimiter or line break at or after `pos`.
/// Fields are short, so a plain loop looks at the first bytes before memchr takes over.
#[inline]
fn field_stop(b: &[u8], pos: usize, d: u8) -> usize {
    let n = b.len();
    let limit = (pos + 24).min(n);
    let mut k = pos;
    while k < limit {
        let c = b[k];
        if c == d || c == b'\n' || c == b'\r' {
            return k;
        }
        k += 1;
    }
    if k >= n {
        return n;
    }
    memchr::memchr3(d, b'\n', b'\r', &b[k..])
        .map(|p| k + p)
        .unwrap_or(n)
}

/// Splits a record-aligned slice into records and fields.
///
/// Written by hand rather than using the csv crate's reader here: the csv reader runs a
/// byte-at-a-time state machine and copies every field into a record buffer, while derail
/// reads only a few columns of wide rows. Jumping between delimiters with memchr and
/// borrowing fields from the input is several times faster. The rules are csv_core's (a
/// quote opens a quoted field only at the start of a field, `""` is a quote inside one,
/// bytes after a closing quote join the field, records end at `\n`, `\r\n` or `\r`, empty
/// lines are skipped), and a test checks the two agree on random input.
pub struct RecordSplitter<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Newlines passed so far.
    pub newlines: u64,
    delimiter: u8,
    quoting: bool,
    trim: bool,
    pub scratch: Vec<u8>,
    pub fields: Vec<FieldRef>,
}

/// One record found by [`RecordSplitter::next_record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordPos {
    pub start: usize,
    /// End of the record, without its line terminator.
    pub end: usize,
    /// Newlines before the record's start (0-based line offset).
    pub line_offset: u64,
}

impl<'a> RecordSplitter<'a> {
    pub fn new(bytes: &'a [u8], d: &Dialect) -> Self {
        RecordSplitter {
            bytes,
            pos: 0,
            newlines: 0,
            delimiter: d.delimiter,
            quoting: d.quoting,
            trim: d.trim,
            scratch: Vec::new(),
            fields: Vec::with_capacity(32),
        }
    }

    fn count_newlines(&mut self, from: usize, to: usize) {
        self.newlines += memchr::memchr_iter(b'\n', &self.bytes[from..to]).count() as u64;
    }

    fn push_field(&mut self, mut f: FieldRef) {
        if self.trim {
            let buf = if f.in_scratch {
                &self.scratch[..]
            } else {
                self.bytes
            };
            while f.start < f.end && buf[f.start].is_ascii_whitespace() {
                f.start += 1;
            }
            while f.end > f.start && buf[f.end - 1].is_ascii_whitespace() {
                f.end -= 1;
            }
        }
        self.fields.push(f);
    }

    /// The next record; its fields are in `self.fields`.
    pub fn next_record(&mut self) -> Option<RecordPos> {
        let b = self.bytes;
        let n = b.len();
        // Empty lines are not records.
        while self.pos < n && (b[self.pos] == b'\n' || b[self.pos] == b'\r') {
            if b[self.pos] == b'\n' || (b[self.pos] == b'\r' && b.get(self.pos + 1) != Some(&b'\n'))
            {
                self.newlines += 1;
            }
            self.pos += 1;
        }
        if self.pos >= n {
            return None;
        }
        let start = self.pos;
        let line_offset = self.newlines;
        self.fields.clear();
        self.scratch.clear();
        let d = self.delimiter;
        loop {
            let mut pos = self.pos;
            if self.quoting && pos < n && b[pos] == b'"' {
                pos += 1;
                let content_start = pos;
                let mut simple = true;
                let content_end;
                loop {
                    match memchr::memchr(b'"', &b[pos..]) {
                        None => {
                            self.count_newlines(pos, n);
                            content_end = n;
                            pos = n;
                            break;
                        }
                        Some(p) => {
                            self.count_newlines(pos, pos + p);
                            pos += p;
                            if pos + 1 < n && b[pos + 1] == b'"' {
                                simple = false;
                                pos += 2;
                                continue;
                            }
                            content_end = pos;
                            pos += 1;
                            break;
                        }
                    }
                }
                let extra_start = pos;
                let stop = field_stop(b, pos, d);
                if stop > extra_start {
                    simple = false;
                }
                if simple {
                    self.push_field(FieldRef {
                        in_scratch: false,
                        start: content_start,
                        end: content_end,
                    });
                } else {
                    let s0 = self.scratch.len();
                    let mut k = content_start;
                    while k < content_end {
                        self.scratch.push(b[k]);
                        k += if b[k] == b'"' && k + 1 < content_end && b[k + 1] == b'"' {
                            2
                        } else {
                            1
                        };
                    }
                    self.scratch.extend_from_slice(&b[extra_start..stop]);
                    let s1 = self.scratch.len();
                    self.push_field(FieldRef {
                        in_scratch: true,
                        start: s0,
                        end: s1,
                    });
                }
                pos = stop;
            } else {
                let stop = field_stop(b, pos, d);
                self.push_field(FieldRef {
                    in_scratch: false,
                    start: pos,
                    end: stop,
                });
                pos = stop;
            }
            if pos >= n {
                self.pos = n;
                return Some(RecordPos {
                    start,
                    end: n,
                    line_offset,
                });
            }
            let c = b[pos];
            if c == d {
                self.pos = pos + 1;
                continue;
            }
            let end = pos;
            if c == b'\r' && b.get(pos + 1) == Some(&b'\n') {
                pos += 2;
            } else {
                pos += 1;
            }
            self.newlines += 1;
            self.pos = pos;
            return Some(RecordPos {
                start,
                end,
                line_offset,
            });
        }
    }

    /// The value of field `f` of the current record.
    pub fn value(&self, f: FieldRef) -> &[u8] {
        if f.in_scratch {
            &self.scratch[f.start..f.end]
        } else {
            &self.bytes[f.start..f.end]
        }
    }
}

/// The fields of one row, whatever it came from: a delimited record, or a JSON object
/// flattened to dotted paths ([`crate::load::json_paths`]). Role mapping and row
/// conversion work on this, so both sources share one engine.
pub trait Row {
    /// Field `i`, decoded.
    fn get(&self, i: usize) -> Option<Cow<'_, str>>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Field `i` as it stands in the source (for size checks).
    fn raw_field(&self, i: usize) -> &[u8];
    /// Whether a field had to be decoded as Windows-1252.
    fn was_not_utf8(&self) -> bool {
        false
    }
    /// Field `i` as UTC milliseconds, where the source stores a typed timestamp (Parquet);
    /// `None` reads the field as text.
    fn time_ms(&self, _i: usize) -> Option<i64> {
        None
    }
    /// Field `i` as a count, where the source stores a typed integer (`METRIC_NONE` for a
    /// null); `None` reads the field as text.
    fn count(&self, _i: usize) -> Option<u32> {
        None
    }
    /// Field `i` as a list of text, where the source stores a typed list; `None` reads
    /// the field as text.
    fn list(&self, _i: usize) -> Option<Vec<String>> {
        None
    }
}

impl Row for Fields<'_, '_> {
    fn get(&self, i: usize) -> Option<Cow<'_, str>> {
        Fields::get(self, i)
    }
    fn len(&self) -> usize {
        Fields::len(self)
    }
    fn raw_field(&self, i: usize) -> &[u8] {
        Fields::raw_field(self, i)
    }
    fn was_not_utf8(&self) -> bool {
        self.not_utf8.get()
    }
}

/// The fields of one record. Only the fields derail reads are validated as UTF-8; a field
/// that is not UTF-8 is decoded as Windows-1252 and the row is flagged.
pub struct Fields<'s, 'a> {
    sp: &'s RecordSplitter<'a>,
    /// The splitter's whole input, when it is valid UTF-8 (checked once per segment):
    /// fields then need no check of their own, since they start and end at ASCII bytes.
    valid: Option<&'a str>,
    not_utf8: std::cell::Cell<bool>,
}

impl<'s, 'a> Fields<'s, 'a> {
    /// `valid` is the splitter's input as `&str` if it is valid UTF-8.
    pub fn new(sp: &'s RecordSplitter<'a>, valid: Option<&'a str>) -> Self {
        Fields {
            sp,
            valid,
            not_utf8: std::cell::Cell::new(false),
        }
    }

    pub fn get(&self, i: usize) -> Option<Cow<'s, str>> {
        let f = *self.sp.fields.get(i)?;
        if !f.in_scratch
            && let Some(v) = self.valid.and_then(|v| v.get(f.start..f.end))
        {
            return Some(Cow::Borrowed(v));
        }
        let b = self.sp.value(f);
        match std::str::from_utf8(b) {
            Ok(s) => Some(Cow::Borrowed(s)),
            Err(_) => {
                self.not_utf8.set(true);
                Some(encoding_rs::WINDOWS_1252.decode_without_bom_handling(b).0)
            }
        }
    }

    pub fn len(&self) -> usize {
        self.sp.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sp.fields.is_empty()
    }

    fn raw_field(&self, i: usize) -> &[u8] {
        self.sp
            .fields
            .get(i)
            .map(|f| self.sp.value(*f))
            .unwrap_or(b"")
    }
}

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
            let score =
                consistent + 0.002 * header_len.min(30) as f32 + if quoting { 0.01 } else { 0.0 };
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
    // Only quotes and line breaks matter here, so the scan jumps from one to the next
    // instead of stopping at every delimiter; a quote opens a quoted field only right
    // after a delimiter or at a record's start (a test checks this against a
    // field-by-field scan).
    if matches!(d.delimiter, b'"' | b'\n' | b'\r') {
        return scan_records_by_field(buf, d, eof, target);
    }
    let mut cut = SegmentCutter::new(target);
    let n = buf.len();
    let mut i = 0usize;
    // Whether `i` is at the start of a field.
    let mut field_start = true;
    while i < n {
        if d.quoting && field_start && buf[i] == b'"' {
            match skip_quoted(buf, i, eof) {
                Some(after) => i = after,
                None => break,
            }
        }
        let next = if d.quoting {
            memchr::memchr3(b'"', b'\n', b'\r', &buf[i..])
        } else {
            memchr::memchr2(b'\n', b'\r', &buf[i..])
        };
        let Some(p) = next else { break };
        i += p;
        if buf[i] == b'"' {
            // After a delimiter this quote opens a field; elsewhere it is literal.
            field_start = i > 0 && buf[i - 1] == d.delimiter;
            if !field_start {
                i += 1;
            }
            continue;
        }
        match after_line_break(buf, i, eof) {
            Some(after) => i = after,
            None => break,
        }
        field_start = true;
        cut.record_end(i);
    }
    cut.finish(eof, n)
}

/// [`scan_records`] stopping at every field: for delimiters that are a quote or a line
/// break, and the reference the faster scan is tested against.
fn scan_records_by_field(
    buf: &[u8],
    d: &Dialect,
    eof: bool,
    target: usize,
) -> (Vec<Segment>, usize) {
    let mut cut = SegmentCutter::new(target);
    let n = buf.len();
    let mut i = 0usize;
    while i < n {
        // At the start of a field.
        if d.quoting && buf[i] == b'"' {
            match skip_quoted(buf, i, eof) {
                Some(after) => i = after,
                None => break,
            }
        }
        // Unquoted rest of the field.
        let Some(p) = memchr::memchr3(d.delimiter, b'\n', b'\r', &buf[i..]) else {
            break;
        };
        i += p;
        if buf[i] == d.delimiter {
            i += 1;
            continue;
        }
        match after_line_break(buf, i, eof) {
            Some(after) => i = after,
            None => break,
        }
        cut.record_end(i);
    }
    cut.finish(eof, n)
}

/// The end of the quoted section whose opening quote is at `open`, or `None` when the
/// scan must stop there: the quote is not closed in `buf`, or (before the end of the
/// input) it closes on the last byte, where a doubled quote may follow.
fn skip_quoted(buf: &[u8], open: usize, eof: bool) -> Option<usize> {
    let n = buf.len();
    let mut i = open + 1;
    loop {
        i += memchr::memchr(b'"', &buf[i..])? + 1;
        if i < n && buf[i] == b'"' {
            i += 1;
            continue;
        }
        if i >= n && !eof {
            return None;
        }
        return Some(i);
    }
}

/// Where the record after the line break at `at` starts (`\r\n` is one break), or `None`
/// for a `\r` on the last byte before the end of the input, which a `\n` may follow.
fn after_line_break(buf: &[u8], at: usize, eof: bool) -> Option<usize> {
    let i = at + 1;
    if buf[at] == b'\r' {
        if i >= buf.len() && !eof {
            return None;
        }
        if buf.get(i) == Some(&b'\n') {
            return Some(i + 1);
        }
    }
    Some(i)
}

/// Cuts record-aligned segments of about `target` bytes as record ends are found.
struct SegmentCutter {
    target: usize,
    segments: Vec<Segment>,
    seg_start: usize,
    last_end: usize,
}

impl SegmentCutter {
    fn new(target: usize) -> Self {
        SegmentCutter {
            target,
            segments: Vec::new(),
            seg_start: 0,
            last_end: 0,
        }
    }

    fn record_end(&mut self, end: usize) {
        self.last_end = end;
        if end - self.seg_start >= self.target {
            self.segments.push(Segment {
                start: self.seg_start,
                end,
            });
            self.seg_start = end;
        }
    }

    /// The segments and how many bytes they cover.
    fn finish(mut self, eof: bool, n: usize) -> (Vec<Segment>, usize) {
        if eof {
            // At the end of the input whatever is left is the last record (an unclosed
            // quote, a record truncated after a delimiter): callers rely on `used == n`.
            self.last_end = n;
        }
        if self.last_end > self.seg_start {
            self.segments.push(Segment {
                start: self.seg_start,
                end: self.last_end,
            });
        }
        (self.segments, self.last_end)
    }
}

/// Everything a chunk parser needs to know.
pub struct CsvContext {
    pub dialect: Dialect,
    pub header: Vec<String>,
    pub mapping: ColumnMapping,
    pub time_parser: TimeParser,
    pub max_field_bytes: usize,
    /// The slice being loaded (`None` keeps every row).
    pub slice: Option<std::sync::Arc<crate::load::slice::RowTest>>,
    /// Column of each role, indexed by `Role as usize`.
    role_index: [Option<usize>; crate::load::mapping::ALL_ROLES.len()],
}

impl CsvContext {
    pub fn new(
        dialect: Dialect,
        header: Vec<String>,
        mapping: ColumnMapping,
        time_parser: TimeParser,
        max_field_bytes: usize,
    ) -> Self {
        let mut role_index = [None; crate::load::mapping::ALL_ROLES.len()];
        for r in crate::load::mapping::ALL_ROLES {
            role_index[r as usize] = mapping.get(r);
        }
        CsvContext {
            dialect,
            header,
            mapping,
            time_parser,
            max_field_bytes,
            slice: None,
            role_index,
        }
    }

    /// The context that stores only the rows of `slice`.
    pub fn with_slice(mut self, slice: &crate::load::slice::Slice) -> Self {
        self.slice = crate::load::slice::RowTest::of(slice);
        self
    }

    pub fn role(&self, r: Role) -> Option<usize> {
        self.role_index[r as usize]
    }
}

/// Parses one record-aligned segment. `base` is the decoded offset of `bytes[0]`, and
/// `first_line` the 1-based line number of its first byte.
pub fn parse_segment(bytes: &[u8], base: u64, first_line: u64, ctx: &CsvContext) -> ChunkBuilder {
    // Sized for a typical row of ~200 bytes, about half of it text.
    let mut out = ChunkBuilder::with_capacity(bytes.len() / 200 + 16, bytes.len() / 2);
    out.slice = ctx.slice.clone();
    let mut sp = RecordSplitter::new(bytes, &ctx.dialect);
    let valid = std::str::from_utf8(bytes).ok();
    while let Some(r) = sp.next_record() {
        let raw = RawSpan {
            start: base + r.start as u64,
            len: (r.end - r.start).min(u32::MAX as usize) as u32,
        };
        let line = first_line + r.line_offset;
        out.rows_in += 1;
        let record = &bytes[r.start..r.end];
        if ctx.dialect.quoting && memchr::memchr(b'\n', record).is_some() {
            let swallowed = swallowed_lines(record, ctx);
            if let (Some(&first), Some(&last)) = (swallowed.first(), swallowed.last()) {
                reject_swallow(line, first, last, &swallowed, raw, &mut out);
                continue;
            }
        }
        let fields = Fields::new(&sp, valid);
        convert_row(
            &fields,
            Some(raw),
            line,
            &bytes[r.start..r.end],
            ctx,
            &mut out,
        );
    }
    out
}

/// The lines of a multi-line record that are rows of their own, read into a quoted field
/// whose quote was never closed: line offsets (from the record's first line) of the lines
/// that parse on their own with a readable time in the time column. Nothing unless at
/// least one of them, before the line that closes the quote, is a complete row (as many
/// fields as the header): a post whose text runs over several lines, one of them starting
/// with a date, is not a swallow.
fn swallowed_lines(record: &[u8], ctx: &CsvContext) -> Vec<u64> {
    let Some(tc) = ctx.role(Role::Time) else {
        return Vec::new();
    };
    let ncols = ctx.header.len();
    let mut found = Vec::new();
    let mut complete = false;
    let mut offset = 0u64;
    let mut pos = 0;
    while let Some(nl) = memchr::memchr(b'\n', &record[pos..]) {
        let start = pos + nl + 1;
        offset += 1;
        let end = memchr::memchr(b'\n', &record[start..]).map_or(record.len(), |e| start + e);
        pos = start;
        let line = &record[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let mut sp = RecordSplitter::new(line, &ctx.dialect);
        if sp.next_record().is_none() {
            continue;
        }
        let fields = Fields::new(&sp, None);
        let timed = fields
            .get(tc)
            .is_some_and(|v| ctx.time_parser.parse(&v).is_some());
        // The record's last line holds the quote that closed the field. In a post whose
        // text runs over lines it is the text's end, an odd quote, then the row's other
        // fields, which parse like a row; a swallowed row there has its quotes paired.
        let closing_line = end == record.len();
        let paired = memchr::memchr_iter(b'"', line).count().is_multiple_of(2);
        if timed {
            complete |= fields.len() == ncols && (!closing_line || paired);
            found.push(offset);
        }
    }
    if complete { found } else { Vec::new() }
}

/// Rejects a row whose unclosed quote swallowed later rows, and each swallowed row with its
/// own line, so rows in = loaded + rejected counts the rows a reader of the file sees. The
/// whole record's bytes go with the first rejection, so an export writes them back as they
/// were.
fn reject_swallow(
    line: u64,
    first: u64,
    last: u64,
    swallowed: &[u64],
    raw: RawSpan,
    out: &mut ChunkBuilder,
) {
    out.rows_in += swallowed.len() as u64;
    out.reject(
        line,
        None,
        RejectKind::UnclosedQuote,
        format!(
            "a quote opened on this row is never closed, so the {} rows on lines {}–{} were read into it; fix the quote and load the file again",
            swallowed.len(),
            line + first,
            line + last
        ),
        Some(raw),
    );
    for &off in swallowed {
        out.reject(
            line + off,
            None,
            RejectKind::SwallowedRow,
            format!("read into the unclosed quote of the row on line {line}"),
            None,
        );
    }
}

fn truthy(v: &str) -> bool {
    let v = v.trim().to_ascii_lowercase();
    !(v.is_empty()
        || v == "0"
        || v == "false"
        || v == "no"
        || v == "f"
        || v == "[]"
        || v == "none"
        || v == "null"
        || v == "nan")
}

fn metric(v: Option<&str>) -> u32 {
    v.and_then(crate::load::mapping::parse_count)
        .map(|n| n.min(u32::MAX as u64 - 1) as u32)
        .unwrap_or(crate::model::METRIC_NONE)
}

/// A JSON-encoded string cell (`"text with \u2019 and \n"`) as written by early twarc-csv.
fn json_string_cell(v: &str) -> Option<String> {
    let first = v.as_bytes().first()?;
    if *first != b'"' && !first.is_ascii_whitespace() {
        return None;
    }
    let t = v.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        serde_json::from_str::<String>(t).ok()
    } else {
        None
    }
}

/// A text written as HTML markup (`<p>Hello <a href=…>#tag</a></p>`), not text that
/// merely mentions a `<`.
fn looks_like_html(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('<')
        && ["</p>", "<br", "</a>", "</span>", "</div>"]
            .iter()
            .any(|tag| t.contains(tag))
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

pub fn convert_row(
    rec: &impl Row,
    raw: Option<RawSpan>,
    line: u64,
    raw_bytes: &[u8],
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) {
    let ncols = ctx.header.len();
    let snippet = || quote_value(&String::from_utf8_lossy(raw_bytes), 120);

    // Oversized fields first: usually an unclosed quote that swallowed later lines.
    if let Some((idx, flen)) = (0..rec.len())
        .map(|k| (k, rec.raw_field(k).len()))
        .find(|(_, l)| *l > ctx.max_field_bytes)
    {
        let col = ctx.header.get(idx).map(String::as_str).unwrap_or("?");
        let f = rec.raw_field(idx);
        let newlines = memchr::memchr_iter(b'\n', f).count();
        let hint = if newlines > 0 {
            format!(
                "; it spans {} lines, so a quote was probably never closed",
                newlines + 1
            )
        } else {
            String::new()
        };
        out.reject(
            line,
            Some(col),
            RejectKind::FieldTooLarge,
            format!(
                "field is {} bytes, above the {} byte limit{hint}",
                flen, ctx.max_field_bytes
            ),
            raw,
        );
        return;
    }

    let mut shift = 0usize;
    let text_col = ctx.role(Role::Text);
    let time_col = ctx.role(Role::Time);
    let field_at = |idx: usize, shift: usize| -> Option<Cow<'_, str>> {
        let real = match text_col {
            Some(t) if idx > t => idx + shift,
            _ => idx,
        };
        rec.get(real)
    };

    // Timestamp, with repair of rows whose columns shifted right.
    let Some(tc) = time_col else {
        return;
    };
    let typed_time = rec
        .time_ms(tc)
        .map(|ms| crate::time::Parsed { ms, naive: false });
    let mut time_value = match typed_time {
        Some(_) => None,
        None => field_at(tc, 0),
    };
    let mut parsed =
        typed_time.or_else(|| time_value.as_deref().and_then(|v| ctx.time_parser.parse(v)));
    if parsed.is_none()
        && let Some(t) = text_col
        && t < tc
        && rec.len() >= ncols
    {
        for k in 1..=4 {
            let Some(cand) = rec.get(tc + k) else {
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
        let needed = [text_col, time_col]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(0)
            + shift;
        if rec.len() <= needed || parsed.is_none() {
            let missing = if rec.len() <= needed {
                let col = ctx
                    .header
                    .get(needed.min(ncols.saturating_sub(1)))
                    .cloned()
                    .unwrap_or_default();
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
                raw,
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
                raw,
            ),
            Some(v) => {
                let shifted = text_col
                    .and_then(|t| rec.get(t))
                    .is_some_and(|f| ends_with_broken_entity(&f));
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
                    raw,
                )
            }
        }
        return;
    };

    if let Some(z) = time_value
        .as_deref()
        .and_then(crate::time::ambiguous_zone_in)
    {
        out.warnings.add(
            "ambiguous_zone",
            || {
                let meaning = crate::time::ZONE_ABBREVIATIONS
                    .iter()
                    .find(|(n, ..)| *n == z)
                    .map(|&(_, _, first, others)| format!("{first}; it can also mean {others}"))
                    .unwrap_or_default();
                format!("timestamps end with the zone abbreviation {z}, which names more than one zone: it was read as {meaning}. If the file means another zone, rewrite its zone before loading")
            },
            line,
        );
    }

    // Text: JSON-encoded cells, rejoined fragments, literal escapes, HTML entities.
    let text: Cow<str> = match text_col {
        Some(t) => {
            let mut s: Cow<str> = rec.get(t).unwrap_or_default();
            if shift > 0 {
                let mut joined = s.into_owned();
                for k in 1..=shift {
                    let frag = rec.get(t + k).unwrap_or_default();
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
            if looks_like_html(&s) {
                out.warnings.add(
                    "html_text",
                    || "texts were HTML (as Mastodon and some exports write them); their tags were removed for analysis".into(),
                    line,
                );
                Cow::Owned(text::html_to_text(&s))
            } else {
                match text::unescape_html_entities(&s) {
                    Cow::Owned(o) => Cow::Owned(o),
                    Cow::Borrowed(_) => s,
                }
            }
        }
        None => Cow::Borrowed(""),
    };

    let get = |role: Role| -> Option<Cow<'_, str>> {
        ctx.role(role)
            .and_then(|i| field_at(i, shift))
            .map(|v| match json_string_cell(&v) {
                Some(j) => Cow::Owned(j),
                None => v,
            })
    };
    let id = get(Role::Id).unwrap_or_default();
    let author_id = get(Role::AuthorId).unwrap_or_default();
    let handle = get(Role::Author).unwrap_or_default();
    fn clean_lang(l: &str) -> &str {
        // Nearly always a plain code such as `en` or `pt-BR`.
        if l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return l;
        }
        let l = l.trim().trim_matches(['[', ']', '"', '\'']);
        l.split(',').next().unwrap_or("").trim()
    }
    let lang: Cow<str> = match get(Role::Lang) {
        Some(Cow::Borrowed(b)) => Cow::Borrowed(clean_lang(b)),
        Some(Cow::Owned(o)) => Cow::Owned(clean_lang(&o).to_string()),
        None => Cow::Borrowed(""),
    };
    fn trimmed(v: Cow<'_, str>) -> Cow<'_, str> {
        match v {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
        }
    }

    // Kind and referenced post.
    fn nonempty(v: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
        v.filter(|s| {
            !s.trim().is_empty() && s.trim() != "0" && !s.trim().eq_ignore_ascii_case("nan")
        })
    }
    let mut kind = PostKind::Original;
    let mut ref_id: Cow<str> = Cow::Borrowed("");
    if let Some(r) = nonempty(get(Role::RetweetOf)) {
        kind = PostKind::Retweet;
        ref_id = trimmed(r);
    } else if let Some(r) = nonempty(get(Role::QuoteOf)) {
        kind = PostKind::Quote;
        ref_id = trimmed(r);
    } else if let Some(r) = nonempty(get(Role::ReplyTo)) {
        kind = PostKind::Reply;
        ref_id = trimmed(r);
    } else if let Some(r) = nonempty(get(Role::Referenced))
        && let Ok(serde_json::Value::Array(refs)) = serde_json::from_str::<serde_json::Value>(&r)
    {
        {
            // Retweet wins over quote wins over reply.
            let mut best: Option<(u8, PostKind, String)> = None;
            for it in refs {
                let t = it.get("type").and_then(|v| v.as_str()).unwrap_or("");
                let rid = it
                    .get("id")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string();
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
        } else if get(Role::IsRetweet).is_some_and(|v| truthy(&v)) || text.starts_with("RT @") {
            kind = PostKind::Retweet;
        }
    }

    // Typed columns (Parquet) are read as they are, not through their text.
    let typed = |role: Role| ctx.role(role).filter(|_| shift == 0);
    let list = |role: Role, keys: &[&str]| -> Option<Vec<String>> {
        match typed(role).and_then(|i| rec.list(i)) {
            Some(v) => Some(v),
            None => get(role).map(|v| parse_list_cell(&v, keys)),
        }
    };
    let count = |role: Role| -> u32 {
        typed(role)
            .and_then(|i| rec.count(i))
            .unwrap_or_else(|| metric(get(role).as_deref()))
    };
    let hashtags = list(Role::Hashtags, &["tag", "text", "name"])
        .map(|v| v.into_iter().map(Cow::Owned).collect::<Vec<_>>());
    // An empty hashtag column with hashtags in the text: trust the text.
    let hashtags = hashtags.filter(|h| !h.is_empty());
    let mentions = list(
        Role::Mentions,
        &["username", "screen_name", "acct", "handle"],
    )
    .filter(|v| !v.is_empty())
    .map(|v| v.into_iter().map(Cow::Owned).collect());
    let urls = list(Role::Urls, &["expanded_url", "unwound_url", "url"])
        .filter(|v| !v.is_empty())
        .map(|v| v.into_iter().map(Cow::Owned).collect());
    let has_media = get(Role::Media).is_some_and(|v| truthy(&v));
    let metrics = Metrics {
        reposts: count(Role::Reposts),
        replies: count(Role::Replies),
        likes: count(Role::Likes),
        quotes: count(Role::Quotes),
    };
    let community = get(Role::Community).map(trimmed).unwrap_or_default();
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
        community,
        line,
        raw,
    };
    out.push(rec_out);
    if rec.was_not_utf8() {
        out.warnings.add(
            "not_utf8",
            || "rows that are not valid UTF-8 were read as Windows-1252 (Latin-1)".into(),
            line,
        );
    }
}

/// Parses the segments of one block in parallel, in order. `first_lines` holds the 1-based
/// line of each segment's first byte.
pub fn parse_block(
    buf: &[u8],
    base: u64,
    first_lines: &[u64],
    segments: &[Segment],
    ctx: &CsvContext,
) -> Vec<ChunkBuilder> {
    segments
        .par_iter()
        .zip(first_lines.par_iter())
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
        assert_eq!(
            sniff_dialect(b"a;b;c\n1;2;3\n4;5;6\n", true).delimiter,
            b';'
        );
        assert_eq!(sniff_dialect(b"a\tb\n1\t2,3\n", true).delimiter, b'\t');
        assert_eq!(sniff_dialect(b"a,b\n\"x,y\",2\n", true).delimiter, b',');
        let padded = sniff_dialect(
            b"time , text , user \nx , hello world , u1\ny , bye , u2\n",
            true,
        );
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

    /// At the end of the input every byte is used, whatever the input ends with (a file
    /// truncated just after a delimiter once made the block reader spin for ever).
    #[test]
    fn scanner_uses_everything_at_eof() {
        for buf in [
            &b"a,b\n1,"[..],
            b"1,",
            b",",
            b"a,\"x\"",
            b"a\r",
            b"\"x\",",
            b"a,b\n\"q\"\"\",",
        ] {
            for target in [1, 1 << 20] {
                let (segs, used) = scan_records(buf, &d(b','), true, target);
                assert_eq!(used, buf.len(), "{:?}", String::from_utf8_lossy(buf));
                assert_eq!(segs.last().map(|s| s.end), Some(buf.len()));
            }
        }
    }

    /// Up to `max_pieces - 1` random pieces of `alphabet`, back to back.
    fn random_text(rng: &mut impl rand::Rng, alphabet: &[&str], max_pieces: usize) -> String {
        (0..rng.random_range(0..max_pieces))
            .map(|_| alphabet[rng.random_range(0..alphabet.len())])
            .collect()
    }

    /// The hand-written splitter agrees with the csv crate on random input made of the
    /// characters that matter: delimiters, quotes, line breaks, spaces.
    #[test]
    fn splitter_matches_csv_crate() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let alphabet: &[&str] = &["a", "b", ",", "\"", "\n", "\r", " ", "é", "\"\"", "\r\n"];
        for case in 0..20_000 {
            let input = random_text(&mut rng, alphabet, 30);
            for quoting in [true, false] {
                let dl = Dialect {
                    delimiter: b',',
                    quoting,
                    trim: false,
                    has_header: false,
                };
                let mut expected: Vec<Vec<Vec<u8>>> = Vec::new();
                let mut rdr = dl.reader_builder().from_reader(input.as_bytes());
                let mut rec = csv::ByteRecord::new();
                while rdr.read_byte_record(&mut rec).unwrap_or(false) {
                    expected.push(rec.iter().map(|f| f.to_vec()).collect());
                }
                let mut got: Vec<Vec<Vec<u8>>> = Vec::new();
                let mut sp = RecordSplitter::new(input.as_bytes(), &dl);
                while sp.next_record().is_some() {
                    got.push(sp.fields.iter().map(|f| sp.value(*f).to_vec()).collect());
                }
                assert_eq!(
                    got, expected,
                    "case {case}, quoting {quoting}, input {input:?}"
                );
            }
        }
    }

    /// The quote-and-newline scan finds the same record ends as the field-by-field one,
    /// with and without more input to come, on random input.
    #[test]
    fn fast_scan_matches_field_scan() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let alphabet: &[&str] = &["a", ",", ";", "\"", "\n", "\r", " ", "é", "\"\"", "\r\n"];
        for case in 0..20_000 {
            let input = random_text(&mut rng, alphabet, 40);
            for (delimiter, quoting) in [(b',', true), (b';', true), (b',', false)] {
                let dl = Dialect {
                    quoting,
                    ..d(delimiter)
                };
                for eof in [true, false] {
                    for target in [1, 8, 1 << 20] {
                        let fast = scan_records(input.as_bytes(), &dl, eof, target);
                        let slow = scan_records_by_field(input.as_bytes(), &dl, eof, target);
                        assert_eq!(fast, slow, "case {case}, eof {eof}, input {input:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn splitter_positions_and_trim() {
        let input = b"a, b ,c\r\n\n\"x\ny\",2\rlast";
        let dl = Dialect {
            delimiter: b',',
            quoting: true,
            trim: true,
            has_header: false,
        };
        let mut sp = RecordSplitter::new(input, &dl);
        let r = sp.next_record().unwrap();
        assert_eq!((r.start, r.end, r.line_offset), (0, 7, 0));
        let vals: Vec<&[u8]> = sp.fields.iter().map(|f| sp.value(*f)).collect();
        assert_eq!(vals, [&b"a"[..], b"b", b"c"]);
        let r = sp.next_record().unwrap();
        assert_eq!((r.start, r.line_offset), (10, 2));
        assert_eq!(sp.value(sp.fields[0]), b"x\ny");
        let r = sp.next_record().unwrap();
        assert_eq!((r.start, r.end, r.line_offset), (18, 22, 4));
        assert!(sp.next_record().is_none());
    }

    #[test]
    fn broken_entities() {
        assert!(ends_with_broken_entity("I &lt"));
        assert!(ends_with_broken_entity("a &#39"));
        assert!(!ends_with_broken_entity("a & b"));
        assert!(!ends_with_broken_entity("plain"));
    }
}
