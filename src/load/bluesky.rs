//! Bluesky `app.bsky.feed.defs#postView` objects, and feed items that wrap one
//! (`{post, reply}`, `{post, reason}`, `{uri, post}`).
//!
//! A feed item whose `reason` is a repost becomes a repost by the reposting account, at the
//! time of the repost, referencing the original post.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{JsonContext, OptStr, reject_timestamp, s};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind};

#[derive(Deserialize, Default)]
struct Author<'a> {
    #[serde(borrow, default)]
    did: OptStr<'a>,
    #[serde(borrow, default)]
    handle: OptStr<'a>,
}

#[derive(Deserialize)]
struct Feature<'a> {
    #[serde(borrow, rename = "$type", default)]
    kind: OptStr<'a>,
    #[serde(borrow, default)]
    tag: OptStr<'a>,
    #[serde(borrow, default)]
    uri: OptStr<'a>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct ByteSlice {
    byteStart: Option<u64>,
    byteEnd: Option<u64>,
}

#[derive(Deserialize)]
struct Facet<'a> {
    #[serde(default)]
    index: Option<ByteSlice>,
    #[serde(borrow, default)]
    features: Option<Vec<Feature<'a>>>,
}

/// The text with each link a facet marks written as the facet's full address. Clients show
/// a link shortened ("nytimes.com/2024/11/2...", or the bare host "example.com"); read as
/// that text, the same link would be words, and two copies of a post shortened differently
/// would differ. A range is replaced only if its text is the start of its address: ranges
/// that are out of bounds, split a character, overlap one before, or mark other text (a
/// handle linked to its profile; offsets some clients count wrongly) are left as written.
fn with_full_links<'a>(text: &'a str, links: &[(usize, usize, &str)]) -> Cow<'a, str> {
    let mut links: Vec<(usize, usize, &str)> = links
        .iter()
        .copied()
        .filter(|&(a, b, _)| a < b && b <= text.len())
        .filter(|&(a, b, _)| text.is_char_boundary(a) && text.is_char_boundary(b))
        .filter(|&(a, b, uri)| shows_address(&text[a..b], uri))
        .collect();
    if links.is_empty() {
        return Cow::Borrowed(text);
    }
    links.sort_unstable_by_key(|l| (l.0, std::cmp::Reverse(l.1)));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (a, b, uri) in links {
        if a < at {
            continue;
        }
        out.push_str(&text[at..a]);
        out.push_str(uri);
        at = b;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[derive(Deserialize)]
struct Parent<'a> {
    #[serde(borrow, default)]
    uri: OptStr<'a>,
}

#[derive(Deserialize)]
struct ReplyRef<'a> {
    #[serde(borrow, default)]
    parent: Option<Parent<'a>>,
}

/// An `app.bsky.feed.post` record, as PostViews, Jetstream and tap carry it.
#[derive(Deserialize)]
#[allow(non_snake_case)]
pub(crate) struct Record<'a> {
    #[serde(borrow, default)]
    text: OptStr<'a>,
    #[serde(borrow, default)]
    pub(crate) createdAt: OptStr<'a>,
    #[serde(borrow, default)]
    langs: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    facets: Option<Vec<Facet<'a>>>,
    #[serde(borrow, default)]
    tags: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    reply: Option<ReplyRef<'a>>,
    #[serde(default)]
    embed: Option<Value>,
    /// A repost's or like's subject (`{uri, cid}`); a follow's DID.
    #[serde(default)]
    pub(crate) subject: Option<Value>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Reason<'a> {
    #[serde(borrow, rename = "$type", default)]
    kind: OptStr<'a>,
    #[serde(borrow, default)]
    by: Option<Author<'a>>,
    #[serde(borrow, default)]
    indexedAt: OptStr<'a>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Item<'a> {
    #[serde(borrow, default)]
    uri: OptStr<'a>,
    #[serde(borrow, default)]
    author: Option<Author<'a>>,
    #[serde(borrow, default)]
    record: Option<Record<'a>>,
    #[serde(borrow, default)]
    post: Option<Box<Item<'a>>>,
    #[serde(borrow, default)]
    reason: Option<Reason<'a>>,
    replyCount: Option<u64>,
    repostCount: Option<u64>,
    likeCount: Option<u64>,
    quoteCount: Option<u64>,
    #[serde(borrow, default)]
    indexedAt: OptStr<'a>,
}

