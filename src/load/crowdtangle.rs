//! CrowdTangle API posts (`/posts`, `/posts/search`, `/links`): the response wrapper
//! `{status, result: {posts: [...], pagination}}`, or bare post objects.
//!
//! `date` is `YYYY-MM-DD HH:MM:SS` in UTC without a zone marker. The text is `message`,
//! else `description`, `title` or `caption`; the account (page, group or profile) is
//! both the author and the post's community. Ids: `platformId`, else `id`/`Id`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{
    at, count_at, emit, first_str, for_each_element, id_at, str_at, strings_at, time_at,
};
use crate::load::readers::{JsonReader, parse_recognised};
use crate::model::{Format, Metrics};

pub struct Reader;

fn is_post(o: &Map<String, Value>) -> bool {
    o.contains_key("platformId") && o.contains_key("account") && o.contains_key("date")
}

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::CrowdTangleApi
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        is_post(o)
            || o.get("result")
                .is_some_and(|r| r.get("posts").is_some_and(Value::is_array))
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"platformId\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let v = parse_recognised(self, bytes)?;
        if v.as_object().is_some_and(is_post) {
            post(&v, line, ctx, out);
            return Ok(());
        }
        for_each_element(bytes, &["result", "posts"], line, |p, line| {
            post(p, line, ctx, out)
        })
    }
}

fn post(p: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let text = first_str(p, &["message", "description", "title", "caption"]).unwrap_or("");
    let mut links = strings_at(p, "expandedLinks", &["expanded", "original"]);
    if links.is_empty()
        && let Some(l) = str_at(p, "link")
    {
        links.push(Cow::Borrowed(l));
    }
    let account = first_str(p, &["account.name", "account.handle"]).unwrap_or("");
    let rec = PostRecord {
        id: id_at(p, &["platformId", "id", "Id"]).unwrap_or_default(),
        author_id: id_at(p, &["account.platformId", "account.id"]).unwrap_or_default(),
        handle: Cow::Borrowed(first_str(p, &["account.handle", "account.name"]).unwrap_or("")),
        text: Cow::Borrowed(text),
        lang: Cow::Borrowed(str_at(p, "languageCode").unwrap_or("")),
        urls: Some(links),
        has_media: at(p, "media")
            .and_then(Value::as_array)
            .is_some_and(|m| !m.is_empty()),
        metrics: Metrics {
            likes: count_at(
                p,
                &[
                    "statistics.actual.likeCount",
                    "statistics.actual.favoriteCount",
                ],
            ),
            reposts: count_at(p, &["statistics.actual.shareCount"]),
            replies: count_at(p, &["statistics.actual.commentCount"]),
            quotes: crate::model::METRIC_NONE,
        },
        community: Cow::Borrowed(account),
        line,
        ..Default::default()
    };
    emit(out, ctx, "post", time_at(p, &["date"]), rec);
}
