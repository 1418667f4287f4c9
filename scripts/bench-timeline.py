#!/usr/bin/env python3
"""How many cores a short build keeps busy, millisecond by millisecond, and doing what.

    perf record -F 10000 -g -o perf.data -- bash -c 'for i in $(seq 40); do
        rm -rf /dev/shm/tiny; orebrief --root target/bench/corpus-3 build -o /dev/shm/tiny
    done'
    perf script -i perf.data --comm orebrief -F pid,tid,time,ip,sym > perf.script
    scripts/bench-timeline.py perf.script --hz 10000

Each build is one process: its samples are placed by their time since the process's first
sample and counted per millisecond, and the counts of all builds are averaged, so that a
millisecond's figure is the number of cores busy at that point of a typical build (1.0: one
core all the time). Beside it are the stages busiest in that millisecond, each sample given
to the first stage any frame of its stack names (`STAGES`, from the most specific). The
summary gives how long a build's samples span and how many cores were busy on average over
that span. Builds end at different times, so the last milliseconds also show the spread of
their ends. A binary built with frame pointers (`RUSTFLAGS="-C force-frame-pointers=yes"`)
gives whole stacks; perf slows each build, by about half at 10 kHz.

Processes with fewer than --min-samples samples (a `git` started by the build, or a build
that failed at once) are left out.
"""

import argparse
import collections
import re
import sys

# (a piece of a frame's symbol, the stage it stands for), most specific first.
STAGES = [
    ("Templates::load", "templates"),
    ("highlight::", "highlight"),
    ("markdown::render", "markdown"),
    ("load_bodies", "load"),
    ("load::", "load"),
    ("print_part", "print part"),
    ("Renderer>::document", "print document"),
    ("write::search::", "search"),
    ("site_files", "site files"),
    ("Renderer::page", "page"),
    ("Renderer::country", "country page"),
    ("Renderer::section", "section"),
    ("Sink::", "write"),
    ("history::", "git dates"),
    ("clap", "arguments"),
    ("_dl_", "dynamic loader"),
    ("build::prepare", "prepare"),
    ("build::run", "run"),
    ("main", "main"),
]

HEADER = re.compile(r"^\s*(\d+)/(\d+)\s+([\d.]+):")


def read_samples(lines):
    """The samples of a `perf script -F pid,tid,time,ip,sym` output: (pid, time, symbols)."""
    samples = []
    current = None
    for line in lines:
        header = HEADER.match(line)
        if header:
            current = (int(header.group(1)), float(header.group(3)), [])
            samples.append(current)
        elif line.strip() and current is not None:
            parts = line.strip().split(None, 1)
            current[2].append(parts[1] if len(parts) > 1 else parts[0])
    return samples


def stage_of(symbols):
    for piece, stage in STAGES:
        if any(piece in symbol for symbol in symbols):
            return stage
    return "other"


def timeline(samples, hz, min_samples):
    """Per millisecond: (busy cores, Counter of stage -> cores), and the builds counted."""
    by_pid = collections.defaultdict(list)
    for pid, at, symbols in samples:
        by_pid[pid].append((at, symbols))
    builds = [s for s in by_pid.values() if len(s) >= min_samples]
    per_ms = collections.defaultdict(collections.Counter)
    spans = []
    for build in builds:
        start = min(at for at, _ in build)
        spans.append(max(at for at, _ in build) - start)
        for at, symbols in build:
            per_ms[int((at - start) * 1000)][stage_of(symbols)] += 1
    # A sample stands for 1/hz s of one core: per ms, hz/1000 samples make one busy core.
    scale = len(builds) * hz / 1000 if builds else 1
    rows = [
        (ms, sum(per_ms[ms].values()) / scale, {k: v / scale for k, v in per_ms[ms].items()})
        for ms in sorted(per_ms)
    ]
    return rows, len(builds), spans


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", help="the output of perf script -F pid,tid,time,ip,sym")
    parser.add_argument("--hz", type=float, required=True, help="perf record's -F")
    parser.add_argument("--min-samples", type=int, default=100)
    args = parser.parse_args()
    with open(args.script, errors="replace") as f:
        samples = read_samples(f)
    rows, builds, spans = timeline(samples, args.hz, args.min_samples)
    if not builds:
        sys.exit(f"bench-timeline: no process with {args.min_samples} samples or more")
    print("ms  cores  busiest stages (cores)")
    for ms, cores, stages in rows:
        top = sorted(stages.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        print(f"{ms:3d}  {cores:4.2f}  " + ", ".join(f"{k} {v:.2f}" for k, v in top))
    span = sorted(spans)[len(spans) // 2] * 1000
    busy = sum(cores for _, cores, _ in rows) / max(span, 1e-9)
    print(
        f"{builds} builds; median span of a build's samples {span:.1f} ms; "
        f"{busy:.2f} cores busy on average over it"
    )


if __name__ == "__main__":
    main()
