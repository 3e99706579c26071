#!/usr/bin/env python3
"""Sanity checks of a gen3 world: python3 check.py FILE [--show K]."""
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone

HASHTAG_RE = re.compile(r"(?<![\w&/#])#(\w*[^\W\d_]\w*)")


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def main():
    path = sys.argv[1]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
    summ = json.load(open(path + ".truth.json", encoding="utf-8"))
    fmt = summ["date_format"]
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    rows = list(csv.DictReader(open(path, encoding="utf-8-sig", newline="")))
    truth = {r["id"]: r for r in csv.DictReader(open(path + ".truth.csv", encoding="utf-8", newline=""))}
    errs = []
    assert len(rows) == len(truth), (len(rows), len(truth))
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        errs.append("duplicate ids")
    if not all(i.isdigit() for i in ids):
        errs.append("non-digit id")
    times = {}
    prev = None
    for r in rows:
        t = datetime.strptime(r["Date"], fmt).replace(tzinfo=timezone.utc).timestamp()
        times[r["id"]] = t
        if prev is not None and t > prev:
            errs.append("not newest first")
            break
        prev = t
    n_rt = 0
    roles = Counter()
    for r in rows:
        tr = truth[r["id"]]
        tags = []
        for m in HASHTAG_RE.finditer(r["Full Text"]):
            if m.group(1).lower() not in tags:
                tags.append(m.group(1).lower())
        if not tags:
            errs.append(f"no hashtag: {r['Full Text'][:60]!r}")
        if ";".join(tags) != tr["hashtags"]:
            errs.append(f"hashtags differ {tags} {tr['hashtags']}")
        if not tr["template"].startswith(tr["family"] + "#"):
            errs.append("template not family#k")
        if r["Url"] != f"https://twitter.com/{r['Author']}/status/{r['id']}":
            errs.append("url")
        n_rt += r["Full Text"].startswith("RT @")
        roles[tr["role"]] += 1
    print(f"{path}: {len(rows)} rows, {summ['days']} days, fmt {fmt!r}, cols {len(summ['columns'])}: {', '.join(summ['columns'])}")
    print(f"  roles {dict(roles)}; retweets {n_rt / len(rows):.1%}; newline texts {sum(chr(10) in r['Full Text'] for r in rows)}")
    print(f"  background tags {len(summ['background_tags'])}: {summ['background_tags']}")
    # per takeover: hourly composition of the target tag
    by_author_tag = defaultdict(set)
    for t in summ["takeovers"]:
        tag = t["hashtag"]
        on, en = ts(t["onset"]), ts(t["end"])
        hours = defaultdict(Counter)
        for r in rows:
            tr = truth[r["id"]]
            if tag in tr["hashtags"].split(";"):
                hours[int((times[r["id"]] - on) // 3600)][tr["role"]] += 1
        print(f"  #{tag} {t['kind']}: onset {t['onset']} end {t['end']} ({(en - on) / 3600:.1f} h) flood_start {t['flood_start']} "
              f"last {t['flood_last']}; flood {t['flood_posts']} base {t['baseline_posts']} cs {t['counter_speech_posts']} "
              f"(window cs share {t['window_counter_speech_share']}), accounts {t['flood_accounts']} seen-before {t['flood_accounts_seen_on_tag_before']}")
        line = []
        for h in range(-2, int((en - on) // 3600) + 3):
            c = hours.get(h, Counter())
            tot = sum(c.values())
            line.append(f"{h:+d}:{c['takeover']}/{tot}")
        print("   hourly takeover/all: " + " ".join(line))
        fams = Counter(truth[i]["family"] for i in truth if truth[i]["role"] == "takeover")
        print(f"   flood families: {dict(fams)}")
        if not (0.025 <= (t["window_counter_speech_share"] or 0) <= 0.11):
            errs.append(f"cs share {t['window_counter_speech_share']}")
    for q in summ["quiet_events"]:
        print(f"  quiet #{q['hashtag']} {q['kind']}: {q['start']}..{q['end']} posts {q['posts']} accounts {q['accounts']} "
              f"new {q['accounts_new_to_tag']}; event {q['event'][:70]!r}")
    tags_in_data = set()
    for tr in truth.values():
        tags_in_data.update(x for x in tr["hashtags"].split(";") if x)
    targets = {t["hashtag"] for t in summ["takeovers"]}
    if set(summ["quiet_tags"]) != tags_in_data - targets:
        errs.append("quiet_tags mismatch")
    if show:
        import random
        rnd = random.Random(0)
        by_role = defaultdict(list)
        for r in rows:
            by_role[truth[r["id"]]["role"]].append(r)
        for role, rs in sorted(by_role.items()):
            print(f"--- {role}")
            for r in rnd.sample(rs, min(show, len(rs))):
                print(f"   [{truth[r['id']]['template']}] {r['Author']}: {r['Full Text']!r}")
    print("  ERRORS: " + ("; ".join(sorted(set(errs))[:10]) if errs else "none"))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
