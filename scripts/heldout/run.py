#!/usr/bin/env python3
"""Held-out comparison: generate worlds, run derail and/or the peer on them, score both.

  python3 scripts/heldout/run.py --work DIR [--seeds 1-6] [--layouts twarc_csv,v1_jsonl,generic_csv]
                                 [--posts 20000] [--damage 0] [--tools derail,peer] [--reuse]

derail:  $DERAIL analyze FILE --out A.csv --report R.json   (DERAIL defaults to
         /work/main/target/release/derail)
peer:    $PEER_PYTHON $PEER_SCRIPT FILE --out P.csv --report PR.json   (defaults
         /tmp/peer/bin/python and /work/shared/peer/peer_pipeline.py)

Everything goes into --work: the datasets and their truth, each tool's outputs and logs,
and results.json (every score). Prints one table (a row per file and tool) and a worst-case
line per tool.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import layouts  # noqa: E402
import score  # noqa: E402
import worlds  # noqa: E402

EXT = {"twarc_csv": "csv", "v1_jsonl": "jsonl", "generic_csv": "csv", "jetstream_jsonl": "jsonl", "twarc2_jsonl": "jsonl"}


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds.extend(range(int(a), int(b) + 1))
        elif part:
            seeds.append(int(part))
    return seeds


def dataset_path(work, seed, layout, posts):
    return os.path.join(work, f"s{seed}_{layout}_{posts}.{EXT[layout]}")


def generate(seed, layout_names, posts, damage, work, reuse):
    """Build the world once per seed and write each layout (skipped with --reuse if present)."""
    paths = {name: dataset_path(work, seed, name, posts) for name in layout_names}
    todo = [n for n, p in paths.items() if not (reuse and os.path.exists(p) and os.path.exists(p + ".truth.json"))]
    if todo:
        t0 = time.time()
        world = worlds.World(seed, posts).build()
        for name in todo:
            order = layouts.DEFAULT_ORDER[name]
            damaged = layouts.write(world, name, paths[name], order, damage)
            worlds.write_truth(world, paths[name], damaged, name, order)
        print(f"[run] seed {seed}: generated {', '.join(todo)} in {time.time() - t0:.1f} s", file=sys.stderr)
    return paths


def tool_command(tool, args, data, out, report):
    if tool == "derail":
        return [args.derail, "analyze", data, "--out", out, "--report", report]
    return [args.peer_python, args.peer_script, data, "--out", out, "--report", report]


def tool_available(tool, args):
    if tool == "derail":
        return os.path.isfile(args.derail) and os.access(args.derail, os.X_OK), args.derail
    ok = os.path.isfile(args.peer_python) and os.path.isfile(args.peer_script)
    return ok, f"{args.peer_python} {args.peer_script}"


def run_tool(tool, args, data, previous=None):
    stem = os.path.splitext(data)[0]
    out, report, log = f"{stem}.{tool}.annotated.csv", f"{stem}.{tool}.report.json", f"{stem}.{tool}.log"
    if args.rescore:  # the outputs of an earlier run, scored again
        rc = 0
        seconds = (previous or {}).get("seconds", 0.0)
    else:
        cmd = tool_command(tool, args, data, out, report)
        t0 = time.time()
        with open(log, "w") as logf:
            try:
                proc = subprocess.run(cmd, stdout=logf, stderr=subprocess.STDOUT, timeout=args.timeout)
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        seconds = round(time.time() - t0, 1)
    if rc != 0 or not (os.path.exists(out) and os.path.exists(report)):
        with open(log, errors="replace") as f:
            tail = f.read()[-300:].strip().replace("\n", " | ")
        return {"error": f"exit {rc}: {tail}", "seconds": seconds, "log": log}
    try:
        result = score.score(data, out, report)
    except SystemExit as e:  # score.py exits with a message on unusable files
        return {"error": f"score: {e}", "seconds": seconds, "log": log}
    result["seconds"] = seconds
    result["log"] = log
    return result


def signed_worst(windows, key):
    vals = [w[key] for w in windows if w[key] is not None]
    return max(vals, key=abs) if vals else None


def fmt_err(x):
    return "-" if x is None else f"{x:+.0f}"


def fmt_share(x):
    return "-" if x is None else f"{100 * x:.0f}%"


HEADER = (f"{'file':<34} {'tool':<7} {'F1':>5} {'P':>5} {'R':>5} {'ARI':>5} {'ARIt':>5} {'miss':>4} {'FA':>3} "
          f"{'CS→tk':>6} {'CS tag':>6} {'onset':>6} {'end':>6} {'secs':>6}  notes")


def table_row(name, tool, r):
    if "error" in r:
        return f"{name:<34} {tool:<7} ERROR ({r['seconds']} s): {r['error'][:120]}"
    ari = "-" if r["ari"] is None else f"{r['ari']:.2f}"
    ari_t = "-" if r.get("ari_templates") is None else f"{r['ari_templates']:.2f}"
    notes = []
    if r["false_alarm_tags"] or r["off_window_moments"]:
        notes.append("FA " + ",".join([f"#{a['hashtag']}({a['kind']})" for a in r["false_alarm_tags"]]
                                      + [f"#{t}(off-window)" for t in r["off_window_moments"]]))
    missed = [w["hashtag"] for w in r["windows"] if not w["detected"]]
    if missed:
        notes.append("missed " + ",".join("#" + t for t in missed))
    if r["truth_posts_missing"]:
        notes.append(f"{r['truth_posts_missing']} rows lost")
    return (f"{name:<34} {tool:<7} {r['f1']:5.2f} {r['precision']:5.2f} {r['recall']:5.2f} {ari:>5} {ari_t:>5} "
            f"{r['windows_missed']:>4} {r['false_alarms']:>3} {fmt_share(r['counter_speech_marked_takeover']):>6} "
            f"{fmt_share(r['counter_speech_tagged']):>6} {fmt_err(signed_worst(r['windows'], 'onset_error_min')):>6} "
            f"{fmt_err(signed_worst(r['windows'], 'end_error_min')):>6} {r['seconds']:>6}  {'; '.join(notes)}")


def worst_line(tool, results):
    ok = [r for r in results if "error" not in r]
    failed = len(results) - len(ok)
    if not ok:
        return f"worst {tool:<7} no successful runs ({failed} failed)"

    def worst(key, fn):
        vals = [r[key] for r in ok if r[key] is not None]
        return fn(vals) if vals else None

    onset = worst("max_abs_onset_error_min", max)
    end = worst("max_abs_end_error_min", max)
    ari = worst("ari", min)
    ari_t = worst("ari_templates", min)
    cs = worst("counter_speech_marked_takeover", max)
    return (f"worst {tool:<7} F1 {worst('f1', min):.2f}  ARI {'-' if ari is None else f'{ari:.2f}'}  "
            f"ARI templates {'-' if ari_t is None else f'{ari_t:.2f}'}  "
            f"missed {sum(r['windows_missed'] for r in ok)}/{sum(len(r['windows']) for r in ok)} windows "
            f"(max {worst('windows_missed', max)} in a file)  false alarms {sum(r['false_alarms'] for r in ok)} "
            f"(max {worst('false_alarms', max)})  counter-speech marked ≤ {fmt_share(cs)}  "
            f"|onset| ≤ {'-' if onset is None else f'{onset:.0f}'} min  |end| ≤ {'-' if end is None else f'{end:.0f}'} min"
            f"  slowest {max(r['seconds'] for r in ok)} s" + (f"  FAILED {failed}" if failed else ""))


def load_results(work):
    """{(tool, file): result} from WORK/results.json, if there is one."""
    path = os.path.join(work, "results.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {(tool, r["file"]): r for tool, runs in json.load(f).get("results", {}).items() for r in runs}


def save_results(args, results):
    """WORK/results.json keeps every (tool, file) scored in WORK; this run's replace older ones."""
    path = os.path.join(args.work, "results.json")
    merged = {}
    if os.path.exists(path):
        with open(path) as f:
            for tool, runs in json.load(f).get("results", {}).items():
                for r in runs:
                    merged[(tool, r["file"])] = r
    for tool, runs in results.items():
        for r in runs:
            merged[(tool, r["file"])] = r
    out = {}
    for (tool, _), r in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[1]["seed"], kv[1]["layout"])):
        out.setdefault(tool, []).append(r)
    with open(path, "w") as f:
        json.dump({"last_args": vars(args), "results": out}, f, indent=1, ensure_ascii=False)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="directory for datasets, outputs, logs and results.json")
    ap.add_argument("--seeds", default="1-6", help="e.g. 1-6 or 1,3,9")
    ap.add_argument("--layouts", default="twarc_csv,v1_jsonl,generic_csv")
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument("--damage", type=float, default=0.0, help="share of damaged rows, e.g. 0.005")
    ap.add_argument("--tools", default="derail,peer")
    ap.add_argument("--derail", default=os.environ.get("DERAIL", "/work/main/target/release/derail"))
    ap.add_argument("--peer-python", default=os.environ.get("PEER_PYTHON", "/tmp/peer/bin/python"))
    ap.add_argument("--peer-script", default=os.environ.get("PEER_SCRIPT", "/work/shared/peer/peer_pipeline.py"))
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per tool run")
    ap.add_argument("--reuse", action="store_true", help="keep datasets already in --work")
    ap.add_argument("--rescore", action="store_true",
                    help="run no tool: score the outputs already in --work again (implies --reuse)")
    args = ap.parse_args(argv)
    args.reuse = args.reuse or args.rescore

    os.makedirs(args.work, exist_ok=True)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    for t in tools:
        if t not in ("derail", "peer"):
            sys.exit(f"run: unknown tool {t!r} (derail, peer)")
    layout_names = [x.strip() for x in args.layouts.split(",") if x.strip()]
    for name in layout_names:
        if name not in layouts.LAYOUTS:
            sys.exit(f"run: unknown layout {name!r} ({', '.join(layouts.LAYOUTS)})")
    available = {}
    for t in tools:
        ok, what = tool_available(t, args)
        available[t] = ok
        if not ok:
            print(f"[run] {t}: not found ({what}); skipped", file=sys.stderr)

    results = {t: [] for t in tools}
    rows = []
    earlier = load_results(args.work) if args.rescore else {}
    for seed in parse_seeds(args.seeds):
        paths = generate(seed, layout_names, args.posts, args.damage, args.work, args.reuse)
        for name in layout_names:
            data = paths[name]
            for t in tools:
                if not available[t]:
                    continue
                print(f"[run] {t} on {os.path.basename(data)} ...", file=sys.stderr)
                r = run_tool(t, args, data, earlier.get((t, data)))
                r.update({"seed": seed, "layout": name, "file": data, "tool": t})
                results[t].append(r)
                rows.append(table_row(os.path.basename(data), t, r))
    save_results(args, results)
    print(HEADER)
    for row in rows:
        print(row)
    for t in tools:
        if available[t]:
            print(worst_line(t, results[t]))
    print("(F1/P/R: takeover posts; miss: truth windows without an overlapping moment; FA: moments on tags that are "
          "no takeover, or off-window; CS→tk: counter-speech marked takeover; CS tag: tagged counter_speech; "
          "onset/end: signed worst error in minutes, report minus truth)")
    print(f"[run] results: {os.path.join(args.work, 'results.json')}", file=sys.stderr)


if __name__ == "__main__":
    main()
