//! Twitter API v2 as twarc2 writes it: response pages (`data` + `includes`) and flattened
//! tweets (expansions inline).
//!
//! A retweet's `text` in `data` is cut short ("RT @user: …"); its full text comes from the
//! retweeted tweet in `includes.tweets` (pages) or inline in `referenced_tweets` (flat).

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{JsonContext, OptStr, reject_timestamp, s};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind};
use crate::text;

#[derive(Deserialize, Default)]
struct User<'a> {
    #[serde(borrow, default)]
    id: OptStr<'a>,
    #[serde(borrow, default)]
    username: OptStr<'a>,
}

#[derive(Deserialize)]
struct Ref<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: OptStr<'a>,
    #[serde(borrow, default)]
    id: OptStr<'a>,
    // Flattened form: the referenced tweet inline.
    #[serde(borrow, default)]
    text: OptStr<'a>,
    #[serde(borrow, default)]
    author: Option<User<'a>>,
    #[serde(borrow, default)]
    author_id: OptStr<'a>,
    #[serde(borrow, default)]
    note_tweet: Option<Note<'a>>,
    #[serde(borrow, default)]
    entities: Option<Entities<'a>>,
}

#[derive(Deserialize)]
struct Note<'a> {
    #[serde(borrow, default)]
    text: OptStr<'a>,
}

#[derive(Deserialize, Default)]
struct Url<'a> {
    #[serde(borrow, default)]
    expanded_url: OptStr<'a>,
    #[serde(borrow, default)]
    unwound_url: OptStr<'a>,
    #[serde(borrow, default)]
    url: OptStr<'a>,
}

#[derive(Deserialize, Default)]
struct Entities<'a> {
    #[serde(borrow, default)]
    urls: Option<Vec<Url<'a>>>,
}

#[derive(Deserialize, Default)]
struct Attachments {
    #[serde(default)]
    media_keys: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize, Default)]
struct PublicMetrics {
    retweet_count: Option<u64>,
    reply_count: Option<u64>,
    like_count: Option<u64>,
    quote_count: Option<u64>,
}

#[derive(Deserialize)]
struct Tweet<'a> {
    #[serde(borrow, default)]
    id: OptStr<'a>,
    #[serde(borrow, default)]
    text: OptStr<'a>,
    #[serde(borrow, default)]
    author_id: OptStr<'a>,
    #[serde(borrow, default)]
    created_at: OptStr<'a>,
    #[serde(borrow, default)]
    lang: OptStr<'a>,
    #[serde(borrow, default)]
    referenced_tweets: Option<Vec<Ref<'a>>>,
    #[serde(borrow, default)]
    entities: Option<Entities<'a>>,
    #[serde(default)]
    attachments: Option<Attachments>,
    #[serde(default)]
    public_metrics: Option<PublicMetrics>,
    #[serde(borrow, default)]
    note_tweet: Option<Note<'a>>,
    /// Flattened form only.
    #[serde(borrow, default)]
    author: Option<User<'a>>,
}

#[derive(Deserialize, Default)]
struct Includes<'a> {
    #[serde(borrow, default)]
    users: Option<Vec<User<'a>>>,
    #[serde(borrow, default)]
    tweets: Option<Vec<Tweet<'a>>>,
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<Tweet<'a>>>,
    #[serde(borrow, default)]
    includes: Option<Includes<'a>>,
    #[serde(default)]
    errors: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    meta: Option<serde::de::IgnoredAny>,
}

fn metrics_of(m: &Option<PublicMetrics>) -> Metrics {
    let c = crate::model::metric_count;
    match m {
        Some(m) => Metrics {
            reposts: c(m.retweet_count),
            replies: c(m.reply_count),
            likes: c(m.like_count),
            quotes: c(m.quote_count),
        },
        None => Metrics::default(),
    }
}

fn urls_of<'b>(e: &'b Option<Entities<'_>>) -> Option<Vec<Cow<'b, str>>> {
    let urls = e.as_ref()?.urls.as_ref()?;
    let v: Vec<Cow<str>> = urls
        .iter()
        .filter_map(|u| {
            let best = u
                .unwound_url
                .as_deref()
                .or(u.expanded_url.as_deref())
                .or(u.url.as_deref())?;
            Some(Cow::Borrowed(best))
        })
        .collect();
    Some(v)
}

/// The referenced tweet that decides the kind: retweet, then quote, then reply.
fn main_ref<'b, 'a>(refs: &'b Option<Vec<Ref<'a>>>) -> Option<(PostKind, &'b Ref<'a>)> {
    let refs = refs.as_ref()?;
    let rank = |k: &str| match k {
        "retweeted" => Some((3, PostKind::Retweet)),
        "quoted" => Some((2, PostKind::Quote)),
        "replied_to" => Some((1, PostKind::Reply)),
        _ => None,
    };
    refs.iter()
        .filter_map(|r| rank(s(&r.kind)).map(|(n, k)| (n, k, r)))
        .max_by_key(|(n, _, _)| *n)
        .map(|(_, k, r)| (k, r))
}

