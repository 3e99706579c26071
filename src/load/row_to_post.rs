//! One row of a table → one post: the engine shared by delimited files, flattened JSON
//! objects and Parquet rows. The columns each role reads come from the column mapping; a
//! row that cannot become a post is rejected with its line, column and reason.

use std::borrow::Cow;

use crate::load::builder::{ChunkBuilder, PostRecord, quote_value};
use crate::load::csv_format::CsvContext;
use crate::load::list_cell::parse_list_cell;
use crate::load::mapping::{Role, parse_kind_value};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind, RawSpan};
use crate::text;
use crate::time::SlashOrder;

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

/// Converts one row into a post, or rejects it with the reason. A row whose field is
/// oversized, whose fields are too few for its time and text, or whose time is missing or
/// unreadable is rejected; everything else becomes a post, with a warning for what was
/// repaired on the way (columns shifted by delimiters inside the text, literal escapes,
/// HTML, an ambiguous zone abbreviation, bytes that are not UTF-8).
pub fn convert_row(
    rec: &impl Row,
    raw: Option<RawSpan>,
    line: u64,
    raw_bytes: &[u8],
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) {
    if reject_oversized_field(rec, raw, line, ctx, out) {
        return;
    }
    let Some((time, shift)) = read_time(rec, raw, line, raw_bytes, ctx, out) else {
        return;
    };
    let text = read_text(rec, shift, line, ctx, out);
    let cells = Cells { rec, ctx, shift };
    let (kind, ref_id) = read_kind(&cells, &text);
    let post = PostRecord {
        id: cells.get(Role::Id).unwrap_or_default(),
        created_at: time.ms,
        naive_time: time.naive,
        author_id: cells.get(Role::AuthorId).unwrap_or_default(),
        handle: cells.get(Role::Author).unwrap_or_default(),
        lang: match cells.get(Role::Lang) {
            Some(Cow::Borrowed(b)) => Cow::Borrowed(clean_lang(b)),
            Some(Cow::Owned(o)) => Cow::Owned(clean_lang(&o).to_string()),
            None => Cow::Borrowed(""),
        },
        kind,
        ref_id,
        // An empty hashtag column with hashtags in the text: trust the text.
        hashtags: cells.nonempty_list(Role::Hashtags, &["tag", "text", "name"]),
        mentions: cells.nonempty_list(
            Role::Mentions,
            &["username", "screen_name", "acct", "handle"],
        ),
        urls: cells.nonempty_list(Role::Urls, &["expanded_url", "unwound_url", "url"]),
        has_media: cells.get(Role::Media).is_some_and(|v| truthy(&v)),
        metrics: Metrics {
            reposts: cells.count(Role::Reposts),
            replies: cells.count(Role::Replies),
            likes: cells.count(Role::Likes),
            quotes: cells.count(Role::Quotes),
        },
        community: cells.get(Role::Community).map(trimmed).unwrap_or_default(),
        text,
        line,
        raw,
    };
    out.push(post);
    if rec.was_not_utf8() {
        out.warnings.add(
            "not_utf8",
            || "rows that are not valid UTF-8 were read as Windows-1252 (Latin-1)".into(),
            line,
        );
    }
}

/// Rejects a row with an oversized field (usually an unclosed quote that swallowed later
/// lines); true when it did.
fn reject_oversized_field(
    rec: &impl Row,
    raw: Option<RawSpan>,
    line: u64,
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) -> bool {
    let Some((idx, flen)) = (0..rec.len())
        .map(|k| (k, rec.raw_field(k).len()))
        .find(|(_, l)| *l > ctx.max_field_bytes)
    else {
        return false;
    };
    let col = ctx.header.get(idx).map(String::as_str).unwrap_or("?");
    let newlines = memchr::memchr_iter(b'\n', rec.raw_field(idx)).count();
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
    true
}

