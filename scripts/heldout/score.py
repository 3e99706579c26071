#!/usr/bin/env python3
"""Score any tool's takeover output against a held-out world's truth.

  python3 score.py --truth FILE --annotated annotated.csv --report report.json [--json]

FILE is the generated dataset (FILE.truth.csv and FILE.truth.json are read). annotated.csv
needs the input's id column (`id`, `id_str` or `Tweet ID`), `derail_takeover` (true/false),
`derail_cluster` (int; -1 or empty = none) and optionally `derail_tags` (';'-separated);
report.json needs "takeovers": [{"hashtag", "start", "end", ...}].

Scores: takeover-post precision/recall/F1 over all truth posts (a row missing from the
annotated file counts as not flagged); the adjusted Rand index of derail_cluster against
the truth template families (also against their coarser groups, and among takeover posts
only); per truth takeover: detected (a moment on that tag overlapping its window), onset
and end errors in minutes; false alarms (moments on tags that are no truth takeover);
the share of counter-speech marked takeover and, if derail_tags exists, tagged
counter_speech; the share of each quiet role (campaign, organic_surge, copypasta,
background) marked takeover. Standard library only.
"""
import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone

ID_COLUMNS = ["id", "id_str", "Tweet ID", "tweet_id", "Tweet Id"]
TRUE = {"true", "1", "yes", "y", "t"}


# ----------------------------------------------------------------------------- reading
def norm_id(value):
    """Ids stay strings; strip spaces, quotes and a spreadsheet's leading = or '."""
    v = (value or "").strip()
    if v.startswith("="):
        v = v[1:]
    v = v.strip().strip('"').strip("'").strip()
    if v.startswith("at://"):  # a Bluesky address: its record key is the post's id
        v = v.rsplit("/", 1)[-1]
    return v


def norm_tag(tag):
    return (tag or "").strip().lstrip("#").lower()