fn embed_str<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

/// The parts of a post that its record says: text, language, hashtags (facets, `tags`
/// and the text), links, media, and the post it quotes or replies to (as kind and
/// reference).
pub(crate) fn record_post<'a>(record: &'a Record<'a>) -> (PostKind, Cow<'a, str>, PostRecord<'a>) {
    let raw_text = s(&record.text);
    let mut tags: Vec<Cow<str>> = Vec::new();
    let mut urls: Vec<Cow<str>> = Vec::new();
    let mut link_spans: Vec<(usize, usize, &str)> = Vec::new();
    for f in record.facets.iter().flatten() {
        for feat in f.features.iter().flatten() {
            let k = s(&feat.kind);
            if k.ends_with("#tag") {
                if let Some(t) = &feat.tag {
                    tags.push(t.clone());
                }
            } else if k.ends_with("#link")
                && let Some(u) = &feat.uri
            {
                urls.push(u.clone());
                if let Some(ByteSlice {
                    byteStart: Some(a),
                    byteEnd: Some(b),
                }) = f.index
                {
                    link_spans.push((a as usize, b as usize, u));
                }
            }
        }
    }
    let text = with_full_links(raw_text, &link_spans);
    tags.extend(record.tags.iter().flatten().cloned());
    for t in crate::text::extract_hashtags(raw_text) {
        if !tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            tags.push(Cow::Borrowed(t));
        }
    }
    let mut kind = PostKind::Original;
    let mut ref_id: Cow<str> = Cow::Borrowed("");
    let mut has_media = false;
    if let Some(e) = &record.embed {
        let t = embed_str(e, &["$type"]).unwrap_or("");
        if t.ends_with("embed.record") {
            kind = PostKind::Quote;
            ref_id = Cow::Borrowed(embed_str(e, &["record", "uri"]).unwrap_or(""));
        } else if t.ends_with("recordWithMedia") {
            kind = PostKind::Quote;
            ref_id = Cow::Borrowed(embed_str(e, &["record", "record", "uri"]).unwrap_or(""));
            has_media = true;
        } else if t.ends_with("images") || t.ends_with("video") {
            has_media = true;
        } else if t.ends_with("external")
            && let Some(u) = embed_str(e, &["external", "uri"])
            && !urls.iter().any(|x| x == u)
        {
            urls.push(Cow::Owned(u.to_string()));
        }
    }
    if kind == PostKind::Original
        && let Some(p) = record
            .reply
            .as_ref()
            .and_then(|r| r.parent.as_ref())
            .and_then(|p| p.uri.as_deref())
    {
        kind = PostKind::Reply;
        ref_id = Cow::Borrowed(p);
    }
    let fields = PostRecord {
        text,
        lang: Cow::Borrowed(
            record
                .langs
                .as_ref()
                .and_then(|l| l.first())
                .map(|l| &**l)
                .unwrap_or(""),
        ),
        hashtags: Some(tags),
        urls: Some(urls),
        has_media,
        ..Default::default()
    };
    (kind, ref_id, fields)
}

