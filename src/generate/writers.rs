//! Writes generated posts in the real formats derail reads.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::{GenAuthor, GenPost, Truth};
use crate::model::PostKind;
use crate::text::{extract_hashtags, extract_mentions};
use crate::time::{civil_from_days, format_iso};

/// Output formats of `derail generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// twarc-csv style columns.
    Csv,
    /// DMI-TCAT export columns (epoch `time`, `from_user_name`, ...).
    Tcat,
    /// twarc2 API response pages with `includes`.
    Twarc2,
    /// twarc2 flattened, one tweet per line.
    Twarc2Flat,
    /// Twitter v1.1 statuses, one per line.
    V1,
    /// snscrape JSONL.
    Snscrape,
    /// A JSON array of Bluesky PostViews.
    Bluesky,
    /// A JSON array of Mastodon statuses.
    Mastodon,
    /// Bluesky Jetstream events, one a line: post and repost commits, and a like after
    /// every tenth post (likes are not posts).
    Jetstream,
    /// A Telegram Desktop export of one public group.
    Telegram,
    /// A Reddit dump of submissions, one a line (Pushshift / Arctic Shift layout).
    Reddit,
    /// A Parquet file in a warehouse export's layout (see [`super::parquet_writer`]).
    Parquet,
}

impl OutFormat {
    pub fn from_name(s: &str) -> Option<OutFormat> {
        Some(
            match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "csv" => OutFormat::Csv,
                "tcat" => OutFormat::Tcat,
                "twarc2" | "twarc2_pages" | "jsonl" => OutFormat::Twarc2,
                "twarc2_flat" | "flat" => OutFormat::Twarc2Flat,
                "v1" | "twitter_v1" | "v1.1" => OutFormat::V1,
                "snscrape" => OutFormat::Snscrape,
                "bluesky" | "bsky" => OutFormat::Bluesky,
                "mastodon" => OutFormat::Mastodon,
                "jetstream" | "bluesky_jetstream" => OutFormat::Jetstream,
                "telegram" | "telegram_desktop" => OutFormat::Telegram,
                "reddit" | "pushshift" => OutFormat::Reddit,
                "parquet" => OutFormat::Parquet,
                _ => return None,
            },
        )
    }

    pub const ALL: [OutFormat; 12] = [
        OutFormat::Csv,
        OutFormat::Tcat,
        OutFormat::Twarc2,
        OutFormat::Twarc2Flat,
        OutFormat::V1,
        OutFormat::Snscrape,
        OutFormat::Bluesky,
        OutFormat::Mastodon,
        OutFormat::Jetstream,
        OutFormat::Telegram,
        OutFormat::Reddit,
        OutFormat::Parquet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutFormat::Csv => "csv",
            OutFormat::Tcat => "tcat",
            OutFormat::Twarc2 => "twarc2",
            OutFormat::Twarc2Flat => "twarc2_flat",
            OutFormat::V1 => "v1",
            OutFormat::Snscrape => "snscrape",
            OutFormat::Bluesky => "bluesky",
            OutFormat::Mastodon => "mastodon",
            OutFormat::Jetstream => "jetstream",
            OutFormat::Telegram => "telegram",
            OutFormat::Reddit => "reddit",
            OutFormat::Parquet => "parquet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            OutFormat::Csv | OutFormat::Tcat => "csv",
            OutFormat::Bluesky | OutFormat::Mastodon | OutFormat::Telegram => "json",
            OutFormat::Parquet => "parquet",
            _ => "jsonl",
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// `Wed Jun 03 02:14:07 +0000 2020`
fn v1_time(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} +0000 {y}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// `2020-06-03 02:14:07`
fn plain_time(ms: i64) -> String {
    let iso = format_iso(ms - ms.rem_euclid(1000));
    iso.trim_end_matches('Z').replace('T', " ")
}

fn v2_time(ms: i64) -> String {
    let base = format_iso(ms - ms.rem_euclid(1000));
    format!("{}.{:03}Z", base.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// A display name made from a handle: `minsun_12` → `Minsun 12`.
fn display_name(handle: &str) -> String {
    let mut out = String::with_capacity(handle.len());
    let mut up = true;
    for c in handle.chars() {
        if c == '_' || c == '.' {
            out.push(' ');
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Twitter escapes `&`, `<`, `>` in API text.
fn api_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn truncate_rt(text: &str) -> String {
    // The API cuts retweet text at 140 characters with an ellipsis.
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 140 {
        text.to_string()
    } else {
        let mut s: String = chars[..139].iter().collect();
        s.push('…');
        s
    }
}

fn entities_v2(text: &str) -> Value {
    let tags: Vec<Value> = extract_hashtags(text)
        .iter()
        .map(|t| json!({"tag": t}))
        .collect();
    let ments: Vec<Value> = extract_mentions(text)
        .iter()
        .map(|m| json!({"username": m}))
        .collect();
    json!({"hashtags": tags, "mentions": ments})
}

fn body_of(p: &GenPost, posts: &[GenPost]) -> String {
    match p.ref_index {
        Some(r) if p.kind == PostKind::Retweet => posts[r].text.clone(),
        _ => p.text.clone(),
    }
}

fn v2_tweet(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor], flat: bool) -> Value {
    let a = &authors[p.author as usize];
    let mut t = json!({
        "id": p.id.to_string(),
        "text": api_escape(&if p.kind == PostKind::Retweet { truncate_rt(&p.text) } else { p.text.clone() }),
        "author_id": a.id.to_string(),
        "created_at": v2_time(p.time_ms),
        "lang": p.lang,
        "conversation_id": p.id.to_string(),
        "public_metrics": {"retweet_count": p.reposts, "reply_count": 0, "like_count": p.likes, "quote_count": 0},
        "entities": entities_v2(&p.text),
    });
    if p.has_media {
        t["attachments"] = json!({"media_keys": [format!("3_{}", p.id)]});
    }
    if let (Some(r), PostKind::Retweet) = (p.ref_index, p.kind) {
        let mut rt = json!({"type": "retweeted", "id": posts[r].id.to_string()});
        if flat {
            let o = &posts[r];
            let oa = &authors[o.author as usize];
            rt["text"] = json!(api_escape(&o.text));
            rt["author_id"] = json!(oa.id.to_string());
            rt["author"] = json!({"id": oa.id.to_string(), "username": oa.handle});
            rt["created_at"] = json!(v2_time(o.time_ms));
        }
        t["referenced_tweets"] = json!([rt]);
    }
    if flat {
        t["author"] = json!({"id": a.id.to_string(), "username": a.handle, "name": a.handle});
        t["__twarc"] =
            json!({"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.13.0"});
    }
    t
}

fn v1_status(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor], depth: u8) -> Value {
    let a = &authors[p.author as usize];
    let mut st = json!({
        "created_at": v1_time(p.time_ms),
        "id": p.id,
        "id_str": p.id.to_string(),
        "full_text": api_escape(&if p.kind == PostKind::Retweet { truncate_rt(&p.text) } else { p.text.clone() }),
        "truncated": false,
        "lang": p.lang,
        "user": {"id": a.id, "id_str": a.id.to_string(), "screen_name": a.handle, "name": a.handle},
        "retweet_count": p.reposts,
        "favorite_count": p.likes,
        "entities": {"hashtags": extract_hashtags(&p.text).iter().map(|t| json!({"text": t})).collect::<Vec<_>>(), "urls": []},
    });
    if p.has_media {
        st["extended_entities"] = json!({"media": [{"type": "photo"}]});
    }
    if let (Some(r), PostKind::Retweet, 0) = (p.ref_index, p.kind, depth) {
        st["retweeted_status"] = v1_status(&posts[r], posts, authors, 1);
    }
    st
}

fn snscrape_tweet(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor], depth: u8) -> Value {
    let a = &authors[p.author as usize];
    let url = format!("https://twitter.com/{}/status/{}", a.handle, p.id);
    let user = json!({"_type": "snscrape.modules.twitter.User", "username": a.handle, "id": a.id, "displayname": a.handle});
    let mut t = json!({
        "_type": "snscrape.modules.twitter.Tweet",
        "url": url,
        "date": format!("{}+00:00", format_iso(p.time_ms - p.time_ms.rem_euclid(1000)).trim_end_matches('Z')),
        "rawContent": p.text,
        "renderedContent": p.text,
        "id": p.id,
        "user": user,
        "replyCount": 0,
        "retweetCount": p.reposts,
        "likeCount": p.likes,
        "quoteCount": 0,
        "lang": p.lang,
        "hashtags": extract_hashtags(&p.text),
        "retweetedTweet": Value::Null,
        "quotedTweet": Value::Null,
        "media": if p.has_media { json!([{"_type": "snscrape.modules.twitter.Photo"}]) } else { Value::Null },
    });
    if let (Some(r), PostKind::Retweet, 0) = (p.ref_index, p.kind, depth) {
        t["retweetedTweet"] = snscrape_tweet(&posts[r], posts, authors, 1);
        t["hashtags"] = Value::Null;
    }
    t
}

fn bsky_view(p: &GenPost, authors: &[GenAuthor], text: &str, ms: i64) -> Value {
    let a = &authors[p.author as usize];
    let did = format!("did:plc:gen{}", a.id);
    let tags: Vec<Value> = crate::text::extract_hashtags(text)
        .iter()
        .map(|t| json!({"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": t}], "index": {"byteStart": 0, "byteEnd": 0}}))
        .collect();
    let mut record = json!({
        "$type": "app.bsky.feed.post",
        "createdAt": v2_time(ms),
        "text": text,
        "langs": [p.lang],
        "facets": tags,
    });
    if p.has_media {
        record["embed"] = json!({"$type": "app.bsky.embed.images", "images": []});
    }
    json!({
        "uri": format!("at://{did}/app.bsky.feed.post/{}", p.id),
        "cid": format!("bafy{}", p.id),
        "author": {"did": did, "handle": format!("{}.bsky.social", a.handle)},
        "record": record,
        "replyCount": 0, "repostCount": p.reposts, "likeCount": p.likes, "quoteCount": 0,
        "indexedAt": v2_time(ms),
    })
}

fn masto_status(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor], depth: u8) -> Value {
    let a = &authors[p.author as usize];
    let html = |s: &str| {
        let esc = s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let linked: Vec<String> = esc
            .split(' ')
            .map(|w| match w.strip_prefix('#') {
                Some(t) if !t.is_empty() => format!(
                    "<a href=\"https://mastodon.example/tags/{t}\" class=\"mention hashtag\" rel=\"tag\">#<span>{t}</span></a>"
                ),
                _ => w.to_string(),
            })
            .collect();
        format!("<p>{}</p>", linked.join(" ").replace('\n', "<br />"))
    };
    let tags: Vec<Value> = extract_hashtags(&p.text)
        .iter()
        .map(|t| json!({"name": t.to_lowercase()}))
        .collect();
    let mut st = json!({
        "id": p.id.to_string(),
        "created_at": v2_time(p.time_ms),
        "content": if p.kind == PostKind::Retweet && depth == 0 { String::new() } else { html(&p.text) },
        "spoiler_text": "",
        "language": p.lang,
        "account": {"id": a.id.to_string(), "username": a.handle, "acct": a.handle},
        "reblog": Value::Null,
        "in_reply_to_id": Value::Null,
        "tags": tags,
        "mentions": [],
        "media_attachments": if p.has_media { json!([{"type": "image"}]) } else { json!([]) },
        "replies_count": 0, "reblogs_count": p.reposts, "favourites_count": p.likes,
    });
    if let (Some(r), PostKind::Retweet, 0) = (p.ref_index, p.kind, depth) {
        st["reblog"] = masto_status(&posts[r], posts, authors, 1);
    }
    st
}

