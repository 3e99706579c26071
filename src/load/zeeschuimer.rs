//! Zeeschuimer NDJSON captures (the 4CAT browser extension): one item a line, wrapped as
//! `{nav_index, item_id, timestamp_collected, source_platform, source_platform_url,
//! source_url, user_agent, data, id}`. `data` is the platform's own object:
//!
//! - X (`twitter.com`, `x.com`): a GraphQL tweet (`rest_id`, `legacy.full_text`,
//!   `legacy.created_at`, `core.user_results.result`), possibly inside
//!   `TweetWithVisibilityResults.tweet`; long posts in `note_tweet`; retweets in
//!   `legacy.retweeted_status_result`.
//! - TikTok (`tiktok.com`): `desc`, `createTime` (epoch s), `author.uniqueId`, hashtags in
//!   `challenges[].title` and `textExtra[].hashtagName`, counts in `stats`.
//! - TikTok comments (`tiktok-comments`): `cid`, `text`, `create_time`, `user.unique_id`.
//! - Instagram (`instagram.com`): `caption.text`, `taken_at` (epoch s), `user.username`,
//!   `code` (the shortcode) or `id`; GraphQL nodes with `edge_media_to_caption`.
//! - Threads (`threads.net`, `threads.com`): the same media objects as Instagram, sometimes
//!   inside `post` or `thread_items[].post`.
//! - LinkedIn (`linkedin.com`): `commentary.text.text`, `actor.name.text`, the activity
//!   URN (`updateMetadata.urn`), whose id encodes the time (the top 41 bits are epoch ms).
//!
//! 4CAT's NDJSON exports hold the same items with the wrapper merged in as
//! `__import_meta`. A post without its own time takes `timestamp_collected`, and the load
//! warns.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{at, count_at, emit, first_str, id_at, str_at, strings_at, time_at};
use crate::load::readers::{JsonReader, parse_recognised, str_of};
use crate::load::report::RejectKind;
use crate::model::{Format, Metrics, PostKind};

pub struct Reader;

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::Zeeschuimer
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        (o.contains_key("source_platform") && o.contains_key("data"))
            || o.get("__import_meta")
                .is_some_and(|m| m.get("source_platform").is_some())
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"source_platform\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let v = parse_recognised(self, bytes)?;
        // parse_recognised returns only objects it recognised.
        let Some(o) = v.as_object() else {
            return Err(serde::de::Error::custom("not a JSON object"));
        };
        // Zeeschuimer's own export wraps the item in `data`; 4CAT's NDJSON merges the
        // wrapper into the item as `__import_meta`.
        let (meta, data) = match o.get("__import_meta") {
            Some(m) => (m.as_object().unwrap_or(o), &v),
            None => (o, &o["data"]),
        };
        let platform = str_of(meta, "source_platform").to_ascii_lowercase();
        let collected = meta.get("timestamp_collected");
        match platform.as_str() {
            "twitter.com" | "x.com" | "twitter" | "x" => x_post(data, line, ctx, out),
            "tiktok.com" | "tiktok" => tiktok_video(data, collected, line, ctx, out),
            "tiktok-comments" | "tiktok.com-comments" => tiktok_comment(data, line, ctx, out),
            "instagram.com" | "instagram" => instagram_media(data, collected, line, ctx, out),
            "threads.net" | "threads.com" | "threads" => {
                let media = at(data, "post")
                    .or_else(|| at(data, "thread_items.0.post"))
                    .unwrap_or(data);
                instagram_media(media, collected, line, ctx, out)
            }
            "linkedin.com" | "linkedin" => linkedin_update(data, collected, line, ctx, out),
            other => {
                out.rows_in += 1;
                out.reject(
                    line,
                    Some("source_platform"),
                    RejectKind::UnknownJsonObject,
                    format!(
                        "a Zeeschuimer item from {other:?}, a platform derail does not read yet"
                    ),
                    None,
                );
            }
        }
        Ok(())
    }
}