struct Lookup<'p, 'a> {
    users: FxHashMap<&'p str, &'p str>,
    tweets: FxHashMap<&'p str, &'p Tweet<'a>>,
}

fn convert(
    t: &Tweet<'_>,
    lookup: Option<&Lookup<'_, '_>>,
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) {
    out.rows_in += 1;
    let Some(parsed) = t
        .created_at
        .as_deref()
        .and_then(|c| ctx.time_parser.parse(c))
    else {
        reject_timestamp(
            out,
            line,
            t.created_at.as_deref(),
            "created_at",
            "tweet",
            s(&t.id),
        );
        return;
    };
    let (handle, author_id) = author_of(t, lookup);
    let mut text: Cow<str> = text::unescape_html_entities(full_text(t));
    let mut kind = PostKind::Original;
    let mut ref_id = "";
    let mut urls = urls_of(&t.entities);
    if let Some((k, r)) = main_ref(&t.referenced_tweets) {
        kind = k;
        ref_id = s(&r.id);
        if k == PostKind::Retweet {
            retweet_body(r, lookup, &mut text, &mut urls, line, out);
        }
    }
    if text.len() > ctx.max_field_bytes {
        out.reject(
            line,
            Some("text"),
            RejectKind::FieldTooLarge,
            format!(
                "text of tweet {} is {} bytes, above the {} byte limit",
                s(&t.id),
                text.len(),
                ctx.max_field_bytes
            ),
            None,
        );
        return;
    }
    let has_media = t
        .attachments
        .as_ref()
        .and_then(|a| a.media_keys.as_ref())
        .is_some_and(|m| !m.is_empty());
    let rec = PostRecord {
        id: Cow::Borrowed(s(&t.id)),
        created_at: parsed.ms,
        naive_time: parsed.naive,
        author_id: Cow::Borrowed(author_id),
        handle: Cow::Borrowed(handle),
        text,
        lang: Cow::Borrowed(s(&t.lang)),
        kind,
        ref_id: Cow::Borrowed(ref_id),
        hashtags: None,
        mentions: None,
        urls,
        has_media,
        metrics: metrics_of(&t.public_metrics),
        community: Cow::Borrowed(""),
        line,
        raw: None,
    };
    out.push(rec);
}

/// A tweet's whole text: its note's (a long tweet's) where it has one.
fn full_text<'b>(t: &'b Tweet<'_>) -> &'b str {
    t.note_tweet
        .as_ref()
        .and_then(|n| n.text.as_deref())
        .unwrap_or_else(|| s(&t.text))
}

/// The author's handle and id: expanded inline (flat files) or looked up in the page's
/// `includes` by id.
fn author_of<'b>(t: &'b Tweet<'_>, lookup: Option<&Lookup<'b, '_>>) -> (&'b str, &'b str) {
    let author_id = s(&t.author_id);
    let handle: &str = t
        .author
        .as_ref()
        .and_then(|a| a.username.as_deref())
        .or_else(|| lookup.and_then(|l| l.users.get(author_id).copied()))
        .unwrap_or("");
    let author_id = if author_id.is_empty() {
        t.author.as_ref().map(|a| s(&a.id)).unwrap_or("")
    } else {
        author_id
    };
    (handle, author_id)
}

/// A retweet's text as "RT @author: " and the retweeted tweet's full text, inline (flat)
/// or from the page's `includes`, with its links where the retweet has none. Where the
/// original is not in the file, the retweet's own text stays, cut short, and a warning
/// says so.
fn retweet_body<'b>(
    r: &'b Ref<'_>,
    lookup: Option<&Lookup<'b, '_>>,
    text: &mut Cow<'b, str>,
    urls: &mut Option<Vec<Cow<'b, str>>>,
    line: u64,
    out: &mut ChunkBuilder,
) {
    let included = lookup.and_then(|l| l.tweets.get(s(&r.id)).copied());
    let orig_text = r
        .note_tweet
        .as_ref()
        .and_then(|n| n.text.as_deref())
        .or(r.text.as_deref())
        .or_else(|| included.map(full_text));
    let orig_author = r
        .author
        .as_ref()
        .and_then(|a| a.username.as_deref())
        .or_else(|| {
            let aid = r
                .author_id
                .as_deref()
                .or(included.and_then(|o| o.author_id.as_deref()))?;
            lookup.and_then(|l| l.users.get(aid).copied())
        });
    match (orig_text, orig_author) {
        (Some(ot), Some(oa)) => {
            *text = Cow::Owned(format!("RT @{oa}: {}", text::unescape_html_entities(ot)));
            if urls.as_ref().is_none_or(|u| u.is_empty()) {
                *urls =
                    urls_of(&r.entities).or_else(|| included.and_then(|o| urls_of(&o.entities)));
            }
        }
        (Some(ot), None) if text.starts_with("RT @") => {
            // Keep the "RT @user:" prefix of the short text, full body from the original.
            let prefix = text
                .split_once(": ")
                .map(|(p, _)| p.to_string())
                .unwrap_or_default();
            *text = Cow::Owned(format!("{prefix}: {}", text::unescape_html_entities(ot)));
        }
        _ => {
            if text.ends_with('…') {
                out.warnings.add(
                    "retweet_text_truncated",
                    || "retweets whose original tweet is not in the file: their text stays cut short (\"…\")".into(),
                    line,
                );
            }
        }
    }
}

