#!/usr/bin/env python3
"""How many cores a short build keeps busy, millisecond by millisecond, and doing what.

    perf record -F 10000 -g -o perf.data -- bash -c 'for i in $(seq 40); do
        rm -rf /dev/shm/tiny; orebrief --root target/bench/corpus-3 build -o /dev/shm/tiny
    done'
    perf script -i perf.data -F comm,pid,tid,time,ip,sym > perf.script
    scripts/bench-timeline.py perf.script --hz 10000

Each build is one process, found by the name of its main thread (--comm, default
`orebrief`); all its threads count, whatever their own names (the highlighter's warm-up,
the git dates, the read-ahead), and other processes (the shell, `rm`, the `git` a build
starts) do not. A build's samples are placed by their time since its first sample and
counted per millisecond, and the counts of all builds are averaged, so that a millisecond's
figure is the number of cores busy at that point of a typical build (1.0: one core all the
time). Beside it are the stages busiest in that millisecond, the stages of
`bench-profile.py` (each sample given to the first stage whose rule matches any frame of its
stack, so a rule above another wins even from an outer frame). The summary gives the median span of a build's samples and the cores
busy on average: all builds' CPU over all their spans. Builds end at different times, so
the last milliseconds also show the spread of their ends. A binary built with frame
pointers (`RUSTFLAGS="-C force-frame-pointers=yes"`) gives whole stacks; perf slows each
build, by about half at 10 kHz, and may lower its rate below -F, which this would count as
idle.

Builds with fewer than --min-samples samples (one that failed at once) are left out.
"""

import argparse
import collections
import importlib.util
import os
import re
import statistics
import sys

# The stack reader and the stages of `bench-profile.py` (a sample goes to the first stage
# whose rule matches any frame of its stack).
_spec = importlib.util.spec_from_file_location(
    "bench_profile", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-profile.py")
)
profile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(profile)

# `perf script -F comm,pid,tid,time,...`: a sample's header line. A thread's name may hold
# spaces ("git dates").
HEADER = re.compile(r"^\s*(.*?)\s*(\d+)/(\d+)\s+(\d+\.\d+):")


def read_samples(path):
    """The samples of a `perf script -F comm,pid,tid,time,ip,sym` output: (comm, pid, tid,
    time, stack)."""
    samples = []
    for header, stack in profile.read(path):
        fields = HEADER.match(header)
        if fields:
            comm, pid, tid, at = fields.groups()
            samples.append((comm, int(pid), int(tid), float(at), stack))
    return samples


def timeline(samples, hz, min_samples, comm):
    """Per millisecond: (busy cores, {stage: cores}); the builds counted; each build's span
    in seconds; and its CPU in seconds."""
    by_pid = collections.defaultdict(list)
    names = collections.defaultdict(collections.Counter)
    for name, pid, tid, at, symbols in samples:
        by_pid[pid].append((at, symbols))
        # The main thread's name names the process; another thread's only when it has none.
        names[pid][name] += 1000000 if tid == pid else 1
    builds = [
        s
        for pid, s in by_pid.items()
        if len(s) >= min_samples and names[pid].most_common(1)[0][0] == comm
    ]
    per_ms = collections.defaultdict(collections.Counter)
    spans = []
    for build in builds:
        start = min(at for at, _ in build)
        spans.append(max(at for at, _ in build) - start)
        for at, symbols in build:
            per_ms[int((at - start) * 1000)][profile.stage_of(symbols)] += 1
    # A sample stands for 1/hz s of one core: per ms, hz/1000 samples make one busy core.
    scale = len(builds) * hz / 1000 if builds else 1
    rows = [
        (ms, sum(per_ms[ms].values()) / scale, {k: v / scale for k, v in per_ms[ms].items()})
        for ms in sorted(per_ms)
    ]
    cpu = [len(b) / hz for b in builds]
    return rows, len(builds), spans, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", help="the output of perf script -F pid,tid,time,ip,sym")
    parser.add_argument("--hz", type=float, required=True, help="perf record's -F")
    parser.add_argument("--min-samples", type=int, default=100)
    parser.add_argument("--comm", default="orebrief", help="the builds' process name")
    args = parser.parse_args()
    samples = read_samples(args.script)
    rows, builds, spans, cpu = timeline(samples, args.hz, args.min_samples, args.comm)
    if not builds:
        sys.exit(
            f"bench-timeline: no {args.comm} process with {args.min_samples} samples or more"
        )
    print("ms  cores  busiest stages (cores)")
    for ms, cores, stages in rows:
        top = sorted(stages.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        print(f"{ms:3d}  {cores:4.2f}  " + ", ".join(f"{k} {v:.2f}" for k, v in top))
    # The last sample stands for the 1/hz s after it.
    total_span = sum(spans) + len(spans) / args.hz
    print(
        f"{builds} builds; median span of a build's samples {statistics.median(spans) * 1000:.1f} ms; "
        f"{sum(cpu) / total_span:.2f} cores busy on average over the spans"
    )


if __name__ == "__main__":
    main()
