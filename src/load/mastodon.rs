//! Mastodon status JSON (`GET /api/v1/timelines/tag/:hashtag` and friends): an array, or
//! one status per line. The HTML `content` is turned into plain text.

use std::borrow::Cow;

use serde::Deserialize;

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{FlexId, JsonContext, OptStr, reject_timestamp, s};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind};
use crate::text;

#[derive(Deserialize, Default)]
struct Account<'a> {
    #[serde(default)]
    id: Option<FlexId>,
    #[serde(borrow, default)]
    acct: OptStr<'a>,
    #[serde(borrow, default)]
    username: OptStr<'a>,
}

#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(borrow, default)]
    name: OptStr<'a>,
}

#[derive(Deserialize)]
struct Mention<'a> {
    #[serde(borrow, default)]
    acct: OptStr<'a>,
}

#[derive(Deserialize)]
struct Card<'a> {
    #[serde(borrow, default)]
    url: OptStr<'a>,
}

#[derive(Deserialize)]
struct Quote<'a> {
    #[serde(borrow, default)]
    quoted_status: Option<Box<Status<'a>>>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(default)]
    id: Option<FlexId>,
    #[serde(borrow, default)]
    created_at: OptStr<'a>,
    #[serde(borrow, default)]
    content: OptStr<'a>,
    #[serde(borrow, default)]
    spoiler_text: OptStr<'a>,
    #[serde(borrow, default)]
    account: Option<Account<'a>>,
    #[serde(borrow, default)]
    reblog: Option<Box<Status<'a>>>,
    #[serde(default)]
    in_reply_to_id: Option<FlexId>,
    #[serde(borrow, default)]
    language: OptStr<'a>,
    #[serde(borrow, default)]
    tags: Option<Vec<Tag<'a>>>,
    #[serde(borrow, default)]
    mentions: Option<Vec<Mention<'a>>>,
    #[serde(default)]
    media_attachments: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(borrow, default)]
    card: Option<Card<'a>>,
    #[serde(borrow, default)]
    quote: Option<Quote<'a>>,
    replies_count: Option<u64>,
    reblogs_count: Option<u64>,
    favourites_count: Option<u64>,
    quotes_count: Option<u64>,
}

fn plain_text(st: &Status<'_>) -> String {
    let body = text::html_to_text(s(&st.content));
    match st.spoiler_text.as_deref() {
        Some(cw) if !cw.trim().is_empty() => format!("CW: {cw}\n{body}"),
        _ => body,
    }
}

pub fn status(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let st: Status = serde_json::from_slice(bytes)?;
    if st.account.is_none() {
        return Err(serde::de::Error::custom("no account"));
    }
    out.rows_in += 1;
    let id = st.id.as_ref().map(|f| f.0.as_str()).unwrap_or("");
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
        return Ok(());
    };
    let acct = st.account.as_ref();
    let handle = acct
        .and_then(|a| a.acct.as_deref().or(a.username.as_deref()))
        .unwrap_or("");
    let author_id = acct
        .and_then(|a| a.id.as_ref())
        .map(|f| f.0.as_str())
        .unwrap_or("");
    let (body_src, kind, ref_id) = kind_of(&st);
    let body = body_of(body_src, kind);
    if body.len() > ctx.max_field_bytes {
        out.reject(
            line,
            Some("content"),
            RejectKind::FieldTooLarge,
            format!(
                "content of status {id} is {} bytes, above the {} byte limit",
                body.len(),
                ctx.max_field_bytes
            ),
            None,
        );
        return Ok(());
    }
    let tags = hashtags_of(body_src, &body);
    let mentions: Vec<Cow<str>> = body_src
        .mentions
        .iter()
        .flatten()
        .filter_map(|m| m.acct.clone())
        .collect();
    let urls = urls_of(body_src, &body);
    let lang = s(&st.language).to_string();
    let rec = PostRecord {
        id: Cow::Borrowed(id),
        created_at: parsed.ms,
        naive_time: parsed.naive,
        author_id: Cow::Borrowed(author_id),
        handle: Cow::Borrowed(handle),
        text: Cow::Owned(body),
        lang: Cow::Owned(lang),
        kind,
        ref_id: Cow::Owned(ref_id),
        hashtags: if tags.is_empty() { None } else { Some(tags) },
        mentions: if mentions.is_empty() {
            None
        } else {
            Some(mentions)
        },
        urls: Some(urls),
        has_media: body_src
            .media_attachments
            .as_ref()
            .is_some_and(|m| !m.is_empty()),
        metrics: metrics_of(&st),
        community: Cow::Borrowed(""),
        line,
        raw: None,
    };
    out.push(rec);
    Ok(())
}

