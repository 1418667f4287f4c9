#!/usr/bin/env python3
"""A/B timing of two orebrief binaries on the same sites, taking turns.

    scripts/bench-ab.py OLD NEW --site DIR [--site DIR ...] [--rounds K] [--runs R]
                        [--warmup W] [--check | --rebuild] [--out DIR]

For each site, K rounds (default 8); in each round OLD, then NEW, builds the site W times
untimed (default 0), then R times timed (default 1), each time into an emptied output folder
(`build --output-dir`; `check` with --check, which writes nothing; with --rebuild, into the
output the run before wrote, which the build then replaces, as when a user builds into
`public/` again). A round prints each
binary's median wall time, user and system CPU and its largest peak RSS over the runs;
the summary gives the median of the round medians for each binary, the difference, and in
how many rounds NEW was faster (and the range of each binary's peak RSS). Taking turns round by round, rather than all of OLD then all
of NEW, spreads the machine's slow and fast periods over both binaries.

Times are taken around each process (fork, exec and exit included) and its CPU from
`wait4`. Its peak RSS comes from GNU time (`/usr/bin/time`), which starts it: a process
forked by Python carries Python's own resident memory (about 15 MiB) into its peak, one
forked by GNU time only time's; without GNU time, peak RSS is not shown. The CPU figures
include GNU time's own (under a millisecond), the same for both binaries. The output folder
is emptied between runs and is not timed. With --rebuild it is kept: a build that has no
output to replace yet (the first) runs once untimed, and before each run the script waits,
untimed, until the folders that the builds before handed to a detached remover
(`.out.orebrief-trash-PID`, see src/write/previous.rs) are gone, so that one build's removal
does not slow the next; the remover's CPU is not in the figures. The outputs go to a new folder, removed at the
end, under --out (default /dev/shm, tmpfs, so that writing does not wait on a disk; else the
system's temporary folder).

Typical uses (docs/benchmarks.md):

    # the tiny site: 8 rounds of 40 runs after 3 warm-ups
    scripts/bench-ab.py /tmp/old /tmp/new --site target/bench/corpus-3 --runs 40 --warmup 3
    # the 12k corpora: 4 rounds of one build
    scripts/bench-ab.py /tmp/old /tmp/new --site target/bench/corpus-2000 --rounds 4
    # rebuilds into an output on disk (ext4), replacing it each time
    scripts/bench-ab.py /tmp/old /tmp/new --site target/bench/corpus-3 --runs 20 --rebuild --out target

Exits 2 with a message when a binary or a site is missing, 1 when a build fails.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def fail(message, code=2):
    print(f"bench-ab: {message}", file=sys.stderr)
    sys.exit(code)


GNU_TIME = "/usr/bin/time"


def settle(out):
    """Waits until no folder handed to a detached remover is left beside the output folder
    `out`; fails the script after a minute."""
    parent, name = os.path.split(out)
    prefix = f".{name}.orebrief-trash-"
    deadline = time.monotonic() + 60
    while any(n.startswith(prefix) for n in os.listdir(parent)):
        if time.monotonic() > deadline:
            fail(f"a remover's folder ({prefix}*) is still beside {out} after a minute", 1)
        time.sleep(0.005)


def run_once(binary, site, out, check, rebuild=False):
    """One build: (wall seconds, user seconds, system seconds, peak RSS in KiB or None)."""
    command = [binary, "--root", site]
    command += ["check"] if check else ["build", "--output-dir", out]
    if rebuild and not check:
        if not os.path.exists(out):
            launch(command)
        settle(out)
    elif os.path.exists(out):
        shutil.rmtree(out)
    return launch(command)


def launch(command):
    """Runs `command` once, timed; fails the script if it fails."""
    timed = os.access(GNU_TIME, os.X_OK)
    # Standard error into a file, not a pipe: a build with many warnings would fill a pipe
    # and wait for a reader.
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as rss:
        argv = [GNU_TIME, "-f", "%M", "-o", rss.name] + command if timed else command
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace")
            fail(f"{' '.join(command)} exited with {code}:\n{text}", 1)
        peak = int(rss.read().split()[-1]) if timed else None
    return wall, usage.ru_utime, usage.ru_stime, peak


def round_of(binary, site, out, args):
    """A binary's turn in a round: its warm-ups, then its timed runs, summed up."""
    for _ in range(args.warmup):
        run_once(binary, site, out, args.check, args.rebuild)
    runs = [run_once(binary, site, out, args.check, args.rebuild) for _ in range(args.runs)]
    return {
        "wall": statistics.median(r[0] for r in runs),
        "user": statistics.median(r[1] for r in runs),
        "sys": statistics.median(r[2] for r in runs),
        "rss": None if runs[0][3] is None else max(r[3] for r in runs),
    }


