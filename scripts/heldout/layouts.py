"""File layouts for a held-out world: twarc-csv, twarc2's API v2 response pages, Twitter API
v1.1 JSON lines, a generic CSV, Bluesky Jetstream events.

Every layout writes the same posts. Row order and damage use generators seeded from the
world's seed (not the world's own generator), so the same seed damages the same posts in
every layout; only the kind of damage depends on the layout.
"""
import csv
import io
import json
import random
import re
import zlib
from datetime import datetime, timezone

HASHTAG_RE = re.compile(r"#(\w+)")
MENTION_RE = re.compile(r"(?<![\w@])@(\w{1,15})")
CASHTAG_RE = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9]{1,11})")

DEFAULT_ORDER = {"twarc_csv": "newest", "v1_jsonl": "oldest", "generic_csv": "shuffled", "jetstream_jsonl": "oldest",
                 "twarc2_jsonl": "newest"}

# twarc-csv >= 0.5 tweet columns (84 of them), in its order
TWARC_COLUMNS = """id conversation_id referenced_tweets.replied_to.id referenced_tweets.retweeted.id
referenced_tweets.quoted.id author_id in_reply_to_user_id in_reply_to_username retweeted_user_id retweeted_username
quoted_user_id quoted_username created_at text lang source public_metrics.impression_count public_metrics.reply_count
public_metrics.retweet_count public_metrics.quote_count public_metrics.like_count public_metrics.bookmark_count reply_settings edit_history_tweet_ids
edit_controls.edits_remaining edit_controls.editable_until edit_controls.is_edit_eligible possibly_sensitive
withheld.scope withheld.copyright withheld.country_codes entities.annotations entities.cashtags entities.hashtags
entities.mentions entities.urls context_annotations attachments.media attachments.media_keys
attachments.poll.duration_minutes attachments.poll.end_datetime attachments.poll.id attachments.poll.options
attachments.poll.voting_status attachments.poll_ids author.id author.created_at author.username author.name
author.description author.entities.description.cashtags author.entities.description.hashtags
author.entities.description.mentions author.entities.description.urls author.entities.url.urls author.url
author.location author.pinned_tweet_id author.profile_image_url author.protected author.public_metrics.followers_count
author.public_metrics.following_count author.public_metrics.listed_count author.public_metrics.tweet_count
author.verified author.verified_type author.withheld.scope author.withheld.copyright author.withheld.country_codes
geo.coordinates.coordinates geo.coordinates.type geo.country geo.country_code geo.full_name geo.geo.bbox geo.geo.type
geo.id geo.name geo.place_id geo.place_type matching_rules __twarc.retrieved_at __twarc.url __twarc.version""".split()

GENERIC_COLUMNS = ["Tweet ID", "Date", "Handle", "Name", "Tweet Text", "Language", "Retweets", "Likes", "In Reply To"]

SOURCE_URLS = {"Twitter for iPhone": "http://twitter.com/download/iphone",
               "Twitter for Android": "http://twitter.com/download/android",
               "Twitter for iPad": "http://twitter.com/#!/download/ipad",
               "Twitter Web App": "https://mobile.twitter.com", "TweetDeck": "https://about.twitter.com/products/tweetdeck"}

CSV_DAMAGE = ["truncated_row", "broken_quote", "bad_timestamp"]
JSONL_DAMAGE = ["truncated_line", "invalid_json", "bad_timestamp"]
BAD_TIMES = {"iso": ["2020-13-45T25:61:00.000Z", "not a date", "", "0000-00-00T00:00:00.000Z", "2020-06-0"],
             "v1": ["Wed Jun 33 25:61:99 +0000 2020", "yesterday", "", "Thu Foo 01 00:00:00 +0000 2020"],
             "plain": ["2020-02-30 24:00:99", "n/a", "", "31/31/2020 99:99"]}


