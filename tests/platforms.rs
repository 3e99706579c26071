//! Every real export in ../shared/real_data/platforms opens with no flags, with the right
//! number of posts and the right text, author, time and hashtags. The expected values
//! were read from the files with Python's json/csv modules, not with derail.

mod common;

use common::{load, real_data_dir};
use derail::load::Loaded;
use derail::load::report::RejectKind;
use derail::model::{Format, PostKind};
use derail::time::format_iso;

fn platform(name: &str) -> Option<std::path::PathBuf> {
    let p = real_data_dir()?.join("platforms").join(name);
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("SKIPPED: {} is absent", p.display());
        None
    }
}

/// The index of the post with this id.
fn post(ds: &Loaded, id: &str) -> usize {
    (0..ds.len())
        .find(|&i| ds.id(i) == id)
        .unwrap_or_else(|| panic!("no post {id}"))
}

fn tags(ds: &Loaded, i: usize) -> Vec<String> {
    ds.hashtag_spellings(i).map(str::to_string).collect()
}

fn kinds(ds: &Loaded, k: PostKind) -> usize {
    ds.kind.iter().filter(|x| **x == k).count()
}

/// What one post must read as.
struct Expect<'a> {
    id: &'a str,
    time: &'a str,
    author: &'a str,
    text_starts: &'a str,
}

fn check(ds: &Loaded, e: &Expect) {
    let i = post(ds, e.id);
    assert_eq!(format_iso(ds.created_at[i]), e.time, "time of {}", e.id);
    assert!(
        ds.handle(i) == e.author || ds.authors.key(ds.author[i]) == e.author,
        "author of {}: {} / {}",
        e.id,
        ds.handle(i),
        ds.authors.key(ds.author[i])
    );
    assert!(
        ds.text(i).starts_with(e.text_starts),
        "text of {}: {:?}",
        e.id,
        ds.text(i)
    );
    assert!(ds.report.check_accounting(ds.len()).is_ok());
}

#[test]
fn bluesky_jetstream_array_and_ndjson() {
    let Some(p) = platform("bluesky_jetstream_firehose_posts.json") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::BlueskyJetstream);
    assert_eq!(ds.len(), 9);
    check(
        &ds,
        &Expect {
            id: "at://did:plc:uu5mtxzumfsy5hqknfetoyft/app.bsky.feed.post/3m7aazmldai25",
            time: "2025-12-05T10:16:59.783Z",
            author: "did:plc:uu5mtxzumfsy5hqknfetoyft",
            text_starts: "all that i got is what you see",
        },
    );
    let all: Vec<String> = (0..ds.len()).flat_map(|i| tags(&ds, i)).collect();
    for t in ["outdoor", "hiking", "CLIQ", "Regionaljournal", "foodsafety"] {
        assert!(
            all.iter().any(|x| x == t),
            "hashtag {t} from facets: {all:?}"
        );
    }

    let Some(p) = platform("bluesky_jetstream_head10.ndjson") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::BlueskyJetstream);
    // 3 posts and 1 repost are posts; 3 likes and 3 follows are counted, not loaded.
    assert_eq!(ds.len(), 4);
    assert_eq!(kinds(&ds, PostKind::Retweet), 1);
    assert_eq!(ds.report.rows_in, 10);
    assert_eq!(ds.report.rejected_by_kind.get("not a post"), Some(&6));
    assert_eq!(
        ds.report
            .warning("not_posts: a like (app.bsky.feed.like)")
            .map(|w| w.count),
        Some(3)
    );
    assert_eq!(
        ds.report
            .warning("not_posts: a follow (app.bsky.graph.follow)")
            .map(|w| w.count),
        Some(3)
    );
    let repost = (0..ds.len())
        .find(|&i| ds.kind[i] == PostKind::Retweet)
        .unwrap();
    assert!(
        ds.ref_id(repost)
            .starts_with("at://did:plc:o5q6dynpme4ndolc3heztasm/")
    );
    assert!(
        ds.report
            .rejections
            .iter()
            .all(|r| r.kind == RejectKind::NotAPost && r.line > 0)
    );
}

