//! TikTok Research API results: videos (`/v2/research/video/query/`) and comments
//! (`/v2/research/video/comment/list/`), as the response wrapper (`{data: {videos |
//! comments, cursor, has_more, search_id}, error}`) or as bare objects and arrays.
//!
//! Every field is optional (the API returns what `fields=` asked for). Ids are int64 and
//! may be numbers. A video's text is its description; hashtags come from `hashtag_names`
//! (or `hashtag_info_list`); the author is `username` (the API gives no author id).
//! Comments are anonymised: no author. A comment replies to `parent_comment_id`, which
//! for a top-level comment is the video.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{
    count_at, emit, for_each_element, id_at, str_at, strings_at, time_at,
};
use crate::load::readers::{JsonReader, parse_recognised};
use crate::model::{Format, Metrics, PostKind};

pub struct Reader;

fn is_video(o: &Map<String, Value>) -> bool {
    o.contains_key("create_time")
        && (o.contains_key("video_description")
            || o.contains_key("hashtag_names")
            || o.contains_key("music_id")
            || o.contains_key("region_code"))
}

fn is_comment(o: &Map<String, Value>) -> bool {
    o.contains_key("create_time") && o.contains_key("video_id") && o.contains_key("text")
}

fn is_wrapper(o: &Map<String, Value>) -> bool {
    o.get("data")
        .is_some_and(|d| d.get("videos").is_some() || d.get("comments").is_some())
}

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::TikTokResearch
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        is_wrapper(o) || is_video(o) || is_comment(o)
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"video_description\"", "\"hashtag_names\""]
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
        if is_wrapper(o) {
            for key in ["videos", "comments"] {
                for_each_element(bytes, &["data", key], line, |item, line| {
                    one(item, key == "comments", line, ctx, out)
                })?;
            }
            return Ok(());
        }
        one(&v, is_comment(o) && !is_video(o), line, ctx, out);
        Ok(())
    }
}

fn one(v: &Value, comment: bool, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let id = id_at(v, &["id", "video_id"]).unwrap_or_default();
    let rec = if comment {
        let parent = id_at(v, &["parent_comment_id"])
            .or_else(|| id_at(v, &["video_id"]))
            .unwrap_or_default();
        PostRecord {
            id,
            text: Cow::Borrowed(str_at(v, "text").unwrap_or("")),
            kind: PostKind::Reply,
            ref_id: parent,
            metrics: Metrics {
                likes: count_at(v, &["like_count"]),
                replies: count_at(v, &["reply_count"]),
                ..Metrics::default()
            },
            line,
            ..Default::default()
        }
    } else {
        let mut tags = strings_at(v, "hashtag_names", &[]);
        if tags.is_empty() {
            tags = strings_at(v, "hashtag_info_list", &["hashtag_name"]);
        }
        PostRecord {
            id,
            handle: Cow::Borrowed(str_at(v, "username").unwrap_or("")),
            text: Cow::Borrowed(str_at(v, "video_description").unwrap_or("")),
            hashtags: Some(tags),
            mentions: Some(strings_at(v, "video_mention_list", &[])),
            has_media: true,
            metrics: Metrics {
                likes: count_at(v, &["like_count"]),
                replies: count_at(v, &["comment_count"]),
                reposts: count_at(v, &["share_count"]),
                quotes: crate::model::METRIC_NONE,
            },
            line,
            ..Default::default()
        }
    };
    let noun = if comment { "comment" } else { "video" };
    emit(out, ctx, noun, time_at(v, &["create_time"]), rec);
}