/// The tweet object of a GraphQL result (unwrapping `TweetWithVisibilityResults`).
fn tweet_of(v: &Value) -> &Value {
    match at(v, "tweet") {
        Some(t) if t.is_object() => t,
        _ => v,
    }
}

fn x_text(t: &Value) -> Cow<'_, str> {
    let text = str_at(t, "note_tweet.note_tweet_results.result.text")
        .or_else(|| str_at(t, "legacy.full_text"))
        .unwrap_or("");
    Cow::Owned(crate::text::unescape_html_entities(text).into_owned())
}

fn x_handle(t: &Value) -> &str {
    first_str(
        t,
        &[
            "core.user_results.result.legacy.screen_name",
            "core.user_results.result.core.screen_name",
        ],
    )
    .unwrap_or("")
}

fn x_post(data: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let t = tweet_of(data);
    let id = id_at(t, &["rest_id", "legacy.id_str"]).unwrap_or_default();
    let mut text = x_text(t);
    let mut kind = PostKind::Original;
    let mut ref_id = Cow::Borrowed("");
    if let Some(rt) = at(t, "legacy.retweeted_status_result.result").map(tweet_of) {
        kind = PostKind::Retweet;
        ref_id = id_at(rt, &["rest_id", "legacy.id_str"]).unwrap_or_default();
        text = Cow::Owned(format!("RT @{}: {}", x_handle(rt), x_text(rt)));
    } else if let Some(q) = id_at(
        t,
        &[
            "quoted_status_result.result.rest_id",
            "legacy.quoted_status_id_str",
        ],
    ) {
        kind = PostKind::Quote;
        ref_id = q;
    } else if let Some(r) = id_at(t, &["legacy.in_reply_to_status_id_str"]) {
        kind = PostKind::Reply;
        ref_id = r;
    }
    let has_media = at(t, "legacy.extended_entities.media")
        .or_else(|| at(t, "legacy.entities.media"))
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty());
    let rec = PostRecord {
        id,
        author_id: id_at(
            t,
            &["core.user_results.result.rest_id", "legacy.user_id_str"],
        )
        .unwrap_or_default(),
        handle: Cow::Borrowed(x_handle(t)),
        text,
        lang: Cow::Borrowed(str_at(t, "legacy.lang").unwrap_or("")),
        kind,
        ref_id,
        hashtags: Some(strings_at(t, "legacy.entities.hashtags", &["text"])),
        mentions: Some(strings_at(
            t,
            "legacy.entities.user_mentions",
            &["screen_name"],
        )),
        urls: Some(strings_at(
            t,
            "legacy.entities.urls",
            &["expanded_url", "url"],
        )),
        has_media,
        metrics: Metrics {
            reposts: count_at(t, &["legacy.retweet_count"]),
            replies: count_at(t, &["legacy.reply_count"]),
            likes: count_at(t, &["legacy.favorite_count"]),
            quotes: count_at(t, &["legacy.quote_count"]),
        },
        line,
        ..Default::default()
    };
    emit(out, ctx, "post", time_at(t, &["legacy.created_at"]), rec);
}

/// The post's own time, else the capture time (with a warning).
fn own_or_collected<'v>(
    data: &'v Value,
    paths: &[&'static str],
    collected: Option<&'v Value>,
    line: u64,
    out: &mut ChunkBuilder,
) -> (Option<Cow<'v, str>>, &'static str) {
    let own = time_at(data, paths);
    if own.0.is_some() {
        return own;
    }
    match collected.and_then(crate::load::json_value::scalar_text) {
        Some(c) => {
            out.warnings.add(
                "time_from_capture",
                || "items without a time of their own were given the time Zeeschuimer captured them (timestamp_collected)".into(),
                line,
            );
            (Some(c), "timestamp_collected")
        }
        None => own,
    }
}

