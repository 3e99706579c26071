//! Telegram Desktop's "Export chat history" JSON: one chat (`{name, type, id,
//! messages[]}`) or a whole account (`{chats: {list: [chat, ...]}}`, also `left_chats`).
//!
//! `text` is a string or an array of strings and entity objects; `text_entities` lists
//! the same text as typed pieces, of which `hashtag`, `mention` and `link`/`text_link`
//! give the post's hashtags, mentions and links. `date` is local time without a zone, so
//! the time is `date_unixtime` (UTC seconds). Forwards (`forwarded_from`) are reposts,
//! `reply_to_message_id` replies; service messages (a channel created, a title changed)
//! are counted as "not posts". A message's id is `{chat id}/{message id}`, its community
//! the chat's name.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::JsonContext;
use crate::load::json_value::{
    Element, at, elements_at, emit, id_at, scalar_text, str_at, time_at,
};
use crate::load::readers::JsonReader;
use crate::model::{Format, Metrics, PostKind};

pub struct Reader;

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::TelegramDesktop
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        (o.get("messages").is_some_and(Value::is_array)
            && (o.contains_key("type") || o.contains_key("name")))
            || o.get("chats")
                .is_some_and(|c| c.get("list").is_some_and(Value::is_array))
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"date_unixtime\"", "\"text_entities\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        if let Some(chats) = elements_at(bytes, &["chats", "list"], line) {
            for c in chats {
                chat(&bytes[c.start..c.end], c.line, ctx, out)?;
            }
            if let Some(left) = elements_at(bytes, &["left_chats", "list"], line) {
                for c in left {
                    chat(&bytes[c.start..c.end], c.line, ctx, out)?;
                }
            }
            return Ok(());
        }
        chat(bytes, line, ctx, out)
    }
}

/// The chat's own fields, without its messages.
struct Chat {
    id: String,
    name: String,
}

fn chat_header(bytes: &[u8], messages: &[Element]) -> Result<Chat, serde_json::Error> {
    // Parse the chat object with its messages array cut out, so a 1 GB export is not
    // built as one tree.
    let (head, tail) = match (messages.first(), messages.last()) {
        (Some(f), Some(l)) => (&bytes[..f.start], &bytes[l.end..]),
        _ => (bytes, &b""[..]),
    };
    let mut small = Vec::with_capacity(head.len() + tail.len());
    small.extend_from_slice(head);
    small.extend_from_slice(tail);
    let v: Value = serde_json::from_slice(&small)?;
    Ok(Chat {
        id: id_at(&v, &["id"]).unwrap_or_default().into_owned(),
        name: str_at(&v, "name").unwrap_or("").to_string(),
    })
}

fn chat(
    bytes: &[u8],
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) -> Result<(), serde_json::Error> {
    let Some(messages) = elements_at(bytes, &["messages"], line) else {
        return Err(serde::de::Error::custom(
            "a Telegram chat without a messages array",
        ));
    };
    let chat = chat_header(bytes, &messages)?;
    for m in messages {
        match serde_json::from_slice::<Value>(&bytes[m.start..m.end]) {
            Ok(v) => message(&v, &chat, m.line, ctx, out),
            Err(e) => {
                out.rows_in += 1;
                out.reject(
                    m.line + e.line().saturating_sub(1) as u64,
                    None,
                    crate::load::report::RejectKind::InvalidJson,
                    format!("invalid JSON in a message at column {}: {e}", e.column()),
                    None,
                );
            }
        }
    }
    Ok(())
}

/// The message text: a string, or an array of strings and `{type, text}` pieces.
fn message_text(v: &Value) -> Cow<'_, str> {
    match at(v, "text") {
        Some(Value::String(s)) => Cow::Borrowed(s),
        Some(Value::Array(parts)) => {
            let mut s = String::new();
            for p in parts {
                match p {
                    Value::String(t) => s.push_str(t),
                    Value::Object(o) => {
                        if let Some(t) = o.get("text").and_then(Value::as_str) {
                            s.push_str(t);
                        }
                    }
                    _ => {}
                }
            }
            Cow::Owned(s)
        }
        _ => Cow::Borrowed(""),
    }
}