def seconds(value):
    """A time, in ms below 1 s (a tiny site), else in s."""
    return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"


def mib(kib):
    return "n/a (no GNU time)" if kib is None else f"{kib / 1024:.1f} MiB"


def summary(rounds):
    """The lines that sum up the rounds of one site: `rounds` is a list of (old, new)."""
    old = statistics.median(r[0]["wall"] for r in rounds)
    new = statistics.median(r[1]["wall"] for r in rounds)
    faster = sum(1 for o, n in rounds if n["wall"] < o["wall"])
    change = (new - old) / old * 100 if old else 0.0
    lines = [
        f"median of the round medians: old {seconds(old)}, new {seconds(new)} "
        f"({'+' if new >= old else '-'}{seconds(abs(new - old))}, {change:+.1f}%)",
        f"new faster in {faster} of {len(rounds)} rounds",
    ]
    if rounds[0][0]["rss"] is not None:
        rss = {
            name: (min(r[k]["rss"] for r in rounds), max(r[k]["rss"] for r in rounds))
            for k, name in ((0, "old"), (1, "new"))
        }
        lines.append(
            "peak RSS: "
            + ", ".join(f"{name} {mib(lo)} to {mib(hi)}" for name, (lo, hi) in rss.items())
        )
    return lines


def main():
    parser = argparse.ArgumentParser(
        description="A/B timing of two orebrief binaries on the same sites, taking turns."
    )
    parser.add_argument("old", help="the binary before the change")
    parser.add_argument("new", help="the binary after the change")
    parser.add_argument("--site", action="append", required=True, help="a site root (repeatable)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1, help="timed runs per binary per round")
    parser.add_argument("--warmup", type=int, default=0, help="untimed runs before them")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="time `check`, not `build`")
    mode.add_argument(
        "--rebuild",
        action="store_true",
        help="build into the output of the run before, replacing it, rather than an emptied folder",
    )
    parser.add_argument(
        "--out",
        help="the folder under which a new output folder is made and removed (default /dev/shm)",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.runs < 1 or args.warmup < 0:
        fail("--rounds and --runs must be at least 1, --warmup at least 0")
    for binary in (args.old, args.new):
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            fail(f"{binary} is not an executable file")
    # As checked: a name without a slash would otherwise be looked up in PATH.
    args.old, args.new = os.path.abspath(args.old), os.path.abspath(args.new)
    for site in args.site:
        if not os.path.isfile(os.path.join(site, "site.yaml")):
            fail(f"{site} has no site.yaml: not a site root")

    if args.out and not os.path.isdir(args.out):
        fail(f"--out {args.out}: not a folder")
    base = args.out or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    work = tempfile.mkdtemp(prefix="orebrief-ab.", dir=base)
    out = os.path.join(work, "out")
    print(f"old: {args.old}\nnew: {args.new}\noutput: {out}", flush=True)
    try:
        for site in args.site:
            print(
                f"\nsite {site}: {args.rounds} rounds, {args.runs} timed runs each"
                f" after {args.warmup} warm-ups, `{'check' if args.check else 'build'}`"
                f"{' replacing the output before' if args.rebuild else ''}",
                flush=True,
            )
            # Each site's first build replaces nothing, not the site before's output.
            settle(out)
            if os.path.exists(out):
                shutil.rmtree(out)
            rounds = []
            for n in range(1, args.rounds + 1):
                pair = []
                for name, binary in (("old", args.old), ("new", args.new)):
                    r = round_of(binary, site, out, args)
                    pair.append(r)
                    print(
                        f"round {n} {name}: wall {seconds(r['wall'])}, user {seconds(r['user'])},"
                        f" sys {seconds(r['sys'])}, peak RSS {mib(r['rss'])}",
                        flush=True,
                    )
                rounds.append(tuple(pair))
            for line in summary(rounds):
                print(line)
    finally:
        # A remover still at work would leave the folder behind.
        if os.path.isdir(work):
            settle(out)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