/// One twarc2 page.
pub fn page(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let p: Page = serde_json::from_slice(bytes)?;
    if p.data.is_none() && p.meta.is_none() && p.includes.is_none() {
        return Err(serde::de::Error::custom(
            "not an API page (no data, includes or meta)",
        ));
    }
    let inc = p.includes.unwrap_or_default();
    let mut lookup = Lookup {
        users: FxHashMap::default(),
        tweets: FxHashMap::default(),
    };
    if let Some(users) = &inc.users {
        for u in users {
            if let (Some(id), Some(name)) = (u.id.as_deref(), u.username.as_deref()) {
                lookup.users.insert(id, name);
            }
        }
    }
    if let Some(tweets) = &inc.tweets {
        for t in tweets {
            if let Some(id) = t.id.as_deref() {
                lookup.tweets.insert(id, t);
            }
        }
    }
    let data = p.data.unwrap_or_default();
    if data.is_empty() {
        out.warnings.add(
            "empty_pages",
            || {
                format!(
                    "API pages without tweets{}",
                    if p.errors.as_ref().is_some_and(|e| !e.is_empty()) {
                        " (they hold only API errors)"
                    } else {
                        ""
                    }
                )
            },
            line,
        );
    }
    for t in &data {
        convert(t, Some(&lookup), line, ctx, out);
    }
    Ok(())
}

/// A page that does not parse (cut short when a collection stopped while writing it, or
/// spoiled further on): the whole tweets that open its `data` are read, as a page without
/// `includes` (a retweet among them keeps its cut text), and the rest is one rejected row,
/// of `kind`, that says why (`why`) and how many tweets were read. The `data` array is
/// reached by walking the keys before it whole, whatever their order, or, where those are
/// spoiled, by its name ([`whole_leading_elements`](crate::load::json_value::whole_leading_elements)).
/// `None` if it cannot be found or no tweet of it is whole.
pub fn salvage_page(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
    (kind, why): (RejectKind, &str),
) -> Option<usize> {
    let tweets: Vec<&[u8]> =
        crate::load::json_value::whole_leading_elements(bytes, &["data"], line)?
            .iter()
            .map(|e| &bytes[e.start..e.end])
            .collect();
    if tweets.is_empty() {
        return None;
    }
    let mut whole = b"{\"data\":[".to_vec();
    for (k, t) in tweets.iter().enumerate() {
        if k > 0 {
            whole.push(b',');
        }
        whole.extend_from_slice(t);
    }
    whole.extend_from_slice(b"]}");
    let rows_before = out.rows_in;
    if page(&whole, line, ctx, out).is_err() {
        out.rows_in = rows_before;
        return None;
    }
    out.rows_in += 1;
    out.reject(
        line,
        None,
        kind,
        format!(
            "API page: {why}; its first {} tweets were read, without the page's includes; \
             the rest of the page is lost",
            tweets.len()
        ),
        None,
    );
    Some(tweets.len())
}

/// One flattened tweet (or a bare v2 tweet object).
pub fn flat(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let t: Tweet = serde_json::from_slice(bytes)?;
    if t.id.is_none() && t.text.is_none() {
        return Err(serde::de::Error::custom("no id or text"));
    }
    convert(&t, None, line, ctx, out);
    Ok(())
}

/// twarc2 JSONL of API response pages.
pub struct PagesReader;

impl crate::load::readers::JsonReader for PagesReader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::Twarc2Pages
    }
    fn recognises(&self, o: &serde_json::Map<String, serde_json::Value>) -> bool {
        let has = |k: &str| o.contains_key(k);
        let page_meta = o.get("meta").is_some_and(|m| {
            m.get("result_count").is_some()
                || m.get("newest_id").is_some()
                || m.get("next_token").is_some()
        });
        has("data") && (has("includes") || page_meta || has("__twarc") || o["data"].is_array())
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"includes\"", "\"__twarc\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        page(bytes, line, ctx, out)
    }
}

/// twarc2 flattened JSONL, one tweet per line.
pub struct FlatReader;

impl crate::load::readers::JsonReader for FlatReader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::Twarc2Flat
    }
    fn recognises(&self, o: &serde_json::Map<String, serde_json::Value>) -> bool {
        let has = |k: &str| o.contains_key(k);
        has("id")
            && (has("text") || has("note_tweet"))
            && (has("author_id") || has("edit_history_tweet_ids") || has("created_at"))
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"author_id\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        flat(bytes, line, ctx, out)
    }
}