/// The hashtags, mentions and links of a message.
#[derive(Default)]
struct Entities<'v> {
    tags: Vec<Cow<'v, str>>,
    mentions: Vec<Cow<'v, str>>,
    links: Vec<Cow<'v, str>>,
}

/// Hashtags, mentions and links from the typed pieces of the text.
fn entities(v: &Value) -> Entities<'_> {
    let Entities {
        mut tags,
        mut mentions,
        mut links,
    } = Entities::default();
    let pieces = at(v, "text_entities")
        .or_else(|| at(v, "text"))
        .and_then(Value::as_array);
    for p in pieces.into_iter().flatten() {
        let kind = p.get("type").and_then(Value::as_str).unwrap_or("");
        let text = p.get("text").and_then(Value::as_str).unwrap_or("");
        match kind {
            "hashtag" => tags.push(Cow::Borrowed(text)),
            "mention" => mentions.push(Cow::Borrowed(text)),
            "mention_name" => {
                if let Some(id) = p.get("user_id").and_then(scalar_text) {
                    mentions.push(Cow::Owned(id.into_owned()));
                }
            }
            "link" => links.push(Cow::Borrowed(text)),
            "text_link" => {
                if let Some(h) = p.get("href").and_then(Value::as_str) {
                    links.push(Cow::Borrowed(h));
                }
            }
            _ => {}
        }
    }
    Entities {
        tags,
        mentions,
        links,
    }
}

fn message(v: &Value, chat: &Chat, line: u64, ctx: &JsonContext, out: &mut ChunkBuilder) {
    let kind_name = str_at(v, "type").unwrap_or("message");
    if kind_name != "message" {
        out.rows_in += 1;
        let action = str_at(v, "action").unwrap_or(kind_name);
        out.not_post(line, &format!("a Telegram service message ({action})"));
        return;
    }
    let msg_id = id_at(v, &["id"]).unwrap_or_default();
    let Entities {
        tags,
        mentions,
        links,
    } = entities(v);
    let (kind, ref_id) = if v.get("forwarded_from").is_some() {
        let from = id_at(v, &["forwarded_from_id", "forwarded_from"]).unwrap_or_default();
        (PostKind::Retweet, Cow::Owned(format!("forward:{from}")))
    } else if let Some(r) = id_at(v, &["reply_to_message_id"]) {
        let peer = id_at(v, &["reply_to_peer_id"])
            .map(|p| p.into_owned())
            .unwrap_or_else(|| chat.id.clone());
        (PostKind::Reply, Cow::Owned(format!("{peer}/{r}")))
    } else {
        (PostKind::Original, Cow::Borrowed(""))
    };
    let reactions: u64 = at(v, "reactions")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r.get("count").and_then(Value::as_u64))
                .sum()
        })
        .unwrap_or(0);
    let rec = PostRecord {
        id: Cow::Owned(format!("{}/{msg_id}", chat.id)),
        author_id: id_at(v, &["from_id", "actor_id"]).unwrap_or_default(),
        handle: Cow::Borrowed(str_at(v, "from").unwrap_or(&chat.name)),
        text: message_text(v),
        kind,
        ref_id,
        hashtags: Some(tags),
        mentions: Some(mentions),
        urls: Some(links),
        has_media: v.get("media_type").is_some()
            || v.get("photo").is_some()
            || v.get("file").is_some(),
        metrics: Metrics {
            likes: crate::model::metric_count(v.get("reactions").is_some().then_some(reactions)),
            ..Metrics::default()
        },
        line,
        community: Cow::Borrowed(&chat.name),
        ..Default::default()
    };
    emit(
        out,
        ctx,
        "message",
        time_at(v, &["date_unixtime", "date"]),
        rec,
    );
}