pub fn item(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let it: Item = serde_json::from_slice(bytes)?;
    let (view, reason) = match (&it.record, &it.post) {
        (Some(_), _) => (&it, None),
        (None, Some(p)) => (&**p, it.reason.as_ref()),
        (None, None) => return Err(serde::de::Error::custom("neither a record nor a post")),
    };
    out.rows_in += 1;
    let Some(record) = view.record.as_ref() else {
        out.reject(
            line,
            Some("record"),
            RejectKind::MissingText,
            format!("post {} has no record", s(&view.uri)),
            None,
        );
        return Ok(());
    };
    let repost = reason.filter(|r| s(&r.kind).ends_with("reasonRepost"));
    let time_src = match repost {
        Some(r) => r.indexedAt.as_deref(),
        None => record.createdAt.as_deref().or(view.indexedAt.as_deref()),
    };
    let Some(parsed) = time_src.and_then(|t| ctx.time_parser.parse(t)) else {
        let field = if repost.is_some() {
            "reason.indexedAt"
        } else {
            "record.createdAt"
        };
        reject_timestamp(out, line, time_src, field, "post", s(&view.uri));
        return Ok(());
    };
    let text = s(&record.text);
    if text.len() > ctx.max_field_bytes {
        out.reject(
            line,
            Some("record.text"),
            RejectKind::FieldTooLarge,
            format!(
                "text of post {} is {} bytes, above the {} byte limit",
                s(&view.uri),
                text.len(),
                ctx.max_field_bytes
            ),
            None,
        );
        return Ok(());
    }
    let (kind, ref_id, fields) = record_post(record);
    let post_author = view.author.as_ref();
    let (id, author, kind, ref_id) = match repost {
        Some(r) => {
            let by = r.by.as_ref();
            let by_did = by.map(|b| s(&b.did)).unwrap_or("");
            (
                format!("{}#repost-by-{}", s(&view.uri), by_did),
                by,
                PostKind::Retweet,
                s(&view.uri).to_string(),
            )
        }
        None => (
            s(&view.uri).to_string(),
            post_author,
            kind,
            ref_id.into_owned(),
        ),
    };
    let c = crate::model::metric_count;
    let rec = PostRecord {
        id: Cow::Owned(id),
        created_at: parsed.ms,
        naive_time: parsed.naive,
        author_id: Cow::Borrowed(author.map(|a| s(&a.did)).unwrap_or("")),
        handle: Cow::Borrowed(author.map(|a| s(&a.handle)).unwrap_or("")),
        kind,
        ref_id: Cow::Owned(ref_id),
        metrics: Metrics {
            reposts: c(view.repostCount),
            replies: c(view.replyCount),
            likes: c(view.likeCount),
            quotes: c(view.quoteCount),
        },
        line,
        ..fields
    };
    out.push(rec);
    Ok(())
}

/// Bluesky PostViews and feed items.
pub struct Reader;

impl crate::load::readers::JsonReader for Reader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::Bluesky
    }
    fn recognises(&self, o: &serde_json::Map<String, Value>) -> bool {
        crate::load::readers::str_of(o, "uri").starts_with("at://")
            || o.get("post")
                .is_some_and(|p| p.get("uri").is_some() || p.get("record").is_some())
            || (o.contains_key("record") && o.get("author").is_some_and(|a| a.get("did").is_some()))
            || page_key(o).is_some()
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"at://"]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        match item(bytes, line, ctx, out) {
            Err(e) if !page(bytes, line, ctx, out) => Err(e),
            _ => Ok(()),
        }
    }
}

/// The arrays of posts a response page of Bluesky's API holds: `searchPosts` writes
/// `{posts: [postView, ...], cursor, hitsTotal}`; the feeds (`getFeed`, `getAuthorFeed`,
/// `getTimeline`, `getListFeed`) write `{feed: [{post, reply, reason}, ...], cursor}`.
const PAGE_KEYS: [&str; 2] = ["posts", "feed"];

/// Which key of `o` holds a page's posts, if `o` is a page.
fn page_key(o: &serde_json::Map<String, Value>) -> Option<&'static str> {
    PAGE_KEYS.into_iter().find(|&key| {
        o.get(key).and_then(Value::as_array).is_some_and(|posts| {
            let is_post = |e: &Value| {
                e.get("uri")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u.starts_with("at://"))
                    || e.get("post").is_some_and(|p| p.get("uri").is_some())
            };
            match posts.first() {
                Some(first) => is_post(first),
                None => o.contains_key("cursor"),
            }
        })
    })
}

/// Reads a response page's posts, each as a post or feed item of its own; an element that
/// is neither is one rejected row. `false` if `bytes` is no page.
fn page(bytes: &[u8], line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) -> bool {
    let Some(elements) = PAGE_KEYS
        .iter()
        .find_map(|&key| crate::load::json_value::elements_at(bytes, &[key], line))
    else {
        return false;
    };
    for e in &elements {
        read_page_element(bytes, e, ctx, out);
    }
    true
}