fn did_of(a: &GenAuthor) -> String {
    format!("did:plc:gen{}", a.id)
}

/// One Jetstream commit event: a post, or a repost of its original.
fn jetstream_event(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor]) -> Value {
    let a = &authors[p.author as usize];
    let did = did_of(a);
    let (collection, record) = match (p.kind, p.ref_index) {
        (PostKind::Retweet, Some(r)) => {
            let o = &posts[r];
            let odid = did_of(&authors[o.author as usize]);
            (
                "app.bsky.feed.repost",
                json!({"$type": "app.bsky.feed.repost", "createdAt": v2_time(p.time_ms),
                       "subject": {"uri": format!("at://{odid}/app.bsky.feed.post/{}", o.id), "cid": format!("bafy{}", o.id)}}),
            )
        }
        _ => {
            let view = bsky_view(p, authors, &body_of(p, posts), p.time_ms);
            ("app.bsky.feed.post", view["record"].clone())
        }
    };
    json!({
        "did": did,
        "time_us": p.time_ms * 1000 + 250,
        "kind": "commit",
        "commit": {"rev": format!("r{}", p.id), "operation": "create", "collection": collection,
                   "rkey": p.id.to_string(), "record": record, "cid": format!("bafy{}", p.id)},
    })
}

/// A like of `p` by the next author: what most of a real firehose is.
fn jetstream_like(p: &GenPost, authors: &[GenAuthor]) -> Value {
    let liker = &authors[(p.author as usize + 1) % authors.len()];
    let did = did_of(&authors[p.author as usize]);
    json!({
        "did": did_of(liker),
        "time_us": p.time_ms * 1000 + 500,
        "kind": "commit",
        "commit": {"rev": format!("l{}", p.id), "operation": "create", "collection": "app.bsky.feed.like",
                   "rkey": format!("l{}", p.id),
                   "record": {"$type": "app.bsky.feed.like", "createdAt": v2_time(p.time_ms),
                              "subject": {"uri": format!("at://{did}/app.bsky.feed.post/{}", p.id), "cid": "bafy"}}},
    })
}