/// The row's time, and how far the columns after its text were shifted right by
/// delimiters inside the text (0 for none). `None` when the row has no time column or was
/// rejected (too few fields, a missing or unreadable time).
fn read_time(
    rec: &impl Row,
    raw: Option<RawSpan>,
    line: u64,
    raw_bytes: &[u8],
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) -> Option<(crate::time::Parsed, usize)> {
    let tc = ctx.role(Role::Time)?;
    let typed_time = rec
        .time_ms(tc)
        .map(|ms| crate::time::Parsed { ms, naive: false });
    let mut time_value = match typed_time {
        Some(_) => None,
        None => rec.get(tc),
    };
    let mut parsed =
        typed_time.or_else(|| time_value.as_deref().and_then(|v| ctx.time_parser.parse(v)));
    let mut shift = 0;
    if parsed.is_none()
        && let Some((p, k, cand)) = find_shifted_time(rec, tc, ctx)
    {
        parsed = Some(p);
        shift = k;
        time_value = Some(cand);
        out.warnings.add(
            "shifted_columns",
            || "rows whose columns were shifted right by delimiters inside the text (e.g. `&lt;` split at its `;`): the timestamp was found further right and the text fragments were rejoined".into(),
            line,
        );
    }
    if reject_ragged(rec, shift, parsed.is_some(), raw, line, raw_bytes, ctx, out) {
        return None;
    }
    let Some(parsed) = parsed else {
        reject_time(rec, tc, time_value.as_deref(), raw, line, ctx, out);
        return None;
    };
    if let Some(z) = time_value
        .as_deref()
        .and_then(crate::time::ambiguous_zone_in)
    {
        warn_ambiguous_zone(z, line, out);
    }
    Some((parsed, shift))
}

/// Where the text column comes before the time column and the row is unreadable at its
/// time, the time is looked for up to 4 fields further right: delimiters inside the text
/// (`&lt;` split at its `;`) shift every later column. The time, the shift and the field.
fn find_shifted_time<'r>(
    rec: &'r impl Row,
    tc: usize,
    ctx: &CsvContext,
) -> Option<(crate::time::Parsed, usize, Cow<'r, str>)> {
    let t = ctx.role(Role::Text)?;
    if t >= tc || rec.len() < ctx.header.len() {
        return None;
    }
    for k in 1..=4 {
        let cand = rec.get(tc + k)?;
        let whole = ctx.time_parser.parse(&cand);
        let prefix = || {
            cand.split(',')
                .next()
                .and_then(|p| ctx.time_parser.parse(p))
        };
        if let Some(p) = whole.or_else(prefix) {
            return Some((p, k, cand.clone()));
        }
    }
    None
}

/// Rejects a row whose number of fields differs from the header's when its time and text
/// cannot be read from it; warns when they can. True when it was rejected.
#[allow(clippy::too_many_arguments)]
fn reject_ragged(
    rec: &impl Row,
    shift: usize,
    time_found: bool,
    raw: Option<RawSpan>,
    line: u64,
    raw_bytes: &[u8],
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) -> bool {
    let ncols = ctx.header.len();
    if rec.len() == ncols {
        return false;
    }
    let needed = [ctx.role(Role::Text), ctx.role(Role::Time)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
        + shift;
    if rec.len() <= needed || !time_found {
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
                quote_value(&String::from_utf8_lossy(raw_bytes), 120)
            ),
            raw,
        );
        return true;
    }
    if shift == 0 {
        out.warnings.add(
            "ragged_rows",
            || "rows with a different number of fields than the header; loaded because their time and text columns were readable".into(),
            line,
        );
    }
    false
}