fn tiktok_video(
    d: &Value,
    collected: Option<&Value>,
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) {
    let mut tags = strings_at(d, "challenges", &["title"]);
    for t in strings_at(d, "textExtra", &["hashtagName"]) {
        if !tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            tags.push(t);
        }
    }
    let rec = PostRecord {
        id: id_at(d, &["id"]).unwrap_or_default(),
        author_id: id_at(d, &["author.id", "authorId"]).unwrap_or_default(),
        handle: Cow::Borrowed(first_str(d, &["author.uniqueId", "author"]).unwrap_or("")),
        text: Cow::Borrowed(str_at(d, "desc").unwrap_or("")),
        lang: Cow::Borrowed(first_str(d, &["textLanguage", "desc_language"]).unwrap_or("")),
        hashtags: Some(tags),
        has_media: true,
        metrics: Metrics {
            reposts: count_at(d, &["stats.shareCount", "statsV2.shareCount"]),
            replies: count_at(d, &["stats.commentCount", "statsV2.commentCount"]),
            likes: count_at(d, &["stats.diggCount", "statsV2.diggCount"]),
            quotes: crate::model::METRIC_NONE,
        },
        line,
        ..Default::default()
    };
    let time = own_or_collected(d, &["createTime"], collected, line, out);
    emit(out, ctx, "video", time, rec);
}

fn tiktok_comment(d: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let parent = id_at(d, &["reply_id"]).filter(|r| r != "0");
    let rec = PostRecord {
        id: id_at(d, &["cid", "id"]).unwrap_or_default(),
        author_id: id_at(d, &["user.uid", "user.id"]).unwrap_or_default(),
        handle: Cow::Borrowed(first_str(d, &["user.unique_id", "user.uniqueId"]).unwrap_or("")),
        text: Cow::Borrowed(str_at(d, "text").unwrap_or("")),
        kind: PostKind::Reply,
        ref_id: parent
            .or_else(|| id_at(d, &["aweme_id"]))
            .unwrap_or_default(),
        metrics: Metrics {
            likes: count_at(d, &["digg_count"]),
            replies: count_at(d, &["reply_comment_total"]),
            ..Metrics::default()
        },
        line,
        ..Default::default()
    };
    emit(out, ctx, "comment", time_at(d, &["create_time"]), rec);
}

fn instagram_media(
    d: &Value,
    collected: Option<&Value>,
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) {
    let text = first_str(
        d,
        &[
            "caption.text",
            "edge_media_to_caption.edges.0.node.text",
            "text_post_app_info.text_fragments.fragments.0.plaintext",
        ],
    )
    .unwrap_or("");
    let rec = PostRecord {
        id: id_at(d, &["code", "shortcode", "id", "pk"]).unwrap_or_default(),
        author_id: id_at(d, &["user.pk", "user.id", "owner.id"]).unwrap_or_default(),
        handle: Cow::Borrowed(first_str(d, &["user.username", "owner.username"]).unwrap_or("")),
        text: Cow::Borrowed(text),
        has_media: at(d, "media_type").is_some()
            || at(d, "image_versions2").is_some()
            || at(d, "display_url").is_some(),
        metrics: Metrics {
            likes: count_at(d, &["like_count", "edge_media_preview_like.count"]),
            replies: count_at(
                d,
                &[
                    "comment_count",
                    "edge_media_to_comment.count",
                    "text_post_app_info.direct_reply_count",
                ],
            ),
            reposts: count_at(d, &["text_post_app_info.repost_count", "reshare_count"]),
            quotes: count_at(d, &["text_post_app_info.quote_count"]),
        },
        line,
        ..Default::default()
    };
    let time = own_or_collected(d, &["taken_at", "taken_at_timestamp"], collected, line, out);
    emit(out, ctx, "post", time, rec);
}