def parse_time(value):
    """ISO 8601 (Z, offsets, fractions) or epoch seconds/milliseconds -> epoch seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return value / 1000 if value > 1e11 else float(value)
    s = str(value).strip()
    try:
        return parse_time(float(s))
    except ValueError:
        pass
    s = s.replace("Z", "+00:00") if s.endswith("Z") else s
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def read_truth(path):
    posts = {}
    with open(path + ".truth.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            posts[row["id"]] = row
    with open(path + ".truth.json", encoding="utf-8") as f:
        summary = json.load(f)
    return posts, summary


def read_annotated(path):
    """{id: {"flag": bool, "cluster": str|None, "tags": set}} plus counts of what was seen."""
    csv.field_size_limit(sys.maxsize)
    rows = {}
    info = {"rows": 0, "duplicate_ids": 0, "has_tags": False, "id_column": None}
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        id_col = next((c for c in ID_COLUMNS if c in fields), None)
        if id_col is None:
            sys.exit(f"score: no id column ({', '.join(ID_COLUMNS)}) in {path}; columns: {fields[:12]}")
        for need in ("derail_takeover", "derail_cluster"):
            if need not in fields:
                sys.exit(f"score: {path} has no {need} column")
        info["id_column"] = id_col
        info["has_tags"] = "derail_tags" in fields
        for row in reader:
            info["rows"] += 1
            pid = norm_id(row.get(id_col))
            flag = (row.get("derail_takeover") or "").strip().lower() in TRUE
            cluster = (row.get("derail_cluster") or "").strip()
            cluster = None if cluster in ("", "-1", "nan", "None") else cluster
            tags = {t.strip().lower() for t in (row.get("derail_tags") or "").split(";") if t.strip()}
            if pid in rows:
                info["duplicate_ids"] += 1
                old = rows[pid]
                old["flag"] |= flag
                old["cluster"] = old["cluster"] or cluster
                old["tags"] |= tags
            else:
                rows[pid] = {"flag": flag, "cluster": cluster, "tags": tags}
    return rows, info


def read_report(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    moments = []
    for m in report.get("takeovers") or []:
        start = parse_time(m.get("start") or m.get("onset"))
        end = parse_time(m.get("end")) or parse_time(m.get("peak")) or start
        moments.append({"hashtag": norm_tag(m.get("hashtag") or m.get("tag")), "start": start, "end": end})
    return moments


# ----------------------------------------------------------------------------- metrics
def comb2(n):
    return n * (n - 1) / 2


def adjusted_rand(labels_a, labels_b):
    """ARI of two labelings (lists of hashables) of the same items."""
    n = len(labels_a)
    if n < 2:
        return None
    pairs = Counter(zip(labels_a, labels_b))
    sum_ij = sum(comb2(c) for c in pairs.values())
    sum_a = sum(comb2(c) for c in Counter(labels_a).values())
    sum_b = sum(comb2(c) for c in Counter(labels_b).values())
    expected = sum_a * sum_b / comb2(n)
    top = (sum_a + sum_b) / 2
    if top == expected:
        return 1.0
    return (sum_ij - expected) / (top - expected)


def cluster_scores(truth, ann):
    """ARI against families, against family groups, against templates (a family's phrasings
    one by one, where the truth has them), and among takeover posts; posts without a cluster
    (-1 / empty) count as singletons."""
    fam, grp, tpl, got, flood_fam, flood_got = [], [], [], [], [], []
    unclustered = missing = 0
    for pid, t in truth.items():
        if not t["family"]:
            continue
        a = ann.get(pid)
        if a is None:
            missing += 1
            continue
        label = a["cluster"] if a["cluster"] is not None else ("noise", pid)
        unclustered += a["cluster"] is None
        fam.append(t["family"])
        grp.append(t["family"].split("/")[0])
        tpl.append(t.get("template") or t["family"])
        got.append(label)
        if t["role"] == "takeover":
            flood_fam.append(t["family"])
            flood_got.append(label)
    rnd = lambda x: None if x is None else round(x, 4)  # noqa: E731
    return {"ari": rnd(adjusted_rand(fam, got)), "ari_groups": rnd(adjusted_rand(grp, got)),
            "ari_templates": rnd(adjusted_rand(tpl, got)),
            "ari_takeover_posts": rnd(adjusted_rand(flood_fam, flood_got)),
            "clustered_posts": len(got) - unclustered, "unclustered_posts": unclustered,
            "posts_missing_from_annotated": missing}


def post_scores(truth, ann):
    tp = fp = fn = 0
    for pid, t in truth.items():
        flagged = pid in ann and ann[pid]["flag"]
        positive = t["role"] == "takeover"
        tp += flagged and positive
        fp += flagged and not positive
        fn += positive and not flagged
    precision = tp / (tp + fp) if tp + fp else (1.0 if tp + fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def role_shares(truth, ann, has_tags):
    """Share of each role marked takeover (and, for counter-speech, tagged counter_speech)."""
    by_role = defaultdict(lambda: [0, 0, 0])
    for pid, t in truth.items():
        a = ann.get(pid)
        c = by_role[t["role"]]
        c[0] += 1
        c[1] += bool(a and a["flag"])
        c[2] += bool(a and "counter_speech" in a["tags"])
    flagged = {role: round(c[1] / c[0], 4) for role, c in sorted(by_role.items()) if c[0]}
    cs = by_role.get("counter_speech")
    out = {"flagged_share_by_role": flagged,
           "counter_speech_posts": cs[0] if cs else 0,
           "counter_speech_marked_takeover": round(cs[1] / cs[0], 4) if cs and cs[0] else None,
           "counter_speech_tagged": (round(cs[2] / cs[0], 4) if cs and cs[0] else None) if has_tags else None}
    return out


def window_scores(truth, summary, ann, moments):
    """Per truth takeover: detection, onset/end errors (minutes, report minus truth), and the
    share of its flood posts flagged; then false alarms."""
    truth_tags = {t["hashtag"] for t in summary["takeovers"]}
    used = set()
    windows = []
    for t in summary["takeovers"]:
        onset, end = parse_time(t["onset"]), parse_time(t["end"])
        best, best_overlap = None, -1.0
        for i, m in enumerate(moments):
            if m["hashtag"] != t["hashtag"] or m["start"] is None:
                continue
            overlap = min(end, m["end"] or m["start"]) - max(onset, m["start"])
            if overlap >= 0 and overlap > best_overlap:
                best, best_overlap = i, overlap
        flood = [pid for pid, p in truth.items() if p["role"] == "takeover" and t["hashtag"] in p["hashtags"].split(";")]
        caught = sum(1 for pid in flood if pid in ann and ann[pid]["flag"])
        row = {"hashtag": t["hashtag"], "kind": t.get("kind"), "detected": best is not None,
               "onset_error_min": None, "end_error_min": None,
               "flood_posts": len(flood), "flood_recall": round(caught / len(flood), 4) if flood else None}
        if best is not None:
            used.add(best)
            m = moments[best]
            row["onset_error_min"] = round((m["start"] - onset) / 60, 1)
            row["end_error_min"] = round(((m["end"] or m["start"]) - end) / 60, 1)
        windows.append(row)
    quiet_kinds = {e["hashtag"]: e["kind"] for e in summary.get("quiet_events", [])}
    background = set(summary.get("background_tags", []))
    false_alarms, off_window, extra_on_window = [], [], 0
    for i, m in enumerate(moments):
        if i in used:
            continue
        if m["hashtag"] in truth_tags:
            # a second moment overlapping a window is a split, not an alarm
            hits = [t for t in summary["takeovers"] if t["hashtag"] == m["hashtag"]
                    and m["start"] is not None and m["start"] <= parse_time(t["end"])
                    and (m["end"] or m["start"]) >= parse_time(t["onset"])]
            if hits:
                extra_on_window += 1
            else:
                off_window.append(m["hashtag"])
            continue
        kind = quiet_kinds.get(m["hashtag"]) or ("background" if m["hashtag"] in background else "other")
        false_alarms.append({"hashtag": m["hashtag"], "kind": kind})
    return {"windows": windows, "windows_detected": sum(w["detected"] for w in windows),
            "windows_missed": sum(not w["detected"] for w in windows),
            "false_alarms": len(false_alarms) + len(off_window), "false_alarm_tags": false_alarms,
            "off_window_moments": off_window, "split_moments": extra_on_window, "report_moments": len(moments)}


def score(truth_path, annotated_path, report_path):
    truth, summary = read_truth(truth_path)
    ann, info = read_annotated(annotated_path)
    moments = read_report(report_path)
    result = {"truth": truth_path, "posts": len(truth)}
    result.update(post_scores(truth, ann))
    result.update(cluster_scores(truth, ann))
    result.update(role_shares(truth, ann, info["has_tags"]))
    result.update(window_scores(truth, summary, ann, moments))
    onset = [abs(w["onset_error_min"]) for w in result["windows"] if w["onset_error_min"] is not None]
    end = [abs(w["end_error_min"]) for w in result["windows"] if w["end_error_min"] is not None]
    result["max_abs_onset_error_min"] = max(onset) if onset else None
    result["max_abs_end_error_min"] = max(end) if end else None
    result["annotated_rows"] = info["rows"]
    result["annotated_rows_not_in_truth"] = sum(1 for pid in ann if pid not in truth)
    result["annotated_duplicate_ids"] = info["duplicate_ids"]
    result["truth_posts_missing"] = sum(1 for pid in truth if pid not in ann)
    result["id_column"] = info["id_column"]
    return result


def pct(x):
    return "  -  " if x is None else f"{100 * x:5.1f}%"


def print_human(r):
    print(f"truth {r['truth']}: {r['posts']} posts; annotated {r['annotated_rows']} rows "
          f"({r['truth_posts_missing']} truth posts missing, {r['annotated_rows_not_in_truth']} rows not in truth)")
    print(f"takeover posts   precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
          f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    print(f"clusters         ARI {fmt(r['ari'])}  (groups {fmt(r['ari_groups'])}, templates "
          f"{fmt(r.get('ari_templates'))}, takeover posts {fmt(r['ari_takeover_posts'])}; "
          f"{r['unclustered_posts']} posts without a cluster)")
    for w in r["windows"]:
        status = "detected" if w["detected"] else "MISSED  "
        print(f"  #{w['hashtag']:<22} {w['kind'] or '':8s} {status}  onset {w['onset_error_min']} min  "
              f"end {w['end_error_min']} min  flood recall {pct(w['flood_recall'])} of {w['flood_posts']}")
    print(f"windows          {r['windows_detected']} detected, {r['windows_missed']} missed")
    alarms = ", ".join(f"#{a['hashtag']} ({a['kind']})" for a in r["false_alarm_tags"])
    off = ", ".join("#" + t for t in r["off_window_moments"])
    print(f"false alarms     {r['false_alarms']}" + (f": {alarms}" if alarms else "") + (f"; off-window: {off}" if off else ""))
    print(f"counter-speech   {r['counter_speech_posts']} posts, marked takeover {pct(r['counter_speech_marked_takeover'])}, "
          f"tagged counter_speech {pct(r['counter_speech_tagged'])}")
    print("flagged by role  " + "  ".join(f"{k} {pct(v)}" for k, v in r["flagged_share_by_role"].items()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True, help="the generated dataset (FILE.truth.csv/.json are read)")
    ap.add_argument("--annotated", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    result = score(args.truth, args.annotated, args.report)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_human(result)


if __name__ == "__main__":
    main()