#[test]
fn bluesky_tap_records() {
    let Some(p) = platform("bluesky_tap_posts.json") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::BlueskyTap);
    assert_eq!(ds.len(), 14);
    check(
        &ds,
        &Expect {
            id: "at://did:plc:whubiapecod3q5lebxfsqv3t/app.bsky.feed.post/3lephz5f6fk2a",
            time: "2025-01-01T21:11:45.459Z",
            author: "did:plc:whubiapecod3q5lebxfsqv3t",
            // The record's text shows the link cut short ("www.reddit.com/r/Lackadaisy...");
            // its link facet gives the whole address, which the post reads as.
            text_starts: "https://www.reddit.com/r/Lackadaisy/comments/1bi3vwa/",
        },
    );
    let i = post(
        &ds,
        "at://did:plc:whubiapecod3q5lebxfsqv3t/app.bsky.feed.post/3lephz5f6fk2a",
    );
    assert!(tags(&ds, i).iter().any(|t| t == "lackadaisy"));
    assert!(ds.has_media[i], "an images embed is media");
}

#[test]
fn zeeschuimer_x_and_tiktok() {
    let Some(p) = platform("zeeschuimer_x_graphql.ndjson") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::Zeeschuimer);
    assert_eq!(ds.len(), 104);
    check(
        &ds,
        &Expect {
            id: "1711652255336743414",
            time: "2023-10-10T07:57:53Z",
            author: "Querido_Facto",
            text_starts: "Vandaag verschijnt de feestelijke jubile",
        },
    );
    let i = post(&ds, "1711652255336743414");
    assert_eq!(tags(&ds, i), vec!["degraanrepubliek", "moderneklassieker"]);
    assert_eq!(ds.lang(i), "nl");
    assert_eq!(kinds(&ds, PostKind::Quote), 24);
    // A long post's text is its note_tweet, not the cut legacy text.
    assert!((0..ds.len()).any(
        |i| ds.text(i).starts_with("Dit heb ik nog nooit meegemaakt")
            && ds.text(i).chars().count() > 280
    ));

    let Some(p) = platform("zeeschuimer_tiktok.ndjson") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::Zeeschuimer);
    assert_eq!(ds.len(), 96);
    check(
        &ds,
        &Expect {
            id: "7288995634328177926",
            time: "2023-10-12T09:05:49Z",
            author: "haberturktv",
            text_starts: "#fosfor #bomba",
        },
    );
    let i = post(&ds, "7288995634328177926");
    assert_eq!(tags(&ds, i).len(), 12);
    assert!(tags(&ds, i).iter().any(|t| t == "fosforbombası"));
}

#[test]
fn telegram_desktop_channel_export() {
    let Some(p) = platform("telegram_desktop_channel_result.json") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::TelegramDesktop);
    assert_eq!(ds.report.rows_in, 3719);
    assert_eq!(
        ds.len(),
        3717,
        "3,717 messages; 2 service messages are not posts"
    );
    assert_eq!(ds.report.rejected_by_kind.get("not a post"), Some(&2));
    check(
        &ds,
        &Expect {
            id: "2447843635/4",
            time: "2024-09-29T10:14:24Z",
            author: "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ",
            text_starts: "БОГ ВОЙНЫ ПОД ВАШИ ТРЕКИ #1 (part 1)",
        },
    );
    let i = post(&ds, "2447843635/4");
    assert_eq!(tags(&ds, i), vec!["DemonsSouls"]);
    assert_eq!(ds.community(i), "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ");
    assert_eq!(kinds(&ds, PostKind::Retweet), 291, "forwards are reposts");
    assert_eq!(kinds(&ds, PostKind::Reply), 6);
    let hashtag_uses: usize = (0..ds.len()).map(|i| ds.hashtags.get(i).len()).sum();
    assert!(
        (1200..=1260).contains(&hashtag_uses),
        "1,260 hashtag entities (a few repeat within a message): {hashtag_uses}"
    );
    // Each message has its own line, for messages that name a line.
    assert!(ds.line(i) > 1);
}