/// One message of a Telegram Desktop export: text as pieces with its hashtags typed.
fn telegram_message(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor]) -> Value {
    let a = &authors[p.author as usize];
    let text = body_of(p, posts);
    let mut pieces: Vec<Value> = Vec::new();
    let mut plain = String::new();
    for (k, word) in text.split(' ').enumerate() {
        if k > 0 {
            plain.push(' ');
        }
        if word.len() > 1 && word.starts_with('#') {
            pieces.push(json!({"type": "plain", "text": std::mem::take(&mut plain)}));
            pieces.push(json!({"type": "hashtag", "text": word}));
        } else {
            plain.push_str(word);
        }
    }
    pieces.push(json!({"type": "plain", "text": plain}));
    let text_value: Vec<Value> = pieces
        .iter()
        .map(|x| match x["type"].as_str() {
            Some("plain") => x["text"].clone(),
            _ => x.clone(),
        })
        .collect();
    let mut m = json!({
        "id": p.id,
        "type": "message",
        "date": plain_time(p.time_ms).replace(' ', "T"),
        "date_unixtime": (p.time_ms.div_euclid(1000)).to_string(),
        "from": a.handle,
        "from_id": format!("user{}", a.id),
        "text": text_value,
        "text_entities": pieces,
    });
    if let (PostKind::Retweet, Some(r)) = (p.kind, p.ref_index) {
        let o = &authors[posts[r].author as usize];
        m["forwarded_from"] = json!(o.handle);
        m["forwarded_from_id"] = json!(format!("user{}", o.id));
    } else if let (PostKind::Reply, Some(r)) = (p.kind, p.ref_id) {
        m["reply_to_message_id"] = json!(r);
    }
    if p.has_media {
        m["media_type"] = json!("video_file");
    }
    m
}

