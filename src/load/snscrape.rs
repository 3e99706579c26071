//! snscrape `twitter-search --jsonl` output (one `snscrape.modules.twitter.Tweet` per line).

use std::borrow::Cow;

use serde::Deserialize;

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{FlexId, JsonContext, OptStr, reject_timestamp, s};
use crate::load::report::RejectKind;
use crate::model::{Metrics, PostKind};

#[derive(Deserialize, Default)]
struct User<'a> {
    #[serde(default)]
    id: Option<FlexId>,
    #[serde(borrow, default)]
    username: OptStr<'a>,
}

#[derive(Deserialize)]
struct Link<'a> {
    #[serde(borrow, default)]
    url: OptStr<'a>,
}

#[derive(Deserialize)]
struct Mentioned<'a> {
    #[serde(borrow, default)]
    username: OptStr<'a>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Tweet<'a> {
    #[serde(default)]
    id: Option<FlexId>,
    #[serde(borrow, default)]
    date: OptStr<'a>,
    #[serde(borrow, default)]
    rawContent: OptStr<'a>,
    #[serde(borrow, default)]
    content: OptStr<'a>,
    #[serde(borrow, default)]
    renderedContent: OptStr<'a>,
    #[serde(borrow, default)]
    user: Option<User<'a>>,
    #[serde(borrow, default)]
    username: OptStr<'a>,
    #[serde(borrow, default)]
    lang: OptStr<'a>,
    #[serde(borrow, default)]
    retweetedTweet: Option<Box<Tweet<'a>>>,
    #[serde(borrow, default)]
    quotedTweet: Option<Box<Tweet<'a>>>,
    #[serde(default)]
    inReplyToTweetId: Option<FlexId>,
    #[serde(borrow, default)]
    hashtags: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    mentionedUsers: Option<Vec<Mentioned<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<Link<'a>>>,
    #[serde(borrow, default)]
    outlinks: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    media: Option<Vec<serde::de::IgnoredAny>>,
    replyCount: Option<u64>,
    retweetCount: Option<u64>,
    likeCount: Option<u64>,
    quoteCount: Option<u64>,
}

fn text_of<'b>(t: &'b Tweet<'_>) -> &'b str {
    t.rawContent
        .as_deref()
        .or(t.content.as_deref())
        .unwrap_or_else(|| s(&t.renderedContent))
}

fn handle_of<'b>(t: &'b Tweet<'_>) -> &'b str {
    t.user
        .as_ref()
        .and_then(|u| u.username.as_deref())
        .unwrap_or_else(|| s(&t.username))
}

pub fn tweet(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let t: Tweet = serde_json::from_slice(bytes)?;
    if t.rawContent.is_none() && t.content.is_none() && t.renderedContent.is_none() {
        return Err(serde::de::Error::custom("no rawContent or content"));
    }
    out.rows_in += 1;
    let id = t.id.as_ref().map(|f| f.0.as_str()).unwrap_or("");
    let Some(parsed) = t.date.as_deref().and_then(|d| ctx.time_parser.parse(d)) else {
        reject_timestamp(out, line, t.date.as_deref(), "date", "tweet", id);
        return Ok(());
    };
    let mut kind = PostKind::Original;
    let mut ref_id = String::new();
    let mut text: Cow<str> = Cow::Borrowed(text_of(&t));
    if let Some(rt) = &t.retweetedTweet {
        kind = PostKind::Retweet;
        ref_id = rt.id.as_ref().map(|f| f.0.clone()).unwrap_or_default();
        text = Cow::Owned(format!("RT @{}: {}", handle_of(rt), text_of(rt)));
    } else if let Some(q) = &t.quotedTweet {
        kind = PostKind::Quote;
        ref_id = q.id.as_ref().map(|f| f.0.clone()).unwrap_or_default();
    } else if let Some(r) = t.inReplyToTweetId.as_ref().filter(|r| !r.0.is_empty()) {
        kind = PostKind::Reply;
        ref_id = r.0.clone();
    }
    if text.len() > ctx.max_field_bytes {
        out.reject(
            line,
            Some("rawContent"),
            RejectKind::FieldTooLarge,
            format!(
                "text of tweet {id} is {} bytes, above the {} byte limit",
                text.len(),
                ctx.max_field_bytes
            ),
            None,
        );
        return Ok(());
    }
    let urls: Option<Vec<Cow<str>>> = match (&t.links, &t.outlinks) {
        (Some(l), _) if !l.is_empty() => Some(l.iter().filter_map(|x| x.url.clone()).collect()),
        (_, Some(o)) if !o.is_empty() => Some(o.clone()),
        _ => None,
    };
    let c = crate::model::metric_count;
    let author_id = t
        .user
        .as_ref()
        .and_then(|u| u.id.as_ref())
        .map(|f| f.0.as_str())
        .unwrap_or("");
    let hashtags = if kind == PostKind::Retweet {
        None
    } else {
        t.hashtags.clone()
    };
    let rec = PostRecord {
        id: Cow::Borrowed(id),
        created_at: parsed.ms,
        naive_time: parsed.naive,
        author_id: Cow::Borrowed(author_id),
        handle: Cow::Borrowed(handle_of(&t)),
        text,
        lang: Cow::Borrowed(s(&t.lang)),
        kind,
        ref_id: Cow::Owned(ref_id),
        hashtags,
        mentions: t
            .mentionedUsers
            .as_ref()
            .map(|m| m.iter().filter_map(|u| u.username.clone()).collect()),
        urls,
        has_media: t.media.as_ref().is_some_and(|m| !m.is_empty()),
        metrics: Metrics {
            reposts: c(t.retweetCount),
            replies: c(t.replyCount),
            likes: c(t.likeCount),
            quotes: c(t.quoteCount),
        },
        community: Cow::Borrowed(""),
        line,
        raw: None,
    };
    out.push(rec);
    Ok(())
}

/// snscrape `--jsonl` tweets.
pub struct Reader;

impl crate::load::readers::JsonReader for Reader {
    fn format(&self) -> crate::model::Format {
        crate::model::Format::Snscrape
    }
    fn recognises(&self, o: &serde_json::Map<String, serde_json::Value>) -> bool {
        crate::load::readers::str_of(o, "_type").starts_with("snscrape")
            || o.contains_key("rawContent")
            || o.contains_key("renderedContent")
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"_type\": \"snscrape", "\"rawContent\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        tweet(bytes, line, ctx, out)
    }
}