#[test]
fn reddit_submissions_with_mixed_time_types() {
    let Some(p) = platform("reddit_pushshift_submissions.ndjson") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::Reddit);
    assert_eq!(ds.len(), 31, "created_utc as int, float or string all read");
    check(
        &ds,
        &Expect {
            id: "1afwvv8",
            time: "2024-02-01T00:00:00Z",
            author: "nils_koe",
            text_starts: "Spielt Guerreiro bei Bayern von Anfang a",
        },
    );
    assert_eq!(ds.community(post(&ds, "1afwvv8")), "kickbasemanager");
}

#[test]
fn tiktok_research_api_videos_and_wrapper() {
    let Some(p) = platform("tiktok_research_api_videos.json") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::TikTokResearch);
    assert_eq!(ds.len(), 2);
    check(
        &ds,
        &Expect {
            id: "7463699433146961194",
            time: "2025-01-25T04:06:25Z",
            author: "izzyandmarysdad",
            text_starts: "Grab the Fire Wings",
        },
    );
    let i = post(&ds, "7463699433146961194");
    assert!(tags(&ds, i).iter().any(|t| t == "familygamenight"));

    let Some(p) = platform("tiktok_research_api_query_response.json") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::TikTokResearch);
    assert_eq!(ds.len(), 2);
    let i = post(&ds, "702874395068494965");
    assert_eq!(format_iso(ds.created_at[i]), "2021-10-09T23:59:59Z");
    assert_eq!(ds.text(i), "lol #pov #avengers");
    assert_eq!(tags(&ds, i), vec!["avengers", "pov"]);
}

#[test]
fn youtube_comment_threads_with_replies() {
    let Some(p) = platform("youtube_data_api_comment_threads.json") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.source.format, Format::YouTube);
    assert_eq!(ds.len(), 13, "12 threads and 1 reply");
    check(
        &ds,
        &Expect {
            id: "Ugzc1eTk3km7w2K7Nj94AaABAg",
            time: "2021-09-30T23:56:42Z",
            author: "meruwood",
            text_starts: "From kenya am anxiously waiting",
        },
    );
    let i = post(&ds, "Ugzc1eTk3km7w2K7Nj94AaABAg");
    assert_eq!(ds.authors.key(ds.author[i]), "UChI67Wu4R0KUqOInqw7WDhw");
    assert_eq!(ds.community(i), "ZxDp8Yz133c");
    assert_eq!(kinds(&ds, PostKind::Reply), 1);
}

#[test]
fn csds_coortweet_text_is_object_id() {
    let Some(p) = platform("csds_coortweet_bluesky.csv") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.len(), 5351);
    check(
        &ds,
        &Expect {
            id: "3lkjtkaffnc2w",
            time: "2025-03-16T22:53:21Z",
            author: "akokay.bsky.social",
            text_starts: "It may be Sunday but it's always Caturday",
        },
    );
    let i = post(&ds, "3lkjtkaffnc2w");
    assert_eq!(tags(&ds, i), vec!["lovecats", "cats", "caturday"]);
}

#[test]
fn crowdtangle_dashboard_reads_zone_abbreviations_and_local_numbers() {
    let Some(p) = platform("crowdtangle_dashboard_export.csv") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.len(), 10);
    let m = |role: &str| {
        ds.report
            .mapping
            .iter()
            .find(|m| m.role.name() == role)
            .map(|m| m.column.clone())
    };
    assert_eq!(
        m("time").as_deref(),
        Some("Post Created"),
        "not Page Created"
    );
    assert_eq!(m("text").as_deref(), Some("Message"));
    // 2021-07-05 18:02:45 BRT is 21:02:45 UTC.
    let i = post(
        &ds,
        "https://www.facebook.com/100050295107499/posts/345428873810280",
    );
    assert_eq!(format_iso(ds.created_at[i]), "2021-07-05T21:02:45Z");
    assert_eq!(ds.handle(i), "neymarjr");
    assert!(ds.text(i).starts_with("Que Deus nos abençoe"));
    assert_eq!(ds.metrics(i).likes, 270_729);
    // Every post is of July 2021, none of the pages' creation years.
    let (lo, hi) = ds.time_range().unwrap();
    assert!(format_iso(lo).starts_with("2021-07-0") && format_iso(hi).starts_with("2021-07-0"));
}

