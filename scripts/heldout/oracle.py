#!/usr/bin/env python3
"""Write the truth itself in the tool contract, to test score.py (expect F1 1, ARI 1).

  python3 oracle.py FILE --out annotated.csv --report report.json [--mode truth|nothing|everything]

truth: flags exactly the takeover posts, one cluster per family, counter_speech tags, and the
true windows as report moments. nothing: flags nothing, one cluster. everything: flags
everything and reports a moment on every hashtag.
"""
import argparse
import csv
import json


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--mode", choices=["truth", "nothing", "everything"], default="truth")
    args = ap.parse_args(argv)
    with open(args.file + ".truth.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(args.file + ".truth.json", encoding="utf-8") as f:
        summary = json.load(f)
    families = {}
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "derail_tags", "derail_cluster", "derail_takeover"])
        for r in rows:
            cluster = families.setdefault(r["family"], len(families)) if args.mode == "truth" else 0
            flag = {"truth": r["role"] == "takeover", "nothing": False, "everything": True}[args.mode]
            tags = "counter_speech" if args.mode == "truth" and r["role"] == "counter_speech" else ""
            w.writerow([r["id"], tags, cluster, "true" if flag else "false"])
    if args.mode == "truth":
        moments = [{"hashtag": "#" + t["hashtag"], "start": t["onset"], "end": t["end"]} for t in summary["takeovers"]]
    elif args.mode == "everything":
        tags = sorted({t for r in rows for t in r["hashtags"].split(";") if t})
        moments = [{"hashtag": t, "start": summary["start"], "end": summary["end"]} for t in tags]
    else:
        moments = []
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump({"tool": f"oracle:{args.mode}", "takeovers": moments}, f, indent=1)


if __name__ == "__main__":
    main()
