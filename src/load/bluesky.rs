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
struct Facet<'a> {
    #[serde(borrow, default)]
    features: Option<Vec<Feature<'a>>>,
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
    let text = s(&record.text);
    let mut tags: Vec<Cow<str>> = Vec::new();
    let mut urls: Vec<Cow<str>> = Vec::new();
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
            }
        }
    }
    tags.extend(record.tags.iter().flatten().cloned());
    for t in crate::text::extract_hashtags(text) {
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
        text: Cow::Borrowed(text),
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
        item(bytes, line, ctx, out)
    }
}