#[test]
fn meta_content_library_csv() {
    let Some(p) = platform("meta_content_library_facebook.csv") else {
        return;
    };
    let ds = load(&p);
    assert_eq!(ds.len(), 3575);
    check(
        &ds,
        &Expect {
            id: "1293705728365998",
            time: "2025-03-11T08:21:02Z",
            author: "2025862197830911",
            text_starts: "Breaking News! His Holiness Pope Francis",
        },
    );
    assert_eq!(ds.community(post(&ds, "1293705728365998")), "Amazing Ideas");
}

/// The synthetic seeds (fuzz/corpus/platforms, invented posts) cover the layouts no real
/// sample here shows: Instagram and LinkedIn in Zeeschuimer, Telethon and 4CAT Telegram,
/// a whole-account Telegram export, Reddit comments and API wrappers, TikTok comments,
/// YouTube videos, the CrowdTangle API, and JSON of no known format.
#[test]
fn synthetic_layouts_of_every_platform() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/platforms");
    let cases: [(&str, Format, usize, usize); 14] = [
        ("jetstream.ndjson", Format::BlueskyJetstream, 5, 2),
        ("jetstream-array.json", Format::BlueskyJetstream, 5, 2),
        ("tap.json", Format::BlueskyTap, 1, 1),
        ("zeeschuimer.ndjson", Format::Zeeschuimer, 4, 4),
        ("telegram.json", Format::TelegramDesktop, 4, 3),
        ("telegram-account.json", Format::TelegramDesktop, 4, 3),
        ("telethon.jsonl", Format::Telethon, 3, 2),
        ("reddit.ndjson", Format::Reddit, 3, 3),
        ("tiktok-research.json", Format::TikTokResearch, 1, 1),
        ("tiktok-comments.json", Format::TikTokResearch, 1, 1),
        ("youtube.json", Format::YouTube, 2, 2),
        ("youtube-videos.json", Format::YouTube, 1, 1),
        ("crowdtangle-api.json", Format::CrowdTangleApi, 1, 1),
        ("generic.jsonl", Format::GenericJson, 2, 2),
    ];
    for (name, format, rows, posts) in cases {
        let ds = load(&dir.join(name));
        assert_eq!(ds.source.format, format, "{name}");
        assert_eq!(ds.report.rows_in, rows as u64, "{name}");
        assert_eq!(ds.len(), posts, "{name}");
        assert!(ds.report.check_accounting(ds.len()).is_ok(), "{name}");
    }

    let ds = load(&dir.join("zeeschuimer.ndjson"));
    let i = post(&ds, "C7abc");
    assert_eq!(ds.handle(i), "alice");
    assert_eq!(tags(&ds, i), vec!["cats"]);
    let i = post(&ds, "7115203311412948992");
    assert_eq!(
        format_iso(ds.created_at[i]),
        "2023-10-04T05:17:43.525Z",
        "time from the URN"
    );
    assert_eq!(ds.text(i), "Proud to share #hiring");

    let ds = load(&dir.join("telethon.jsonl"));
    let i = post(&ds, "1234567890/5121");
    assert_eq!(
        format_iso(ds.created_at[i]),
        "2024-03-01T12:00:00Z",
        "4CAT float epoch"
    );
    assert_eq!(ds.kind[i], PostKind::Reply);
    assert_eq!(ds.ref_id(i), "1234567890/5120");
    assert_eq!(ds.community(i), "Example News");

    let ds = load(&dir.join("reddit.ndjson"));
    let i = post(&ds, "kx1abc2");
    assert_eq!(ds.kind[i], PostKind::Reply);
    assert_eq!(ds.ref_id(i), "1b3xyz");
    assert_eq!(ds.text(post(&ds, "1b3xyz")), "Announcing foo\n\nbody text");

    let ds = load(&dir.join("youtube-videos.json"));
    assert_eq!(ds.text(0), "A & B #music\n\ndesc");
    assert_eq!(
        tags(&ds, 0),
        vec!["music"],
        "creator keywords are not hashtags"
    );
    assert_eq!(ds.metrics(0).likes, 3, "statistics are strings");

    let ds = load(&dir.join("generic.jsonl"));
    assert_eq!(ds.text(0), "Hello #x", "HTML content read as text");
    assert_eq!(ds.handle(1), "c@d");
}

