//! Telegram messages as Telethon writes them (`message.to_dict()`, one per line or in an
//! array; also 4CAT's Telegram NDJSON): `{_: "Message", id, peer_id: {_: "PeerChannel",
//! channel_id}, date, message, from_id, fwd_from, reply_to: {reply_to_msg_id}, entities,
//! views, forwards, replies: {replies}, reactions, media}`. `date` is ISO 8601 or epoch
//! seconds. 4CAT's Telegram NDJSON is the same with `_type` for `_`, float epoch dates,
//! and the chat and sender in `_chat` and `_sender`. Service messages (`MessageService`) are counted as "not posts". A message's
//! id is `{channel id}/{message id}`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{at, count_at, emit, first_str, id_at, str_at, time_at};
use crate::load::readers::{JsonReader, parse_recognised, str_of};
use crate::model::{Format, Metrics, PostKind};

pub struct Reader;

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::Telethon
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        matches!(str_of(o, "_"), "Message" | "MessageService")
            || matches!(str_of(o, "_type"), "Message" | "MessageService")
            || (o.contains_key("peer_id") && o.contains_key("message") && o.contains_key("date"))
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"_\": \"Message\"", "\"_\":\"Message\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let v = parse_recognised(self, bytes)?;
        if str_at(&v, "_").or_else(|| str_at(&v, "_type")) == Some("MessageService") {
            out.rows_in += 1;
            let action = str_at(&v, "action._")
                .or_else(|| str_at(&v, "action._type"))
                .unwrap_or("a service action");
            out.not_post(line, &format!("a Telegram service message ({action})"));
            return Ok(());
        }
        message(&v, line, ctx, out);
        Ok(())
    }
}

/// The id of a peer object (`{_: PeerChannel, channel_id}`, `PeerUser`, `PeerChat`).
fn peer_id<'v>(v: &'v Value, path: &str) -> Option<Cow<'v, str>> {
    let p = at(v, path)?;
    if let Some(s) = crate::load::json_value::scalar_text(p) {
        return Some(s);
    }
    id_at(p, &["channel_id", "user_id", "chat_id"])
}

fn message(v: &Value, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let chat = peer_id(v, "peer_id").unwrap_or_default();
    let id = id_at(v, &["id"]).unwrap_or_default();
    let (kind, ref_id) = if let Some(f) = at(v, "fwd_from").filter(|f| !f.is_null()) {
        let from = peer_id(f, "from_id").unwrap_or_default();
        let post = id_at(f, &["channel_post"]).unwrap_or_default();
        (PostKind::Retweet, Cow::Owned(format!("{from}/{post}")))
    } else if let Some(r) = id_at(v, &["reply_to.reply_to_msg_id"]) {
        (PostKind::Reply, Cow::Owned(format!("{chat}/{r}")))
    } else {
        (PostKind::Original, Cow::Borrowed(""))
    };
    let reactions: Option<u64> = at(v, "reactions.results")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r.get("count").and_then(Value::as_u64))
                .sum()
        });
    let rec = PostRecord {
        id: Cow::Owned(format!("{chat}/{id}")),
        author_id: peer_id(v, "from_id").unwrap_or_else(|| chat.clone()),
        handle: Cow::Borrowed(
            first_str(v, &["_sender.username", "post_author", "sender.username"]).unwrap_or(""),
        ),
        text: Cow::Borrowed(str_at(v, "message").unwrap_or("")),
        kind,
        ref_id,
        has_media: at(v, "media").is_some_and(|m| !m.is_null()),
        metrics: Metrics {
            reposts: count_at(v, &["forwards"]),
            replies: count_at(v, &["replies.replies"]),
            likes: crate::model::metric_count(reactions),
            quotes: crate::model::METRIC_NONE,
        },
        community: Cow::Borrowed(
            first_str(
                v,
                &[
                    "_chat.title",
                    "_chat.username",
                    "chat.title",
                    "chat.username",
                ],
            )
            .unwrap_or(""),
        ),
        line,
        ..Default::default()
    };
    emit(out, ctx, "message", time_at(v, &["date"]), rec);
}
