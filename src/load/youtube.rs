//! YouTube Data API v3 responses: comment threads (`youtube#commentThreadListResponse`,
//! each top-level comment with the replies the API included), comments
//! (`youtube#commentListResponse`), videos (`youtube#videoListResponse`) and search
//! results (`youtube#searchListResponse`); as whole responses, or their items one a line.
//!
//! Times are ISO 8601 UTC (`publishedAt`). A comment's text is `textOriginal` (else the
//! HTML `textDisplay`), its author the channel id with the display name as handle, and a
//! reply replies to `parentId` (else the thread's top comment). A comment's community is
//! its video; a video's is its channel. Video statistics are strings.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{
    at, count_at, emit, first_str, for_each_element, id_at, str_at, time_at,
};
use crate::load::readers::{JsonReader, str_of};
use crate::model::{Format, Metrics, PostKind};
use crate::text;

pub struct Reader;

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::YouTube
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        str_of(o, "kind").starts_with("youtube#")
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"youtube#"]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let v: Value = serde_json::from_slice(bytes)?;
        let kind = str_at(&v, "kind").unwrap_or("");
        if !kind.starts_with("youtube#") {
            return Err(serde::de::Error::custom("not a YouTube Data API object"));
        }
        if kind.ends_with("ListResponse") {
            return for_each_element(bytes, &["items"], line, |item, line| {
                resource(item, line, ctx, out)
            });
        }
        resource(&v, line, ctx, out);
        Ok(())
    }
}

fn resource(v: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    match str_at(v, "kind").unwrap_or("") {
        "youtube#commentThread" => {
            let top = at(v, "snippet.topLevelComment");
            if let Some(top) = top {
                comment(top, None, line, ctx, out);
            }
            let top_id = top.and_then(|t| id_at(t, &["id"]));
            for r in at(v, "replies.comments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                comment(r, top_id.as_deref(), line, ctx, out);
            }
        }
        "youtube#comment" => comment(v, None, line, ctx, out),
        "youtube#video" | "youtube#searchResult" | "youtube#playlistItem" => {
            video(v, line, ctx, out)
        }
        other => {
            out.rows_in += 1;
            out.not_post(line, &format!("a YouTube {other} resource"));
        }
    }
}

fn comment(c: &Value, thread: Option<&str>, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let sn = at(c, "snippet").unwrap_or(c);
    let parent = id_at(sn, &["parentId"]).or_else(|| thread.map(Cow::Borrowed));
    let text: Cow<str> = match str_at(sn, "textOriginal") {
        Some(t) => Cow::Borrowed(t),
        None => Cow::Owned(text::html_to_text(str_at(sn, "textDisplay").unwrap_or(""))),
    };
    let rec = PostRecord {
        id: id_at(c, &["id"]).unwrap_or_default(),
        author_id: Cow::Borrowed(str_at(sn, "authorChannelId.value").unwrap_or("")),
        handle: Cow::Borrowed(str_at(sn, "authorDisplayName").unwrap_or("")),
        text,
        kind: if parent.is_some() {
            PostKind::Reply
        } else {
            PostKind::Original
        },
        ref_id: parent.unwrap_or_default(),
        metrics: Metrics {
            likes: count_at(sn, &["likeCount"]),
            ..Metrics::default()
        },
        community: Cow::Borrowed(first_str(sn, &["videoId", "channelId"]).unwrap_or("")),
        line,
        ..Default::default()
    };
    emit(out, ctx, "comment", time_at(sn, &["publishedAt"]), rec);
}

fn video(v: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let sn = at(v, "snippet").unwrap_or(v);
    let title = text::unescape_html_entities(str_at(sn, "title").unwrap_or("")).into_owned();
    let description = str_at(sn, "description").unwrap_or("");
    let text = if description.is_empty() {
        title
    } else {
        format!("{title}\n\n{description}")
    };
    // Creator keywords (`snippet.tags`) are not hashtags: the hashtags are those the
    // title and description carry, found in the text.
    let rec = PostRecord {
        id: id_at(v, &["id.videoId", "contentDetails.videoId", "id"]).unwrap_or_default(),
        author_id: Cow::Borrowed(str_at(sn, "channelId").unwrap_or("")),
        handle: Cow::Borrowed(str_at(sn, "channelTitle").unwrap_or("")),
        lang: Cow::Borrowed(
            first_str(sn, &["defaultLanguage", "defaultAudioLanguage"]).unwrap_or(""),
        ),
        text: Cow::Owned(text),
        has_media: true,
        metrics: Metrics {
            likes: count_at(v, &["statistics.likeCount"]),
            replies: count_at(v, &["statistics.commentCount"]),
            ..Metrics::default()
        },
        community: Cow::Borrowed(str_at(sn, "channelTitle").unwrap_or("")),
        line,
        ..Default::default()
    };
    emit(
        out,
        ctx,
        "video",
        time_at(sn, &["publishedAt", "publishTime"]),
        rec,
    );
}
