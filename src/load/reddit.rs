//! Reddit submissions and comments as the Pushshift and Arctic Shift dumps hold them (one
//! bare "thing" a line), and as the API wraps them (`{kind: "t3", data}`, or a `Listing`
//! of `data.children`).
//!
//! A submission's text is its title and selftext; a comment's is its body, and it replies
//! to `parent_id` (a comment, `t1_…`, or the submission, `t3_…`). `created_utc` may be an
//! integer, a float or a string. The subreddit is the post's community; a crosspost is a
//! repost of its `crosspost_parent`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{at, count_at, emit, for_each_element, id_at, str_at, time_at};
use crate::load::readers::{JsonReader, parse_recognised, str_of};
use crate::model::{Format, Metrics, PostKind};

pub struct Reader;

fn is_thing(o: &Map<String, Value>) -> bool {
    o.contains_key("subreddit")
        && o.contains_key("created_utc")
        && (o.contains_key("title") || o.contains_key("body"))
}

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::Reddit
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        is_thing(o)
            || (matches!(str_of(o, "kind"), "t1" | "t3" | "Listing")
                && o.get("data").is_some_and(Value::is_object))
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"subreddit_id\"", "\"created_utc\""]
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
        if str_of(o, "kind") == "Listing" {
            return for_each_element(bytes, &["data", "children"], line, |child, line| {
                thing(at(child, "data").unwrap_or(child), line, ctx, out)
            });
        }
        let data = if is_thing(o) { &v } else { &o["data"] };
        thing(data, line, ctx, out);
        Ok(())
    }
}

fn thing(t: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let is_comment = t.get("body").is_some() && t.get("title").is_none();
    let (text, kind, ref_id): (Cow<str>, PostKind, Cow<str>) = if is_comment {
        let parent = id_at(t, &["parent_id", "link_id"]).unwrap_or_default();
        (
            Cow::Borrowed(str_at(t, "body").unwrap_or("")),
            PostKind::Reply,
            Cow::Owned(
                parent
                    .trim_start_matches("t1_")
                    .trim_start_matches("t3_")
                    .to_string(),
            ),
        )
    } else {
        let title = str_at(t, "title").unwrap_or("");
        let body = str_at(t, "selftext").unwrap_or("");
        let text = if body.is_empty() {
            Cow::Borrowed(title)
        } else {
            Cow::Owned(format!("{title}\n\n{body}"))
        };
        match id_at(t, &["crosspost_parent"]) {
            Some(p) => (
                text,
                PostKind::Retweet,
                Cow::Owned(p.trim_start_matches("t3_").to_string()),
            ),
            None => (text, PostKind::Original, Cow::Borrowed("")),
        }
    };
    let link = if t.get("is_self") == Some(&Value::Bool(false)) {
        str_at(t, "url").map(|u| vec![Cow::Borrowed(u)])
    } else {
        None
    };
    let has_media = t.get("is_video") == Some(&Value::Bool(true))
        || t.get("gallery_data").is_some_and(|g| !g.is_null())
        || matches!(
            str_at(t, "post_hint"),
            Some("image" | "hosted:video" | "rich:video")
        );
    let rec = PostRecord {
        id: id_at(t, &["id"]).unwrap_or_default(),
        author_id: id_at(t, &["author_fullname"]).unwrap_or_default(),
        handle: Cow::Borrowed(str_at(t, "author").unwrap_or("")),
        text,
        kind,
        ref_id,
        urls: link.map(|mut l| {
            for u in crate::text::extract_urls(str_at(t, "selftext").unwrap_or("")) {
                l.push(Cow::Owned(u.to_string()));
            }
            l
        }),
        has_media,
        metrics: Metrics {
            likes: count_at(t, &["score", "ups"]),
            replies: count_at(t, &["num_comments"]),
            reposts: count_at(t, &["num_crossposts"]),
            quotes: crate::model::METRIC_NONE,
        },
        community: Cow::Borrowed(str_at(t, "subreddit").unwrap_or("")),
        line,
        ..Default::default()
    };
    let noun = if is_comment { "comment" } else { "submission" };
    emit(out, ctx, noun, time_at(t, &["created_utc", "created"]), rec);
}