/// One Reddit submission of a dump; the post's first hashtag names its subreddit.
fn reddit_submission(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor]) -> Value {
    let a = &authors[p.author as usize];
    let text = body_of(p, posts);
    let subreddit = extract_hashtags(&text)
        .first()
        .map(|t| t.to_lowercase())
        .unwrap_or_else(|| "generated".into());
    let mut s = json!({
        "id": p.id.to_string(),
        "name": format!("t3_{}", p.id),
        "author": a.handle,
        "author_fullname": format!("t2_{}", a.id),
        "subreddit": subreddit,
        "title": text,
        "selftext": "",
        "is_self": true,
        "created_utc": p.time_ms.div_euclid(1000),
        "score": p.likes,
        "num_comments": 0,
        "permalink": format!("/r/{subreddit}/comments/{}/", p.id),
    });
    if let (PostKind::Retweet, Some(r)) = (p.kind, p.ref_id) {
        s["crosspost_parent"] = json!(format!("t3_{r}"));
    }
    s
}

/// Writes the dataset in `format` to `path`.
pub fn write(
    posts: &[GenPost],
    authors: &[GenAuthor],
    format: OutFormat,
    path: &Path,
) -> io::Result<()> {
    if format == OutFormat::Parquet {
        return super::parquet_writer::write_parquet(posts, authors, path);
    }
    let f = File::create(path)?;
    let mut out = BufWriter::with_capacity(1 << 20, f);
    match format {
        OutFormat::Parquet => {}
        OutFormat::Csv => write_twarc_csv(&mut out, posts, authors)?,
        OutFormat::Tcat => write_tcat(&mut out, posts, authors)?,
        OutFormat::Twarc2 => write_twarc2_pages(&mut out, posts, authors)?,
        OutFormat::Twarc2Flat => {
            write_lines(&mut out, posts, |p| v2_tweet(p, posts, authors, true))?
        }
        OutFormat::V1 => write_lines(&mut out, posts, |p| v1_status(p, posts, authors, 0))?,
        OutFormat::Snscrape => {
            write_lines(&mut out, posts, |p| snscrape_tweet(p, posts, authors, 0))?
        }
        OutFormat::Bluesky => write_json_array(&mut out, posts, |p| bsky_item(p, posts, authors))?,
        OutFormat::Jetstream => write_jetstream(&mut out, posts, authors)?,
        OutFormat::Telegram => write_telegram(&mut out, posts, authors)?,
        OutFormat::Reddit => {
            write_lines(&mut out, posts, |p| reddit_submission(p, posts, authors))?
        }
        OutFormat::Mastodon => {
            write_json_array(&mut out, posts, |p| masto_status(p, posts, authors, 0))?
        }
    }
    out.flush()
}