/// The first `urn:li:activity:<N>` in a LinkedIn URN (plain, `fsd_update:(…)` or
/// `aggregate:(…)`), as its number.
fn linkedin_activity(urn: &str) -> Option<&str> {
    let at = urn.find("urn:li:activity:")? + "urn:li:activity:".len();
    let digits = urn[at..].bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0).then(|| &urn[at..at + digits])
}

/// LinkedIn activity ids carry their time: the top 41 bits of the id are epoch ms.
fn linkedin_urn_time(urn: &str) -> Option<String> {
    let id: u64 = linkedin_activity(urn)?.parse().ok()?;
    let ms = id >> 22;
    (1_000_000_000_000..4_000_000_000_000)
        .contains(&ms)
        .then(|| ms.to_string())
}

fn linkedin_update(
    d: &Value,
    collected: Option<&Value>,
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) {
    let urn = first_str(
        d,
        &["updateMetadata.urn", "preDashEntityUrn", "urn", "entityUrn"],
    )
    .unwrap_or("");
    // The handle is the profile path (`in/jdoe`, `company/acme`); the name is the display.
    let profile = str_at(d, "actor.navigationContext.actionTarget")
        .and_then(|u| u.split("linkedin.com/").nth(1))
        .map(|p| p.split('?').next().unwrap_or(p).trim_end_matches('/'));
    let counts = |k: &str| {
        count_at(
            d,
            &[
                &format!("*socialDetail.*totalSocialActivityCounts.{k}"),
                &format!("socialDetail.totalSocialActivityCounts.{k}"),
            ],
        )
    };
    let attributes = at(d, "commentary.text.attributes").and_then(Value::as_array);
    let tags: Vec<Cow<str>> = attributes
        .into_iter()
        .flatten()
        .filter(|a| a.get("type").and_then(Value::as_str) == Some("HASHTAG"))
        .filter_map(|a| a.get("trackingUrn").and_then(Value::as_str))
        .filter_map(|u| u.rsplit(':').next())
        .map(Cow::Borrowed)
        .collect();
    let text = first_str(d, &["commentary.text.text", "commentary.text"]).unwrap_or("");
    let rec = PostRecord {
        id: Cow::Borrowed(linkedin_activity(urn).unwrap_or(urn)),
        author_id: Cow::Borrowed(profile.unwrap_or("")),
        handle: Cow::Borrowed(
            profile
                .or_else(|| str_at(d, "actor.name.text"))
                .unwrap_or(""),
        ),
        text: Cow::Borrowed(text),
        hashtags: (!tags.is_empty()).then_some(tags),
        has_media: at(d, "content").is_some_and(|c| !c.is_null()),
        metrics: Metrics {
            likes: counts("numLikes"),
            replies: counts("numComments"),
            reposts: counts("numShares"),
            quotes: crate::model::METRIC_NONE,
        },
        line,
        ..Default::default()
    };
    let time = match linkedin_urn_time(urn) {
        Some(ms) => (Some(Cow::Owned(ms)), "updateMetadata.urn"),
        None => own_or_collected(d, &["createdAt", "created.time"], collected, line, out),
    };
    emit(out, ctx, "post", time, rec);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkedin_ids_carry_their_time() {
        // 7115203311412948992 >> 22 = 1696396663525 (2023-10-04)
        assert_eq!(
            linkedin_urn_time("urn:li:activity:7115203311412948992").as_deref(),
            Some("1696396663525")
        );
        assert_eq!(linkedin_urn_time("urn:li:activity:12"), None);
        // Checked against a post of known date (2024-02-13T12:30:41Z).
        assert_eq!(
            linkedin_urn_time(
                "urn:li:fsd_update:(urn:li:activity:7163147469877407744,MAIN_FEED,EMPTY)"
            )
            .and_then(|ms| ms.parse::<i64>().ok())
            .map(|ms| ms / 1000),
            Some(1_707_827_441)
        );
        assert_eq!(
            linkedin_activity("urn:li:aggregate:(urn:li:activity:7,urn:li:activity:8)"),
            Some("7")
        );
    }
}
