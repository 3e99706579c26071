//! Twitter API v1.1: statuses (JSONL or arrays) and search responses (`statuses`).
//!
//! Text comes from `extended_tweet.full_text`, `full_text` or `text`; a retweet's text is
//! rebuilt as `RT @user: ` + the retweeted status's full text.

use std::borrow::Cow;

use serde::Deserialize;

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{FlexId, JsonContext, OptStr, reject_timestamp, s};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind};
use crate::text;

#[derive(Deserialize, Default)]
struct User<'a> {
    #[serde(borrow, default)]
    id_str: OptStr<'a>,
    #[serde(default)]
    id: Option<FlexId>,
    #[serde(borrow, default)]
    screen_name: OptStr<'a>,
}

#[derive(Deserialize)]
struct Extended<'a> {
    #[serde(borrow, default)]
    full_text: OptStr<'a>,
    #[serde(borrow, default)]
    entities: Option<Entities<'a>>,
    #[serde(default)]
    extended_entities: Option<ExtEntities>,
}

#[derive(Deserialize)]
struct Url<'a> {
    #[serde(borrow, default)]
    expanded_url: OptStr<'a>,
    #[serde(borrow, default)]
    url: OptStr<'a>,
}

#[derive(Deserialize, Default)]
struct Entities<'a> {
    #[serde(borrow, default)]
    urls: Option<Vec<Url<'a>>>,
    #[serde(default)]
    media: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize, Default)]
struct ExtEntities {
    #[serde(default)]
    media: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow, default)]
    id_str: OptStr<'a>,
    #[serde(default)]
    id: Option<FlexId>,
    #[serde(borrow, default)]
    created_at: OptStr<'a>,
    #[serde(borrow, default)]
    full_text: OptStr<'a>,
    #[serde(borrow, default)]
    text: OptStr<'a>,
    #[serde(borrow, default)]
    extended_tweet: Option<Extended<'a>>,
    #[serde(borrow, default)]
    user: Option<User<'a>>,
    #[serde(borrow, default)]
    lang: OptStr<'a>,
    #[serde(borrow, default)]
    retweeted_status: Option<Box<Status<'a>>>,
    #[serde(borrow, default)]
    quoted_status_id_str: OptStr<'a>,
    #[serde(default)]
    quoted_status_id: Option<FlexId>,
    #[serde(borrow, default)]
    in_reply_to_status_id_str: OptStr<'a>,
    #[serde(default)]
    in_reply_to_status_id: Option<FlexId>,
    #[serde(borrow, default)]
    entities: Option<Entities<'a>>,
    #[serde(default)]
    extended_entities: Option<ExtEntities>,
    retweet_count: Option<u64>,
    favorite_count: Option<u64>,
    reply_count: Option<u64>,
    quote_count: Option<u64>,
    /// Stream notices (`{"delete": ...}`), which are not posts.
    #[serde(default)]
    delete: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    limit: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Search<'a> {
    #[serde(borrow)]
    statuses: Vec<Status<'a>>,
}

fn id_of<'b>(id_str: &'b OptStr<'_>, id: &'b Option<FlexId>) -> &'b str {
    match id_str.as_deref() {
        Some(v) if !v.is_empty() => v,
        _ => id.as_ref().map(|f| f.0.as_str()).unwrap_or(""),
    }
}

fn full_text<'b>(st: &'b Status<'_>) -> &'b str {
    st.extended_tweet
        .as_ref()
        .and_then(|e| e.full_text.as_deref())
        .or(st.full_text.as_deref())
        .unwrap_or_else(|| s(&st.text))
}

fn urls_of<'b>(st: &'b Status<'_>) -> Option<Vec<Cow<'b, str>>> {
    let ents = st
        .extended_tweet
        .as_ref()
        .and_then(|e| e.entities.as_ref())
        .or(st.entities.as_ref())?;
    let urls = ents.urls.as_ref()?;
    Some(
        urls.iter()
            .filter_map(|u| {
                u.expanded_url
                    .as_deref()
                    .or(u.url.as_deref())
                    .map(Cow::Borrowed)
            })
            .collect(),
    )
}

fn has_media(st: &Status<'_>) -> bool {
    let ext = st.extended_entities.as_ref().and_then(|e| e.media.as_ref());
    let ext2 = st
        .extended_tweet
        .as_ref()
        .and_then(|e| e.extended_entities.as_ref())
        .and_then(|e| e.media.as_ref());
    let plain = st.entities.as_ref().and_then(|e| e.media.as_ref());
    [ext, ext2, plain]
        .iter()
        .any(|m| m.is_some_and(|v| !v.is_empty()))
}