/// One JSON document per line.
fn write_lines(
    out: &mut impl Write,
    posts: &[GenPost],
    doc: impl Fn(&GenPost) -> Value,
) -> io::Result<()> {
    for p in posts {
        serde_json::to_writer(&mut *out, &doc(p))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// One JSON array, an element per line.
fn write_json_array(
    out: &mut impl Write,
    posts: &[GenPost],
    doc: impl Fn(&GenPost) -> Value,
) -> io::Result<()> {
    out.write_all(b"[\n")?;
    for (i, p) in posts.iter().enumerate() {
        serde_json::to_writer(&mut *out, &doc(p))?;
        out.write_all(if i + 1 < posts.len() { b",\n" } else { b"\n" })?;
    }
    out.write_all(b"]\n")
}

/// The columns of a twarc-csv export that matter here, in its naming.
fn write_twarc_csv(
    out: &mut impl Write,
    posts: &[GenPost],
    authors: &[GenAuthor],
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "conversation_id",
        "created_at",
        "author_id",
        "author.username",
        "author.name",
        "text",
        "lang",
        "source",
        "referenced_tweets.retweeted.id",
        "public_metrics.like_count",
        "public_metrics.retweet_count",
        "public_metrics.reply_count",
        "public_metrics.quote_count",
    ])?;
    const SOURCES: [&str; 4] = [
        "Twitter for iPhone",
        "Twitter for Android",
        "Twitter Web App",
        "TweetDeck",
    ];
    for p in posts {
        let a = &authors[p.author as usize];
        let conversation = p.ref_id.unwrap_or(p.id);
        w.write_record([
            p.id.to_string(),
            conversation.to_string(),
            v2_time(p.time_ms),
            a.id.to_string(),
            a.handle.clone(),
            display_name(&a.handle),
            p.text.clone(),
            p.lang.to_string(),
            SOURCES[(p.id % 4) as usize].to_string(),
            p.ref_id.map(|r| r.to_string()).unwrap_or_default(),
            p.likes.to_string(),
            p.reposts.to_string(),
            (p.likes / 7).to_string(),
            (p.likes / 13).to_string(),
        ])?;
    }
    w.flush()
}

/// A DMI-TCAT export's columns.
fn write_tcat(out: &mut impl Write, posts: &[GenPost], authors: &[GenAuthor]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "time",
        "created_at",
        "from_user_name",
        "from_user_id",
        "from_user_lang",
        "text",
        "retweet_id",
        "retweet_count",
        "favorite_count",
        "lang",
    ])?;
    for p in posts {
        let a = &authors[p.author as usize];
        w.write_record([
            p.id.to_string(),
            (p.time_ms / 1000).to_string(),
            plain_time(p.time_ms),
            a.handle.clone(),
            a.id.to_string(),
            String::new(),
            p.text.clone(),
            p.ref_id.map(|r| r.to_string()).unwrap_or_default(),
            p.reposts.to_string(),
            p.likes.to_string(),
            p.lang.to_string(),
        ])?;
    }
    w.flush()
}