/// Rejects a row whose time (`value`, in column `tc`) is missing or unreadable.
fn reject_time(
    rec: &impl Row,
    tc: usize,
    value: Option<&str>,
    raw: Option<RawSpan>,
    line: u64,
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) {
    let col = &ctx.header[tc];
    match value.map(str::trim) {
        None | Some("") => out.reject(
            line,
            Some(col),
            RejectKind::MissingTimestamp,
            "missing timestamp".into(),
            raw,
        ),
        Some(v) => {
            if ctx.mapping.slash_order_guessed {
                let mut other = ctx.time_parser.clone();
                other.slash_order = match other.slash_order {
                    SlashOrder::MonthFirst => SlashOrder::DayFirst,
                    SlashOrder::DayFirst => SlashOrder::MonthFirst,
                };
                if other.parse(v).is_some() {
                    out.warnings.add(
                        crate::load::SLASH_ORDER_CONTRADICTED,
                        || {
                            "slash dates that read only with day and month the other way round"
                                .into()
                        },
                        line,
                    );
                }
            }
            let shifted = ctx
                .role(Role::Text)
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
}

fn warn_ambiguous_zone(z: &'static str, line: u64, out: &mut ChunkBuilder) {
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

/// The row's text for analysis: fragments split off by delimiters inside it rejoined
/// (`shift` of them), a JSON-encoded cell decoded, literal escapes decoded, HTML turned to
/// text, entities unescaped.
fn read_text<'r>(
    rec: &'r impl Row,
    shift: usize,
    line: u64,
    ctx: &CsvContext,
    out: &mut ChunkBuilder,
) -> Cow<'r, str> {
    let Some(t) = ctx.role(Role::Text) else {
        return Cow::Borrowed("");
    };
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

/// A row's fields by role, read past any shift of the columns after the text.
struct Cells<'r, R: Row> {
    rec: &'r R,
    ctx: &'r CsvContext,
    /// How far the columns after the text were shifted right.
    shift: usize,
}

impl<'r, R: Row> Cells<'r, R> {
    /// Field `idx` of the header, where it stands in this row.
    fn at(&self, idx: usize) -> Option<Cow<'r, str>> {
        let real = match self.ctx.role(Role::Text) {
            Some(t) if idx > t => idx + self.shift,
            _ => idx,
        };
        self.rec.get(real)
    }

    /// The field of `role`, a JSON-encoded string cell decoded.
    fn get(&self, role: Role) -> Option<Cow<'r, str>> {
        self.ctx
            .role(role)
            .and_then(|i| self.at(i))
            .map(|v| match json_string_cell(&v) {
                Some(j) => Cow::Owned(j),
                None => v,
            })
    }

    /// The column of `role` where the source stores it typed (Parquet), read as it is,
    /// not through its text.
    fn typed(&self, role: Role) -> Option<usize> {
        self.ctx.role(role).filter(|_| self.shift == 0)
    }

    /// The list in the field of `role` (`keys` name an object item's value), `None` when
    /// the row has no such field or the list is empty.
    fn nonempty_list(&self, role: Role, keys: &[&str]) -> Option<Vec<Cow<'r, str>>> {
        let list = match self.typed(role).and_then(|i| self.rec.list(i)) {
            Some(v) => Some(v),
            None => self.get(role).map(|v| parse_list_cell(&v, keys)),
        };
        list.filter(|v| !v.is_empty())
            .map(|v| v.into_iter().map(Cow::Owned).collect())
    }

    /// The count in the field of `role` (`METRIC_NONE` where there is none).
    fn count(&self, role: Role) -> u32 {
        self.typed(role)
            .and_then(|i| self.rec.count(i))
            .unwrap_or_else(|| metric(self.get(role).as_deref()))
    }
}

/// The post's kind and the post it refers to: a retweet, quote or reply column, else the
/// `referenced_tweets` list (a retweet wins over a quote, a quote over a reply), else a
/// kind column, a retweet flag, or a text that starts with `RT @`.
fn read_kind<'r, R: Row>(cells: &Cells<'r, R>, text: &str) -> (PostKind, Cow<'r, str>) {
    let refs = [
        (Role::RetweetOf, PostKind::Retweet),
        (Role::QuoteOf, PostKind::Quote),
        (Role::ReplyTo, PostKind::Reply),
    ];
    for (role, kind) in refs {
        if let Some(r) = nonempty(cells.get(role)) {
            return (kind, trimmed(r));
        }
    }
    if let Some(r) = nonempty(cells.get(Role::Referenced))
        && let Some((kind, id)) = first_reference(&r)
    {
        return (kind, Cow::Owned(id));
    }
    let kind = if let Some(k) = cells.get(Role::Kind).and_then(|v| parse_kind_value(&v)) {
        k
    } else if cells.get(Role::IsRetweet).is_some_and(|v| truthy(&v)) || text.starts_with("RT @") {
        PostKind::Retweet
    } else {
        PostKind::Original
    };
    (kind, Cow::Borrowed(""))
}

/// The strongest reference in a `referenced_tweets` cell (`[{"type": "retweeted", "id":
/// …}]`): a retweet wins over a quote, a quote over a reply.
fn first_reference(cell: &str) -> Option<(PostKind, String)> {
    let Ok(serde_json::Value::Array(refs)) = serde_json::from_str::<serde_json::Value>(cell) else {
        return None;
    };
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
    best.map(|(_, k, rid)| (k, rid))
}

/// A language cell as a plain code: nearly always one already (`en`, `pt-BR`), else the
/// first of a list (`["en", "de"]`).
fn clean_lang(l: &str) -> &str {
    if l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return l;
    }
    let l = l.trim().trim_matches(['[', ']', '"', '\'']);
    l.split(',').next().unwrap_or("").trim()
}

fn trimmed(v: Cow<'_, str>) -> Cow<'_, str> {
    match v {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// A reference cell that names a post (not empty, `0` or `nan`).
fn nonempty(v: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
    v.filter(|s| !s.trim().is_empty() && s.trim() != "0" && !s.trim().eq_ignore_ascii_case("nan"))
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
    crate::model::metric_count(v.and_then(crate::load::mapping::parse_count))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_entities() {
        assert!(ends_with_broken_entity("I &lt"));
        assert!(ends_with_broken_entity("a &#39"));
        assert!(!ends_with_broken_entity("a & b"));
        assert!(!ends_with_broken_entity("plain"));
    }
}