/// CSV exports of the collection tools (4CAT, minet), invented rows in their documented
/// columns: each role lands on the right column with no flags.
#[test]
fn csv_exports_of_collection_tools() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "4cat.csv",
            "id,thread_id,timestamp,body,author,author_fullname,hashtags,num_likes,num_comments,url,unix_timestamp\n\
             C7a,C7a,2024-06-10 05:26:40,Sunday #cats with @bob,alice,Alice A,cats,120,4,https://www.instagram.com/p/C7a,1717990000\n\
             C7b,C7b,2024-06-10 06:26:40,Monday dogs and more words,bob,Bob B,\"dogs,pets\",12,1,https://www.instagram.com/p/C7b,1717993600\n",
            // unix_timestamp, not 4CAT's server-local `timestamp`
            [
                ("time", "unix_timestamp"),
                ("text", "body"),
                ("author", "author"),
                ("hashtags", "hashtags"),
            ],
        ),
        (
            "minet_tweets.csv",
            "id,timestamp_utc,local_time,user_screen_name,text,retweet_count,like_count,reply_count,lang,to_tweetid,user_id,retweeted_id,quoted_id,links,mentioned_names,hashtags\n\
             1001,1709294400,2024-03-01T13:00:00,alice,hello world #one #two,1,2,0,en,,11,,,https://example.org,bob|carol,one|two\n\
             1002,1709294460,2024-03-01T13:01:00,bob,RT @alice: hello world #one #two,0,0,0,en,,12,1001,,,alice,one|two\n",
            [
                ("time", "timestamp_utc"),
                ("text", "text"),
                ("author", "user_screen_name"),
                ("retweet_of", "retweeted_id"),
            ],
        ),
        (
            "minet_tiktok.csv",
            "id,description,timestamp,utc_time,author_id,author_unique_id,author_nickname,digg_count,share_count,comment_count,play_count,challenges_titles\n\
             7300,pasta night #food #quick,1746230400,2025-05-03T00:00:00,55,gina_cooks,Gina,1245,312,87,54320,food|quick\n\
             7301,another one #food,1746231400,2025-05-03T00:16:40,56,hank,Hank,5,1,0,100,food\n",
            [
                ("time", "timestamp"),
                ("text", "description"),
                ("author", "author_unique_id"),
                ("hashtags", "challenges_titles"),
            ],
        ),
        (
            "minet_youtube_comments.csv",
            "video_id,comment_id,author_name,author_channel_id,text,like_count,published_at,updated_at,reply_count,parent_comment_id\n\
             V1,T1,@erin,UCerin,great video,12,2024-03-01T12:00:00Z,2024-03-01T12:00:00Z,1,\n\
             V1,T1.r,@finn,UCfinn,agreed with this,0,2024-03-01T13:00:00Z,2024-03-01T13:00:00Z,,T1\n",
            [
                ("time", "published_at"),
                ("id", "comment_id"),
                ("reply_to", "parent_comment_id"),
                ("community", "video_id"),
            ],
        ),
    ];
    for (name, body, roles) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let ds = load(&path);
        assert_eq!(ds.len(), 2, "{name}");
        for (role, column) in roles {
            let got = ds
                .report
                .mapping
                .iter()
                .find(|m| m.role.name() == role)
                .map(|m| m.column.as_str());
            assert_eq!(got, Some(column), "{name}: {role}");
        }
    }
}

/// Hashtag values from a column lose their punctuation; empty ones are dropped.
#[test]
fn hashtag_values_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tags.csv");
    std::fs::write(
        &path,
        "id,created_at,text,hashtag\n\
         1,2023-01-01T10:00:00Z,order food today from the app,Zomato.\n\
         2,2023-01-01T11:00:00Z,nothing to say about it,.\n\
         3,2023-01-01T12:00:00Z,food is good stuff,#food!\n",
    )
    .unwrap();
    let ds = load(&path);
    assert_eq!(tags(&ds, 0), vec!["Zomato"]);
    assert!(tags(&ds, 1).is_empty(), "{:?}", tags(&ds, 1));
    assert_eq!(tags(&ds, 2), vec!["food"]);
}
