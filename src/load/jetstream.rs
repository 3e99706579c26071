//! Bluesky repository events: Jetstream (`{did, time_us, kind, commit: {operation,
//! collection, rkey, record}}`, NDJSON or a JSON array) and the "tap" collector's records
//! (`{id, type: "record", record: {did, collection, rkey, action, record}}`).
//!
//! Only created `app.bsky.feed.post` records are posts; a created `app.bsky.feed.repost`
//! is a repost of its subject by the reposting account. Likes, follows, blocks, profile
//! changes, deletions, identity and account events are counted as "not posts" by kind.
//! A post's id is its `at://{did}/{collection}/{rkey}` URI; its author is the DID.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::load::bluesky::{Record, record_post};
use crate::load::builder::{ChunkBuilder, PostRecord};
use crate::load::json::{JsonContext, OptStr, reject_timestamp, s};
use crate::load::readers::{JsonReader, str_of};
use crate::load::report::RejectKind;
use crate::model::{Format, PostKind};

/// A repository commit: Jetstream's `commit`, or a tap record's inner `record` (which
/// also names its `did`, and says `action` for `operation`).
#[derive(Deserialize)]
struct Commit<'a> {
    #[serde(borrow, default)]
    did: OptStr<'a>,
    #[serde(borrow, default, alias = "action")]
    operation: OptStr<'a>,
    #[serde(borrow, default)]
    collection: OptStr<'a>,
    #[serde(borrow, default)]
    rkey: OptStr<'a>,
    #[serde(borrow, default)]
    record: Option<Record<'a>>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, default)]
    did: OptStr<'a>,
    #[serde(default)]
    time_us: Option<i64>,
    #[serde(borrow, default)]
    kind: OptStr<'a>,
    #[serde(borrow, default)]
    commit: Option<Commit<'a>>,
}

#[derive(Deserialize)]
struct Tap<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: OptStr<'a>,
    #[serde(borrow, default)]
    record: Option<Commit<'a>>,
}

/// What a non-post event is, for the report ("a like (app.bsky.feed.like)").
fn not_post_name(kind: &str, operation: &str, collection: &str) -> String {
    if kind != "commit" && !kind.is_empty() && kind != "record" {
        return format!("a Jetstream {kind} event");
    }
    let noun = match collection {
        "app.bsky.feed.like" => "a like",
        "app.bsky.graph.follow" => "a follow",
        "app.bsky.graph.block" => "a block",
        "app.bsky.actor.profile" => "a profile change",
        "app.bsky.feed.repost" => "a repost",
        "app.bsky.feed.post" => "a post",
        "app.bsky.graph.listitem" => "a list entry",
        _ => "a record",
    };
    match operation {
        "create" | "" => format!("{noun} ({collection})"),
        op => format!("{noun} {op} ({collection})"),
    }
}

/// One repository commit, whichever collector wrote it.
struct CommitView<'r, 'a> {
    did: &'r str,
    operation: &'r str,
    collection: &'r str,
    rkey: &'r str,
    record: Option<&'r Record<'a>>,
    /// When the collector saw it (Jetstream's `time_us`), used when the record has no time.
    seen_us: Option<i64>,
}

fn convert_commit(
    c: CommitView<'_, '_>,
    kind: &str,
    line: u64,
    ctx: &JsonContext,
    out: &mut ChunkBuilder,
) {
    out.rows_in += 1;
    let is_post = c.collection == "app.bsky.feed.post";
    let is_repost = c.collection == "app.bsky.feed.repost";
    if c.operation != "create" || !(is_post || is_repost) {
        out.not_post(line, &not_post_name(kind, c.operation, c.collection));
        return;
    }
    let uri = format!("at://{}/{}/{}", c.did, c.collection, c.rkey);
    let Some(record) = c.record else {
        out.reject(
            line,
            Some("commit.record"),
            RejectKind::MissingText,
            format!("{uri} has no record"),
            None,
        );
        return;
    };
    let created = record.createdAt.as_deref();
    let seen = c.seen_us.map(|us| us.to_string());
    let time_src = created.or(seen.as_deref());
    let Some(parsed) = time_src.and_then(|t| ctx.time_parser.parse(t)) else {
        reject_timestamp(out, line, time_src, "record.createdAt", "post", &uri);
        return;
    };
    let rec = if is_repost {
        let subject = record
            .subject
            .as_ref()
            .and_then(|v| v.get("uri"))
            .and_then(Value::as_str)
            .unwrap_or("");
        PostRecord {
            id: Cow::Owned(uri),
            author_id: Cow::Borrowed(c.did),
            kind: PostKind::Retweet,
            ref_id: Cow::Borrowed(subject),
            hashtags: Some(Vec::new()),
            mentions: Some(Vec::new()),
            urls: Some(Vec::new()),
            created_at: parsed.ms,
            naive_time: parsed.naive,
            line,
            ..Default::default()
        }
    } else {
        let (kind, ref_id, fields) = record_post(record);
        if fields.text.len() > ctx.max_field_bytes {
            out.reject(
                line,
                Some("record.text"),
                RejectKind::FieldTooLarge,
                format!(
                    "text of post {uri} is {} bytes, above the {} byte limit",
                    fields.text.len(),
                    ctx.max_field_bytes
                ),
                None,
            );
            return;
        }
        PostRecord {
            id: Cow::Owned(uri),
            author_id: Cow::Borrowed(c.did),
            kind,
            ref_id,
            created_at: parsed.ms,
            naive_time: parsed.naive,
            line,
            ..fields
        }
    };
    out.push(rec);
}

/// Jetstream events.
pub struct JetstreamReader;

impl JsonReader for JetstreamReader {
    fn format(&self) -> Format {
        Format::BlueskyJetstream
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        o.contains_key("did") && o.contains_key("time_us") && o.contains_key("kind")
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"time_us\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let ev: Event = serde_json::from_slice(bytes)?;
        if ev.did.is_none() || ev.kind.is_none() {
            return Err(serde::de::Error::custom(
                "not a Jetstream event (no did or kind)",
            ));
        }
        let kind = s(&ev.kind);
        match &ev.commit {
            Some(c) if kind == "commit" => convert_commit(
                CommitView {
                    did: s(&ev.did),
                    operation: s(&c.operation),
                    collection: s(&c.collection),
                    rkey: s(&c.rkey),
                    record: c.record.as_ref(),
                    seen_us: ev.time_us,
                },
                kind,
                line,
                ctx,
                out,
            ),
            _ => {
                out.rows_in += 1;
                out.not_post(line, &not_post_name(kind, "", ""));
            }
        }
        Ok(())
    }
}

/// Records of Bluesky's tap collector.
pub struct TapReader;

impl JsonReader for TapReader {
    fn format(&self) -> Format {
        Format::BlueskyTap
    }
    fn recognises(&self, o: &Map<String, Value>) -> bool {
        str_of(o, "type") == "record"
            && o.get("record")
                .is_some_and(|r| r.get("collection").is_some() && r.get("did").is_some())
    }
    fn head_probes(&self) -> &'static [&'static str] {
        &["\"rkey\""]
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let tap: Tap = serde_json::from_slice(bytes)?;
        let Some(inner) = &tap.record else {
            return Err(serde::de::Error::custom("not a tap record (no record)"));
        };
        convert_commit(
            CommitView {
                did: s(&inner.did),
                operation: s(&inner.operation),
                collection: s(&inner.collection),
                rkey: s(&inner.rkey),
                record: inner.record.as_ref(),
                seen_us: None,
            },
            s(&tap.kind),
            line,
            ctx,
            out,
        );
        Ok(())
    }
}
