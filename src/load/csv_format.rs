//! Delimited text: dialect sniffing, a quote-aware record-boundary scanner that splits the
//! input into chunks for parallel parsing (each row becomes a post in
//! [`crate::load::row_to_post`]).

use std::borrow::Cow;

use rayon::prelude::*;

use crate::load::builder::ChunkBuilder;
use crate::load::mapping::{ColumnMapping, Role};
use crate::load::report::RejectKind;
use crate::load::row_to_post::{Row, convert_row};
use crate::model::RawSpan;
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
        self.skip_empty_lines();
        if self.pos >= n {
            return None;
        }
        let start = self.pos;
        let line_offset = self.newlines;
        self.fields.clear();
        self.scratch.clear();
        let d = self.delimiter;
        loop {
            let mut pos = if self.quoting && self.pos < n && b[self.pos] == b'"' {
                self.quoted_field(self.pos)
            } else {
                let stop = field_stop(b, self.pos, d);
                self.push_field(FieldRef {
                    in_scratch: false,
                    start: self.pos,
                    end: stop,
                });
                stop
            };
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

    /// Empty lines are not records: moves past them, counting them.
    #[inline]
    fn skip_empty_lines(&mut self) {
        let b = self.bytes;
        let n = b.len();
        while self.pos < n && (b[self.pos] == b'\n' || b[self.pos] == b'\r') {
            if b[self.pos] == b'\n' || (b[self.pos] == b'\r' && b.get(self.pos + 1) != Some(&b'\n'))
            {
                self.newlines += 1;
            }
            self.pos += 1;
        }
    }

    /// Reads the quoted field whose opening quote is at `pos` (and anything after its closing
    /// quote up to the next delimiter or line end, kept as the field's text); returns where
    /// it stops.
    #[inline]
    fn quoted_field(&mut self, mut pos: usize) -> usize {
        let b = self.bytes;
        let n = b.len();
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
        let stop = field_stop(b, pos, self.delimiter);
        if simple && stop == extra_start {
            self.push_field(FieldRef {
                in_scratch: false,
                start: content_start,
                end: content_end,
            });
        } else {
            self.push_unescaped(content_start..content_end, extra_start..stop);
        }
        stop
    }

    /// A field with doubled quotes or text after its closing quote, written out into the
    /// scratch buffer: its content with each doubled quote once, then the text after it.
    fn push_unescaped(&mut self, content: std::ops::Range<usize>, after: std::ops::Range<usize>) {
        let b = self.bytes;
        let s0 = self.scratch.len();
        let mut k = content.start;
        while k < content.end {
            self.scratch.push(b[k]);
            k += if b[k] == b'"' && k + 1 < content.end && b[k + 1] == b'"' {
                2
            } else {
                1
            };
        }
        self.scratch.extend_from_slice(&b[after]);
        let s1 = self.scratch.len();
        self.push_field(FieldRef {
            in_scratch: true,
            start: s0,
            end: s1,
        });
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
}