/// twarc2's API pages of 100 tweets, one per line, each with the users and retweeted
/// tweets it refers to in `includes`.
fn write_twarc2_pages(
    out: &mut impl Write,
    posts: &[GenPost],
    authors: &[GenAuthor],
) -> io::Result<()> {
    for page in posts.chunks(100) {
        let data: Vec<Value> = page
            .iter()
            .map(|p| v2_tweet(p, posts, authors, false))
            .collect();
        let mut users: Vec<Value> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut inc_tweets = Vec::new();
        for p in page {
            let mut add_user = |a: &GenAuthor| {
                if seen.insert(a.id) {
                    users.push(
                        json!({"id": a.id.to_string(), "username": a.handle, "name": a.handle}),
                    );
                }
            };
            add_user(&authors[p.author as usize]);
            if let (Some(r), PostKind::Retweet) = (p.ref_index, p.kind) {
                add_user(&authors[posts[r].author as usize]);
                inc_tweets.push(v2_tweet(&posts[r], posts, authors, false));
            }
        }
        let v = json!({
            "data": data,
            "includes": {"users": users, "tweets": inc_tweets},
            "meta": {"result_count": page.len()},
            "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.13.0"},
        });
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A Bluesky feed item: a repost is the original's view with the reposter as its reason.
fn bsky_item(p: &GenPost, posts: &[GenPost], authors: &[GenAuthor]) -> Value {
    match (p.kind, p.ref_index) {
        (PostKind::Retweet, Some(r)) => {
            let o = &posts[r];
            let a = &authors[p.author as usize];
            json!({
                "post": bsky_view(o, authors, &o.text, o.time_ms),
                "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
                           "by": {"did": format!("did:plc:gen{}", a.id), "handle": format!("{}.bsky.social", a.handle)},
                           "indexedAt": v2_time(p.time_ms)},
            })
        }
        _ => bsky_view(p, authors, &body_of(p, posts), p.time_ms),
    }
}

/// Jetstream events, one per line, with a like event after every tenth post.
fn write_jetstream(
    out: &mut impl Write,
    posts: &[GenPost],
    authors: &[GenAuthor],
) -> io::Result<()> {
    for (i, p) in posts.iter().enumerate() {
        serde_json::to_writer(&mut *out, &jetstream_event(p, posts, authors))?;
        out.write_all(b"\n")?;
        if i % 10 == 9 {
            serde_json::to_writer(&mut *out, &jetstream_like(p, authors))?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// A Telegram Desktop export of one group: its header, then its messages.
fn write_telegram(
    out: &mut impl Write,
    posts: &[GenPost],
    authors: &[GenAuthor],
) -> io::Result<()> {
    out.write_all(
        b"{\n \"name\": \"derail generated group\",\n \"type\": \"public_supergroup\",\n \"id\": 1000000001,\n \"messages\": [\n",
    )?;
    for (i, p) in posts.iter().enumerate() {
        out.write_all(b"  ")?;
        serde_json::to_writer(&mut *out, &telegram_message(p, posts, authors))?;
        out.write_all(if i + 1 < posts.len() { b",\n" } else { b"\n" })?;
    }
    out.write_all(b" ]\n}\n")
}

/// Writes the ground truth: `<out>.truth.json` (summary) and `<out>.truth.csv` (per post).
pub fn write_truth(
    posts: &[GenPost],
    truth: &Truth,
    out: &Path,
) -> io::Result<(std::path::PathBuf, std::path::PathBuf)> {
    let json_path = sibling(out, "truth.json");
    let csv_path = sibling(out, "truth.csv");
    let f = BufWriter::new(File::create(&json_path)?);
    serde_json::to_writer_pretty(f, truth)?;
    let mut w = csv::Writer::from_path(&csv_path)?;
    w.write_record(["id", "role", "template", "copypasta", "takeover"])?;
    for p in posts {
        w.write_record([
            p.id.to_string(),
            serde_json::to_value(p.role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            p.template.clone(),
            p.copypasta.map(|c| c.to_string()).unwrap_or_default(),
            p.takeover
                .map(|t| {
                    truth
                        .takeovers
                        .get(t)
                        .map(|x| x.hashtag.clone())
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok((json_path, csv_path))
}

/// `data.csv` → `data.csv.truth.json`
pub fn sibling(out: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    std::path::PathBuf::from(s)
}