/// A response page that does not parse (cut short when a collection stopped while writing
/// it, or spoiled further on): its whole posts up to the break are read, and the rest is one
/// rejected row, of `kind`, that says why (`why`) and how many were read. Its posts array
/// is found as [`whole_leading_elements`](crate::load::json_value::whole_leading_elements)
/// finds it, by its name where the bytes before it are spoiled. `None` if it cannot be
/// found or none of its posts is whole.
pub fn salvage_page(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
    (kind, why): (RejectKind, &str),
) -> Option<usize> {
    let whole = PAGE_KEYS
        .iter()
        .find_map(|&key| crate::load::json_value::whole_leading_elements(bytes, &[key], line))?;
    if whole.is_empty() {
        return None;
    }
    for e in &whole {
        read_page_element(bytes, e, ctx, out);
    }
    out.rows_in += 1;
    out.reject(
        line,
        None,
        kind,
        format!(
            "Bluesky API page: {why}; its first {} posts were read; the rest of the page is lost",
            whole.len()
        ),
        None,
    );
    Some(whole.len())
}

/// Reads one element of a response page as a post or feed item; one that is neither is a
/// rejected row.
fn read_page_element(
    bytes: &[u8],
    e: &crate::load::json_value::Element,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) {
    if let Err(err) = item(&bytes[e.start..e.end], e.line, ctx, out) {
        out.rows_in += 1;
        out.reject(
            e.line,
            None,
            RejectKind::UnknownJsonObject,
            format!("an element of a Bluesky API page that is no post: {err}"),
            None,
        );
    }
}

/// Whether `shown` is how a client shows `uri`: its start, with or without the scheme and
/// "www.", maybe cut with "..." or "…".
fn shows_address(shown: &str, uri: &str) -> bool {
    let bare = |t: &str| -> String {
        let t = t.trim();
        let t = t
            .strip_suffix("...")
            .or_else(|| t.strip_suffix('…'))
            .unwrap_or(t);
        let t = t
            .strip_prefix("https://")
            .or_else(|| t.strip_prefix("http://"))
            .unwrap_or(t);
        let t = t.strip_prefix("www.").unwrap_or(t);
        t.to_lowercase()
    };
    let shown = bare(shown);
    shown.len() >= 4 && bare(uri).starts_with(&shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortened_link_reads_as_its_full_address() {
        // "🚀 " is five bytes: the facet's offsets count bytes, not characters.
        let text = "🚀 nytimes.com/2024/11/2... and airdrop.example.xyz #Spam";
        let a = text.find("nytimes").unwrap();
        let b = text.find(" and").unwrap();
        let c = text.find("airdrop").unwrap();
        let d = text.find(" #Spam").unwrap();
        let links = [
            (c, d, "https://airdrop.example.xyz/"),
            (a, b, "https://www.nytimes.com/2024/11/21/arts/review.html"),
        ];
        assert_eq!(
            with_full_links(text, &links),
            "🚀 https://www.nytimes.com/2024/11/21/arts/review.html and https://airdrop.example.xyz/ #Spam"
        );
        // A handle linked to its profile, and offsets that miss the link: left as written.
        let handle = "asked by @ha-chan.example.com today";
        let (h0, h1) = (handle.find('@').unwrap(), handle.find(" today").unwrap());
        let profile = [(h0, h1, "https://bsky.app/profile/ha-chan.example.com")];
        assert_eq!(with_full_links(handle, &profile), handle);
        let shifted = [(
            a + 1,
            b - 4,
            "https://www.nytimes.com/2024/11/21/arts/review.html",
        )];
        assert_eq!(with_full_links(text, &shifted), text);
        // Out of bounds, inside a character, or overlapping one before: left as written.
        assert_eq!(with_full_links(text, &[(0, 999, "x")]), text);
        assert_eq!(with_full_links(text, &[(1, 3, "x")]), text);
        let host = a + "nytimes.com".len();
        let overlapping = [
            (a, host, "https://nytimes.com/"),
            (a, b, "https://nytimes.com/2024/11/21/one"),
        ];
        assert_eq!(
            with_full_links(text, &overlapping),
            "🚀 https://nytimes.com/2024/11/21/one and airdrop.example.xyz #Spam"
        );
    }
}
