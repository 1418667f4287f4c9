#!/usr/bin/env python3
"""Turns the raw measurements of scripts/bench.sh into a Markdown report.

Prints the report and, with --docs FILE, replaces the block between
`<!-- bench:results:begin -->` and `<!-- bench:results:end -->` in FILE (appending the block
when the markers are missing). Only what was measured is reported; targets are shown beside
the figures, never asserted.
"""

import argparse
import datetime
import json
import os
import statistics

BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"
TARGET_WALL_12K = 1.5
TARGET_RSS_12K = 250
TARGET_TINY_MS = 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--files")
    ap.add_argument("--corpora")
    ap.add_argument("--tiny")
    ap.add_argument("--commit", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--hugo", default="none")
    ap.add_argument("--command", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--uptime", default="")
    ap.add_argument("--docs")
    a = ap.parse_args()

    rows = {}
    for line in open(a.results):
        tool, n, run, wall, cpu, rss, load = line.rstrip("\n").split("\t")
        rows.setdefault((n, tool), []).append((float(wall), float(cpu), int(rss), float(load)))
    files = {}
    if a.files and os.path.exists(a.files):
        for line in open(a.files):
            _, tool, n, html, total = line.split()
            files[(n, tool)] = (int(html), int(total))
    # Each corpus: a generated one is keyed by its N (6N + 4 Markdown files), a site folder
    # given on the command line by "dir-NAME", with its Markdown file count in corpora.tsv.
    corpora = {}
    if a.corpora and os.path.exists(a.corpora):
        for line in open(a.corpora):
            key, md, name = line.rstrip("\n").split("\t")
            corpora[key] = (int(md), name)

    def md_files(n):
        return corpora[n][0] if n in corpora else 6 * int(n) + 4

    def corpus_cell(n):
        name = corpora[n][1] if n in corpora else f"N={n}"
        return f"{md_files(n):,} ({name})"

    def is_12k(n):
        return n == "2000" or (not n.isdigit() and 11_000 <= md_files(n) <= 13_000)
    tiny = []
    if a.tiny and os.path.exists(a.tiny):
        tiny = [json.loads(l) for l in open(a.tiny) if l.strip()]

    out = []
    out.append(BEGIN)
    out.append(f"### Results of {datetime.date.today().isoformat()}")
    out.append("")
    out.append(f"- orebrief commit: `{a.commit}`; Hugo: {a.hugo}")
    out.append(f"- machine: {a.machine}")
    out.append(f"- command: `{a.command}`")
    if a.uptime:
        out.append(f"- `uptime` at the end: `{a.uptime.strip()}`")
    if a.label:
        out.append(f"- note: {a.label}")
    out.append("")
    out.append("Full build into an empty output folder; median of the runs (each figure is the "
               "median of its own column). Load is the 1-minute load average at the start of each run.")
    out.append("")
    out.append("| Content files (N) | Tool | Wall (s) | CPU user+sys (s) | Peak RSS (MiB) | Wall of each run (s) | CPU of each run (s) | Load at start | Output: HTML / all files |")
    out.append("|---|---|---:|---:|---:|---|---|---|---|")
    per_page = {}
    for (n, tool) in sorted(rows, key=lambda k: (md_files(k[0]), k[0], k[1] != "orebrief")):
        r = rows[(n, tool)]
        wall = statistics.median(x[0] for x in r)
        cpu = statistics.median(x[1] for x in r)
        rss = statistics.median(x[2] for x in r) / 1024
        per_page.setdefault(tool, []).append((md_files(n), wall, cpu, rss))
        runs = ", ".join(f"{x[0]:.2f}" for x in r)
        cpus = ", ".join(f"{x[1]:.2f}" for x in r)
        loads = ", ".join(f"{x[3]:.2f}" for x in r)
        f = files.get((n, tool))
        fcell = f"{f[0]:,} / {f[1]:,}" if f else ""
        out.append(f"| {corpus_cell(n)} | {tool} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {runs} | {cpus} | {loads} | {fcell} |")
    out.append("")
    if per_page:
        sizes = sorted({p for series in per_page.values() for p, *_ in series})
        out.append("Growth: median wall and CPU seconds per 1,000 content pages:")
        out.append("")
        out.append("| Tool | " + " | ".join(f"{p:,} pages" for p in sizes) + " |")
        out.append("|---|" + "---:|" * len(sizes))
        for tool, series in per_page.items():
            by = {p: (w, c) for p, w, c, _ in series}
            cells = [f"{by[p][0] / p * 1000:.2f} s wall, {by[p][1] / p * 1000:.2f} s CPU" if p in by else "not run"
                     for p in sizes]
            out.append(f"| {tool} | " + " | ".join(cells) + " |")
        out.append("")
    # Hugo's wall time over orebrief's, per corpus: median against median, and round by
    # round (the tools take turns, one build each per round).
    ratios = []
    for n in sorted({n for n, _ in rows}, key=lambda n: (md_files(n), n)):
        o, h = rows.get((n, "orebrief")), rows.get((n, "hugo"))
        if not o or not h:
            continue
        med = statistics.median(x[0] for x in h) / statistics.median(x[0] for x in o)
        fastest = min(x[0] for x in h) / statistics.median(x[0] for x in o)
        rounds = [hx[0] / ox[0] for ox, hx in zip(o, h)]
        ratios.append((n, med, fastest, rounds))
    if ratios:
        out.append("Hugo's wall time over orebrief's (how many times faster orebrief is), the tools "
                   "taking turns one build each per round:")
        out.append("")
        out.append("| Content files (N) | Median over median | Hugo's fastest over orebrief's median | Round by round | Lowest round |")
        out.append("|---|---:|---:|---|---:|")
        for n, med, fastest, rounds in ratios:
            out.append(f"| {corpus_cell(n)} | {med:.1f} | {fastest:.1f} | "
                       f"{', '.join(f'{x:.1f}' for x in rounds)} | {min(rounds):.1f} |")
        out.append("")
    if tiny:
        out.append("Cold build of the tiny site (N=3: 22 Markdown files), into an empty folder each run:")
        out.append("")
        out.append("| Tool | Method | Runs | Median (ms) | Mean ± sd (ms) | Min (ms) | Load at start |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for t in tiny:
            out.append(f"| {t['tool']} | {t['method']} | {t['runs']} | {t['median'] * 1000:.1f} | "
                       f"{t['mean'] * 1000:.1f} ± {t['stddev'] * 1000:.1f} | {t['min'] * 1000:.1f} | {t['load']} |")
        out.append("")
    # Targets, side by side (information only).
    notes = []
    for (n, tool), r in rows.items():
        if tool == "orebrief" and is_12k(n):
            wall = statistics.median(x[0] for x in r)
            rss = statistics.median(x[2] for x in r) / 1024
            notes.append(f"12k-page build of {corpus_cell(n)}: {wall:.2f} s wall (target <= {TARGET_WALL_12K} s: "
                         f"{'met' if wall <= TARGET_WALL_12K else 'not met'}), {rss:.0f} MiB peak "
                         f"(target <= {TARGET_RSS_12K} MiB: {'met' if rss <= TARGET_RSS_12K else 'not met'})")
    for n, med, fastest, rounds in ratios:
        if is_12k(n):
            notes.append(f"{corpus_cell(n)} against Hugo: {med:.1f} times faster, median over median, "
                         f"{min(rounds):.1f} in the lowest round (target >= 6: "
                         f"{'met' if med >= 6 else 'not met'} by the median, "
                         f"{'met' if min(rounds) >= 6 else 'not met'} in every round)")
    for t in tiny:
        if t["tool"] == "orebrief":
            ms = t["median"] * 1000
            notes.append(f"tiny-site cold build: {ms:.1f} ms median (target <= {TARGET_TINY_MS} ms: "
                         f"{'met' if ms <= TARGET_TINY_MS else 'not met'})")
    if notes:
        out.append("Against the targets: " + "; ".join(notes) + ".")
        out.append("")
    out.append(END)
    block = "\n".join(out)
    print(block)
    if a.docs:
        text = open(a.docs).read() if os.path.exists(a.docs) else "# Benchmarks\n\n"
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            text = head + block + tail
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        with open(a.docs, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