# ----------------------------------------------------------------------------- helpers
def iso_ms(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def v1_time(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def plain_time(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def fake_user_id(name):
    """A stable id for a mentioned account that never posts in the data (e.g. a brand)."""
    return str(10**8 + zlib.crc32(name.lower().encode()) % (9 * 10**8))


def entities(world, text, links):
    """Hashtags, mentions, urls and cashtags with code point offsets into text."""
    out = {"hashtags": [], "mentions": [], "urls": [], "cashtags": []}
    for m in HASHTAG_RE.finditer(text):
        out["hashtags"].append({"start": m.start(), "end": m.end(), "tag": m.group(1)})
    for m in MENTION_RE.finditer(text):
        acc = world.accounts_by_name.get(m.group(1).lower())
        out["mentions"].append({"start": m.start(), "end": m.end(), "username": m.group(1),
                                "id": acc.id if acc else fake_user_id(m.group(1))})
    for m in CASHTAG_RE.finditer(text):
        out["cashtags"].append({"start": m.start(), "end": m.end(), "tag": m.group(1)})
    pos = 0
    for tco, expanded in links:
        at = text.find(tco, pos)
        if at < 0:
            continue
        pos = at + len(tco)
        display = re.sub(r"^https?://", "", expanded)
        out["urls"].append({"start": at, "end": pos, "url": tco, "expanded_url": expanded,
                            "display_url": display[:26] + ("…" if len(display) > 26 else "")})
    return out


def ordered(world, order):
    posts = list(world.posts)
    if order == "newest":
        posts.reverse()
    elif order == "shuffled":
        random.Random(f"{world.seed}:order").shuffle(posts)
    return posts


def damage_plan(world, layout, rate):
    """{post id: damage kind}; the same posts for every layout of a seed."""
    if rate <= 0:
        return {}
    pick = random.Random(f"{world.seed}:damage")
    k = min(len(world.posts), max(1, round(rate * len(world.posts))))
    chosen = sorted(pick.sample(range(len(world.posts)), k))
    kinds = random.Random(f"{world.seed}:damage:{layout}")
    menu = JSONL_DAMAGE if layout.endswith("jsonl") else CSV_DAMAGE
    return {world.posts[i].id: kinds.choice(menu) for i in chosen}


def quote_a_word(text, rng):
    """The text with one word wrapped in double quotes (written unescaped: a broken quote)."""
    words = text.split(" ")
    i = rng.randrange(len(words))
    words[i] = f'"{words[i]}"'
    return " ".join(words)


def csv_record(values, lineterminator):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=lineterminator).writerow(values)
    return buf.getvalue()


def damaged_csv_record(values, kind, text_col, time_col, time_style, lineterminator, rng):
    """One CSV record with its damage applied; a cut never leaves a quote open (the damage
    stays in its own row)."""
    values = list(values)
    if kind == "broken_quote" and "\n" in values[text_col]:
        kind = "truncated_row"
    if kind == "bad_timestamp":
        values[time_col] = rng.choice(BAD_TIMES[time_style])
        return csv_record(values, lineterminator), kind
    if kind == "broken_quote":
        marker = "\x01BROKEN\x01"
        broken = quote_a_word(values[text_col].replace('"', "'"), rng)
        values[text_col] = marker
        return csv_record(values, lineterminator).replace(marker, f'"{broken}"'), kind
    record = csv_record(values, lineterminator).rstrip("\r\n")
    cut = rng.randrange(len(record) // 5, max(len(record) // 5 + 1, len(record) * 4 // 5))
    while cut > 1 and record[:cut].count('"') % 2:
        cut -= 1
    return record[:cut] + lineterminator, kind


def damaged_json_line(obj, kind, time_key, rng):
    if kind == "bad_timestamp":
        obj = dict(obj)
        obj[time_key] = rng.choice(BAD_TIMES["v1"])
        return json.dumps(obj, ensure_ascii=False), kind
    line = json.dumps(obj, ensure_ascii=False)
    if kind == "invalid_json":
        bad = rng.choice([line[:-1] + ",}", line.replace('": ', '" ', 1), line.replace('{"', "{'", 1)])
    else:
        bad = line[: rng.randrange(len(line) // 3, len(line) * 9 // 10)]
    try:
        json.loads(bad)
        bad = line[: len(line) // 2]
    except ValueError:
        pass
    return bad, kind


# ----------------------------------------------------------------------------- twarc-csv
def twarc_row(world, p, retrieved_at, query_url):
    a = p.author
    ent = entities(world, p.text, p.links)
    replied = p.reply_to
    rt = p.retweet_of
    quoted = p.quote_of
    editable = p.time >= datetime(2022, 9, 1, tzinfo=timezone.utc).timestamp()
    jl = lambda xs: json.dumps(xs, ensure_ascii=False) if xs else ""  # noqa: E731
    row = {
        "id": p.id, "conversation_id": p.conversation_id,
        "referenced_tweets.replied_to.id": replied.id if replied else "",
        "referenced_tweets.retweeted.id": rt.id if rt else "",
        "referenced_tweets.quoted.id": quoted.id if quoted else "",
        "author_id": a.id,
        "in_reply_to_user_id": replied.author.id if replied else "",
        "in_reply_to_username": replied.author.username if replied else "",
        "retweeted_user_id": rt.author.id if rt else "", "retweeted_username": rt.author.username if rt else "",
        "quoted_user_id": quoted.author.id if quoted else "", "quoted_username": quoted.author.username if quoted else "",
        "created_at": iso_ms(p.time), "text": p.text.replace("\r", "").replace("\n", r"\n"), "lang": p.lang,
        "source": a.source,
        "public_metrics.impression_count": 0 if not editable else p.metrics["like_count"] * 40,
        "public_metrics.reply_count": p.metrics["reply_count"], "public_metrics.retweet_count": p.metrics["retweet_count"],
        "public_metrics.quote_count": p.metrics["quote_count"], "public_metrics.like_count": p.metrics["like_count"],
        "reply_settings": "everyone", "edit_history_tweet_ids": json.dumps([p.id]),
        "edit_controls.edits_remaining": 5 if editable else "",
        "edit_controls.editable_until": iso_ms(p.time + 1800) if editable else "",
        "edit_controls.is_edit_eligible": ("False" if rt else "True") if editable else "",
        "possibly_sensitive": "False",
        "entities.cashtags": jl(ent["cashtags"]), "entities.hashtags": jl(ent["hashtags"]),
        "entities.mentions": jl(ent["mentions"]), "entities.urls": jl(ent["urls"]),
        "author.id": a.id, "author.created_at": iso_ms(a.created), "author.username": a.username, "author.name": a.name,
        "author.description": a.description, "author.location": a.location,
        "author.profile_image_url": f"https://pbs.twimg.com/profile_images/{int(a.id) % 10**12}/img_normal.jpg",
        "author.protected": "False", "author.public_metrics.followers_count": a.followers,
        "author.public_metrics.following_count": a.following, "author.public_metrics.listed_count": a.listed,
        "author.public_metrics.tweet_count": a.statuses, "author.verified": str(a.verified),
        "author.verified_type": "blue" if a.verified else "none",
        "__twarc.retrieved_at": retrieved_at, "__twarc.url": query_url, "__twarc.version": "2.14.0",
    }
    return [row.get(c, "") for c in TWARC_COLUMNS]


def write_twarc_csv(world, path, posts, plan):
    rng = random.Random(f"{world.seed}:layout:twarc_csv")
    retrieved = datetime.fromtimestamp(world.end + rng.randrange(3600, 30 * 3600), tz=timezone.utc)
    retrieved_at = retrieved.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(10**6):06d}+00:00"
    top = [t["tag"] for t in world.topics[:2]] + [w["tag"] for w in world.waves]
    query_url = "https://api.twitter.com/2/tweets/search/all?query=" + "%20OR%20".join("%23" + t for t in top)
    text_col, time_col = TWARC_COLUMNS.index("text"), TWARC_COLUMNS.index("created_at")
    damaged = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(csv_record(TWARC_COLUMNS, "\n"))
        for row_no, p in enumerate(posts, start=1):
            values = twarc_row(world, p, retrieved_at, query_url)
            if p.id in plan:
                record, kind = damaged_csv_record(values, plan[p.id], text_col, time_col, "iso", "\n", rng)
                damaged.append({"id": p.id, "kind": kind, "row": row_no})
                f.write(record)
            else:
                f.write(csv_record(values, "\n"))
    return damaged


# ----------------------------------------------------------------------------- v1.1 JSONL
def v1_user(a):
    return {"id": int(a.id), "id_str": a.id, "name": a.name, "screen_name": a.username, "location": a.location,
            "description": a.description, "url": None, "entities": {"description": {"urls": []}}, "protected": False,
            "followers_count": a.followers, "friends_count": a.following, "listed_count": a.listed,
            "created_at": v1_time(a.created), "favourites_count": a.statuses // 3, "utc_offset": None, "time_zone": None,
            "geo_enabled": False, "verified": a.verified, "statuses_count": a.statuses, "lang": None,
            "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{int(a.id) % 10**12}/img_normal.jpg",
            "default_profile": True, "following": None, "follow_request_sent": None, "notifications": None}


def v1_status(world, p, text_key, with_nested=True):
    ent = entities(world, p.text, p.links)
    replied = p.reply_to
    source = p.author.source
    href = SOURCE_URLS.get(source, "https://example.com/app")
    status = {
        "created_at": v1_time(p.time), "id": int(p.id), "id_str": p.id, text_key: p.text, "truncated": False,
        "display_text_range": [0, len(p.text)],
        "entities": {"hashtags": [{"text": h["tag"], "indices": [h["start"], h["end"]]} for h in ent["hashtags"]],
                     "symbols": [{"text": c["tag"], "indices": [c["start"], c["end"]]} for c in ent["cashtags"]],
                     "user_mentions": [{"screen_name": m["username"], "name": m["username"], "id": int(m["id"]),
                                        "id_str": m["id"], "indices": [m["start"], m["end"]]} for m in ent["mentions"]],
                     "urls": [{"url": u["url"], "expanded_url": u["expanded_url"], "display_url": u["display_url"],
                               "indices": [u["start"], u["end"]]} for u in ent["urls"]]},
        "source": f'<a href="{href}" rel="nofollow">{source}</a>',
        "in_reply_to_status_id": int(replied.id) if replied else None,
        "in_reply_to_status_id_str": replied.id if replied else None,
        "in_reply_to_user_id": int(replied.author.id) if replied else None,
        "in_reply_to_user_id_str": replied.author.id if replied else None,
        "in_reply_to_screen_name": replied.author.username if replied else None,
        "user": v1_user(p.author), "geo": None, "coordinates": None, "place": None, "contributors": None,
        "is_quote_status": p.quote_of is not None,
        "retweet_count": p.metrics["retweet_count"] if not p.retweet_of else p.retweet_of.metrics["retweet_count"],
        "favorite_count": p.metrics["like_count"], "favorited": False, "retweeted": False,
        "possibly_sensitive": False, "lang": p.lang,
    }
    if p.quote_of is not None:
        status["quoted_status_id"] = int(p.quote_of.id)
        status["quoted_status_id_str"] = p.quote_of.id
        if with_nested:
            status["quoted_status"] = v1_status(world, p.quote_of, text_key, with_nested=False)
    if p.retweet_of is not None and with_nested:
        status["retweeted_status"] = v1_status(world, p.retweet_of, text_key, with_nested=False)
    return status


def write_v1_jsonl(world, path, posts, plan):
    rng = random.Random(f"{world.seed}:layout:v1_jsonl")
    text_key = "full_text" if rng.random() < 0.75 else "text"
    damaged = []
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row_no, p in enumerate(posts, start=1):
            obj = v1_status(world, p, text_key)
            if p.id in plan:
                line, kind = damaged_json_line(obj, plan[p.id], "created_at", rng)
                damaged.append({"id": p.id, "kind": kind, "row": row_no})
            else:
                line = json.dumps(obj, ensure_ascii=False)
            f.write(line + "\n")
    return damaged


# ----------------------------------------------------------------------------- generic CSV
def write_generic_csv(world, path, posts, plan):
    rng = random.Random(f"{world.seed}:layout:generic_csv")
    text_col, time_col = GENERIC_COLUMNS.index("Tweet Text"), GENERIC_COLUMNS.index("Date")
    damaged = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(csv_record(GENERIC_COLUMNS, "\r\n"))
        for row_no, p in enumerate(posts, start=1):
            values = [p.id, plain_time(p.time), "@" + p.author.username, p.author.name, p.text, p.lang,
                      p.metrics["retweet_count"], p.metrics["like_count"],
                      "@" + p.reply_to.author.username if p.reply_to else ""]
            if p.id in plan:
                record, kind = damaged_csv_record(values, plan[p.id], text_col, time_col, "plain", "\r\n", rng)
                damaged.append({"id": p.id, "kind": kind, "row": row_no})
                f.write(record)
            else:
                f.write(csv_record(values, "\r\n"))
    return damaged


# ----------------------------------------------------------------------------- Bluesky Jetstream
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def b32_sortable(n, width):
    out = []
    for _ in range(width):
        out.append(TID_ALPHABET[n & 31])
        n >>= 5
    return "".join(reversed(out))


def did_of(account_id):
    """A did:plc made from the account id (24 characters of base32, as real ones have)."""
    h = int.from_bytes(zlib.crc32(account_id.encode()).to_bytes(4, "big") * 4, "big")
    return "did:plc:" + b32_sortable(h, 24)


def cid_of(post_id):
    return "bafyrei" + b32_sortable(int(post_id) * 2654435761 % (1 << 250), 52)


def at_uri(world, p):
    collection = "app.bsky.feed.repost" if p.retweet_of is not None else "app.bsky.feed.post"
    return f"at://{did_of(p.author.id)}/{collection}/{p.id}"


def bluesky_text(world, p):
    """The text as a Bluesky client writes it, with its facets (UTF-8 byte offsets): links
    shown shortened with the full address in a link facet, mentions as handles, hashtags as
    tag facets; a quoted post's link leaves the text for a record embed; a reply's leading
    @mention (Twitter's reply prefix) is dropped."""
    text = p.text
    if p.reply_to is not None:
        prefix = f"@{p.reply_to.author.username} "
        if text.startswith(prefix):
            text = text[len(prefix):]
    quote_links = [tco for tco, exp in p.links if p.quote_of is not None and "/status/" in exp]
    for tco in quote_links:
        text = text.replace(" " + tco, "").replace(tco, "")
    pieces = []  # (start, end, replacement, feature)
    for tco, expanded in p.links:
        if tco in quote_links:
            continue
        at = text.find(tco)
        if at < 0:
            continue
        display = re.sub(r"^https?://", "", expanded)
        display = display[:27] + "..." if len(display) > 30 else display
        pieces.append((at, at + len(tco), display, {"$type": "app.bsky.richtext.facet#link", "uri": expanded}))
    for m in MENTION_RE.finditer(text):
        acc = world.accounts_by_name.get(m.group(1).lower())
        did = did_of(acc.id if acc else fake_user_id(m.group(1)))
        pieces.append((m.start(), m.end(), f"@{m.group(1).lower()}.bsky.social",
                       {"$type": "app.bsky.richtext.facet#mention", "did": did}))
    for m in HASHTAG_RE.finditer(text):
        pieces.append((m.start(), m.end(), m.group(0), {"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}))
    pieces.sort(key=lambda x: x[0])
    out, facets, pos, kept = "", [], 0, []
    for start, end, repl, feature in pieces:
        if start < pos:
            continue
        out += text[pos:start]
        byte_start = len(out.encode())
        out += repl
        facets.append({"index": {"byteStart": byte_start, "byteEnd": len(out.encode())}, "features": [feature]})
        pos = end
    out += text[pos:]
    return out, facets


def jetstream_event(world, p):
    did = did_of(p.author.id)
    created = datetime.fromtimestamp(p.time, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{p.ms:03d}Z"
    seen_us = (p.time * 1000 + p.ms) * 1000 + 150_000 + int(p.id) % 700_000
    if p.retweet_of is not None:
        collection = "app.bsky.feed.repost"
        target = p.retweet_of
        record = {"$type": collection, "createdAt": created,
                  "subject": {"cid": cid_of(target.id), "uri": at_uri(world, target)}}
    else:
        collection = "app.bsky.feed.post"
        text, facets = bluesky_text(world, p)
        record = {"$type": collection, "createdAt": created}
        if p.lang and p.lang != "und":
            record["langs"] = [p.lang]
        if p.reply_to is not None:
            root = p.reply_to
            while root.reply_to is not None:
                root = root.reply_to
            record["reply"] = {"parent": {"cid": cid_of(p.reply_to.id), "uri": at_uri(world, p.reply_to)},
                               "root": {"cid": cid_of(root.id), "uri": at_uri(world, root)}}
        record["text"] = text
        if facets:
            record["facets"] = facets
        if p.quote_of is not None:
            record["embed"] = {"$type": "app.bsky.embed.record",
                               "record": {"cid": cid_of(p.quote_of.id), "uri": at_uri(world, p.quote_of)}}
    return {"did": did, "time_us": seen_us, "kind": "commit",
            "commit": {"rev": b32_sortable(seen_us << 10, 13), "operation": "create", "collection": collection,
                       "rkey": p.id, "record": record, "cid": cid_of(p.id)}}


def write_jetstream_jsonl(world, path, posts, plan):
    """Jetstream's commit events, one per line: posts, and reposts for retweets (a repost
    carries no text: only its subject's address). The record key is the post's id, so the
    truth's ids are the last part of each at:// address."""
    rng = random.Random(f"{world.seed}:layout:jetstream_jsonl")
    damaged = []
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row_no, p in enumerate(posts, start=1):
            obj = jetstream_event(world, p)
            if p.id in plan:
                kind = plan[p.id]
                if kind == "bad_timestamp":
                    obj["commit"]["record"]["createdAt"] = rng.choice(BAD_TIMES["iso"][:2] + BAD_TIMES["iso"][3:])
                    line = json.dumps(obj, ensure_ascii=False)
                else:
                    line, kind = damaged_json_line(obj, kind, "time_us", rng)
                damaged.append({"id": p.id, "kind": kind, "row": row_no})
            else:
                line = json.dumps(obj, ensure_ascii=False)
            f.write(line + "\n")
    return damaged


# ----------------------------------------------------------------------------- twarc2 pages
def v2_user(a):
    return {"id": a.id, "username": a.username, "name": a.name, "created_at": iso_ms(a.created),
            "description": a.description, "location": a.location, "protected": False, "verified": a.verified,
            "public_metrics": {"followers_count": a.followers, "following_count": a.following,
                               "tweet_count": a.statuses, "listed_count": a.listed}}


def v2_tweet(world, p):
    """A tweet as API v2 returns it in `data`: a retweet's text is cut at 140 characters, as
    the API cuts it; the full text is in the page's `includes.tweets`."""
    text = p.text
    if p.retweet_of is not None and len(text) > 140:
        text = text[:139] + "…"
    ent = entities(world, text, p.links)
    tweet = {"id": p.id, "text": text, "created_at": iso_ms(p.time).replace(".000Z", f".{p.ms:03d}Z"),
             "author_id": p.author.id, "conversation_id": p.conversation_id, "lang": p.lang,
             "edit_history_tweet_ids": [p.id], "possibly_sensitive": False, "reply_settings": "everyone",
             "source": p.author.source,
             "public_metrics": {"retweet_count": p.metrics["retweet_count"], "reply_count": p.metrics["reply_count"],
                                "like_count": p.metrics["like_count"], "quote_count": p.metrics["quote_count"]}}
    entities_out = {k: v for k, v in (("hashtags", [{"start": h["start"], "end": h["end"], "tag": h["tag"]}
                                                    for h in ent["hashtags"]]),
                                      ("mentions", ent["mentions"]), ("urls", ent["urls"]),
                                      ("cashtags", ent["cashtags"])) if v}
    if entities_out:
        tweet["entities"] = entities_out
    refs = [("retweeted", p.retweet_of), ("quoted", p.quote_of), ("replied_to", p.reply_to)]
    refs = [{"type": kind, "id": ref.id} for kind, ref in refs if ref is not None]
    if refs:
        tweet["referenced_tweets"] = refs
    if p.reply_to is not None:
        tweet["in_reply_to_user_id"] = p.reply_to.author.id
    return tweet


def twarc2_page(world, posts, query_url):
    data = [v2_tweet(world, p) for p in posts]
    referenced, users = {}, {}
    for p in posts:
        users[p.author.id] = p.author
        for ref in (p.retweet_of, p.quote_of, p.reply_to):
            if ref is not None:
                referenced[ref.id] = ref
                users[ref.author.id] = ref.author
    ids = [int(p.id) for p in posts]
    return {"data": data,
            "includes": {"users": [v2_user(a) for a in users.values()],
                         "tweets": [dict(v2_tweet(world, r), text=r.text) for r in referenced.values()]},
            "meta": {"newest_id": str(max(ids)), "oldest_id": str(min(ids)), "result_count": len(posts)},
            "__twarc": {"url": query_url, "version": "2.14.0", "retrieved_at": "2023-01-01T00:00:00+00:00"}}


def write_twarc2_jsonl(world, path, posts, plan):
    """twarc2's raw output: one API response page (100 tweets, with their users and the
    tweets they retweet, quote or answer in `includes`) per line. A damaged post spoils its
    whole page, as a cut or corrupted line would: the truth lists every post of that page."""
    rng = random.Random(f"{world.seed}:layout:twarc2_jsonl")
    top = [t["tag"] for t in world.topics[:2]] + [w["tag"] for w in world.waves]
    query_url = "https://api.twitter.com/2/tweets/search/all?query=" + "%20OR%20".join("%23" + t for t in top)
    damaged = []
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row_no, start in enumerate(range(0, len(posts), 100), start=1):
            page_posts = posts[start:start + 100]
            obj = twarc2_page(world, page_posts, query_url)
            spoiled = [p for p in page_posts if p.id in plan]
            if spoiled:
                kind = plan[spoiled[0].id]
                if kind == "bad_timestamp":
                    i = page_posts.index(spoiled[0])
                    obj["data"][i]["created_at"] = rng.choice(BAD_TIMES["iso"])
                    line = json.dumps(obj, ensure_ascii=False)
                    damaged.append({"id": spoiled[0].id, "kind": kind, "row": row_no})
                else:
                    line, kind = damaged_json_line(obj, kind, "meta", rng)
                    damaged.extend({"id": p.id, "kind": kind, "row": row_no} for p in page_posts)
            else:
                line = json.dumps(obj, ensure_ascii=False)
            f.write(line + "\n")
    return damaged


LAYOUTS = {"twarc_csv": write_twarc_csv, "v1_jsonl": write_v1_jsonl, "generic_csv": write_generic_csv,
           "jetstream_jsonl": write_jetstream_jsonl, "twarc2_jsonl": write_twarc2_jsonl}


def write(world, layout, path, order, damage):
    """Write the world in this layout; returns the damaged rows [{id, kind, row}]."""
    plan = damage_plan(world, layout, damage)
    return LAYOUTS[layout](world, path, ordered(world, order), plan)