/// The status whose content is the post's text (a reblog carries the reblogged status),
/// the post's kind, and the id of the status it refers to.
fn kind_of<'b, 'a>(st: &'b Status<'a>) -> (&'b Status<'a>, PostKind, String) {
    if let Some(rb) = &st.reblog {
        (
            &**rb,
            PostKind::Retweet,
            rb.id.as_ref().map(|f| f.0.clone()).unwrap_or_default(),
        )
    } else if let Some(q) = st.quote.as_ref().and_then(|q| q.quoted_status.as_ref()) {
        (
            st,
            PostKind::Quote,
            q.id.as_ref().map(|f| f.0.clone()).unwrap_or_default(),
        )
    } else if let Some(r) = st.in_reply_to_id.as_ref().filter(|r| !r.0.is_empty()) {
        (st, PostKind::Reply, r.0.clone())
    } else {
        (st, PostKind::Original, String::new())
    }
}

/// The post's text: the content as plain text, a reblog's as "RT @author: ...".
fn body_of(body_src: &Status<'_>, kind: PostKind) -> String {
    let body = plain_text(body_src);
    if kind != PostKind::Retweet {
        return body;
    }
    let orig = body_src
        .account
        .as_ref()
        .and_then(|a| a.acct.as_deref())
        .unwrap_or("");
    format!("RT @{orig}: {body}")
}

/// Hashtags with their spelling in the text; tags the API lists but the text lacks are
/// added.
fn hashtags_of<'b>(body_src: &'b Status<'_>, body: &str) -> Vec<Cow<'b, str>> {
    let mut tags: Vec<Cow<str>> = text::extract_hashtags(body)
        .into_iter()
        .map(|t| Cow::Owned(t.to_string()))
        .collect();
    for t in body_src
        .tags
        .iter()
        .flatten()
        .filter_map(|t| t.name.clone())
    {
        if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
            tags.push(t);
        }
    }
    tags
}

/// The links in the text, and the preview card's where the text lacks it.
fn urls_of<'b>(body_src: &'b Status<'_>, body: &str) -> Vec<Cow<'b, str>> {
    let mut urls: Vec<Cow<str>> = text::extract_urls(body)
        .into_iter()
        .map(|u| Cow::Owned(u.to_string()))
        .collect();
    if let Some(u) = body_src.card.as_ref().and_then(|c| c.url.clone())
        && !urls.contains(&u)
    {
        urls.push(u);
    }
    urls
}

fn metrics_of(st: &Status<'_>) -> Metrics {
    let c = crate::model::metric_count;
    Metrics {
        reposts: c(st.reblogs_count),
        replies: c(st.replies_count),
        likes: c(st.favourites_count),
        quotes: c(st.quotes_count),
    }
}

/// Mastodon statuses.
pub struct Reader;

impl crate::load::readers::JsonReader for Reader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::Mastodon
    }
    fn recognises(&self, o: &serde_json::Map<String, serde_json::Value>) -> bool {
        o.contains_key("account") && o.contains_key("content")
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"account\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        status(bytes, line, ctx, out)
    }
}