fn convert(st: &Status<'_>, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    out.rows_in += 1;
    if st.delete.is_some() || st.limit.is_some() {
        out.reject(
            line,
            None,
            RejectKind::UnknownJsonObject,
            "a stream notice (delete or limit), not a post".into(),
            None,
        );
        return;
    }
    let id = id_of(&st.id_str, &st.id);
    let Some(parsed) = st
        .created_at
        .as_deref()
        .and_then(|c| ctx.time_parser.parse(c))
    else {
        reject_timestamp(
            out,
            line,
            st.created_at.as_deref(),
            "created_at",
            "status",
            id,
        );
        return;
    };
    let body = PostBody::of(st);
    if body.text.len() > ctx.max_field_bytes {
        reject_long_text(out, line, id, body.text.len(), ctx.max_field_bytes);
        return;
    }
    let user = st.user.as_ref();
    let rec = PostRecord {
        id: Cow::Borrowed(id),
        created_at: parsed.ms,
        naive_time: parsed.naive,
        author_id: Cow::Borrowed(user.map(|u| id_of(&u.id_str, &u.id)).unwrap_or("")),
        handle: Cow::Borrowed(user.map(|u| s(&u.screen_name)).unwrap_or("")),
        text: body.text,
        lang: Cow::Borrowed(s(&st.lang)),
        kind: body.kind,
        ref_id: Cow::Borrowed(body.ref_id),
        hashtags: None,
        mentions: None,
        urls: body.urls,
        has_media: body.media,
        metrics: metrics_of(st),
        community: Cow::Borrowed(""),
        line,
        raw: None,
    };
    out.push(rec);
}

/// What a status says and what it answers: a retweet carries its original's text, links
/// and media.
struct PostBody<'a> {
    kind: PostKind,
    ref_id: &'a str,
    text: Cow<'a, str>,
    urls: Option<Vec<Cow<'a, str>>>,
    media: bool,
}

impl<'a> PostBody<'a> {
    fn of(st: &'a Status<'a>) -> PostBody<'a> {
        if let Some(rt) = &st.retweeted_status {
            let rt_handle = rt.user.as_ref().map(|u| s(&u.screen_name)).unwrap_or("");
            return PostBody {
                kind: PostKind::Retweet,
                ref_id: id_of(&rt.id_str, &rt.id),
                text: Cow::Owned(format!(
                    "RT @{rt_handle}: {}",
                    text::unescape_html_entities(full_text(rt))
                )),
                urls: urls_of(rt),
                media: has_media(st) || has_media(rt),
            };
        }
        let quoted = id_of(&st.quoted_status_id_str, &st.quoted_status_id);
        let reply = id_of(&st.in_reply_to_status_id_str, &st.in_reply_to_status_id);
        let (kind, ref_id) = if !quoted.is_empty() {
            (PostKind::Quote, quoted)
        } else if !reply.is_empty() {
            (PostKind::Reply, reply)
        } else {
            (PostKind::Original, "")
        };
        PostBody {
            kind,
            ref_id,
            text: text::unescape_html_entities(full_text(st)),
            urls: urls_of(st),
            media: has_media(st),
        }
    }
}

fn reject_long_text(out: &mut ChunkBuilder, line: u64, id: &str, len: usize, limit: usize) {
    out.reject(
        line,
        Some("text"),
        RejectKind::FieldTooLarge,
        format!("text of status {id} is {len} bytes, above the {limit} byte limit"),
        None,
    );
}

/// The status's counts; a count above `u32` is held at its largest value.
fn metrics_of(st: &Status<'_>) -> Metrics {
    let c = crate::model::metric_count;
    Metrics {
        reposts: c(st.retweet_count),
        replies: c(st.reply_count),
        likes: c(st.favorite_count),
        quotes: c(st.quote_count),
    }
}

/// One status (a line of v1.1 JSONL, or an element of an array).
pub fn status_value(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let st: Status = serde_json::from_slice(bytes)?;
    if st.user.is_none() && st.delete.is_none() && st.limit.is_none() {
        return Err(serde::de::Error::custom("no user object"));
    }
    convert(&st, line, ctx, out);
    Ok(())
}

/// A search response: `{"search_metadata": ..., "statuses": [...]}`.
pub fn search_response(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let sr: Search = serde_json::from_slice(bytes)?;
    for st in &sr.statuses {
        convert(st, line, ctx, out);
    }
    Ok(())
}

/// Twitter API v1.1 statuses (and stream notices), one per line or in an array.
pub struct StatusReader;

impl crate::load::readers::JsonReader for StatusReader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::TwitterV1
    }
    fn recognises(&self, o: &serde_json::Map<String, serde_json::Value>) -> bool {
        let has = |k: &str| o.contains_key(k);
        (has("user") && (has("id_str") || has("full_text") || has("text") || has("created_at")))
            || has("delete")
            || has("limit")
            || has("scrub_geo")
            || has("status_withheld")
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"id_str\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        status_value(bytes, line, ctx, out)
    }
}

/// A Twitter API v1.1 search response (`statuses`).
pub struct SearchReader;

impl crate::load::readers::JsonReader for SearchReader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::TwitterV1Search
    }
    fn recognises(&self, o: &serde_json::Map<String, serde_json::Value>) -> bool {
        o.get("statuses").is_some_and(serde_json::Value::is_array)
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"statuses\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        search_response(bytes, line, ctx, out)
    }
}
