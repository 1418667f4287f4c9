#!/usr/bin/env python3
"""Edit-to-reload latency of `orebrief serve` on a generated portal.

    scripts/serve-bench.py [--n 2000] [--runs 10] [--pause S] [--corpus DIR] [--bin PATH] [--keep]

Generates the portal with `cargo run --release --example gen_corpus -- N DIR` (N=2000 makes
12,000 pages) unless DIR already holds one, starts `orebrief serve` on a free port, listens to
the live-reload event stream like an open page, and times three kinds of edit to one mineral:

- body: a sentence of its Markdown body changed (the front matter untouched);
- data: its `summary:` changed (front matter: the graph is resolved again);
- figures: a production figure changed (front matter: shares, HHI, countries, dashboard).

For each edit it reports the time from the file's write to the `reload` event reaching the
page (which includes the 30 ms debounce of the file watcher) and the rebuild time `serve`
prints. Edits follow each other 0.3 s after each reload (`--pause`), as while writing, so the
second phase (search, print and site-wide files, run after 1.5 s without changes) does not run
between them; its time is reported once at the end. With `--pause 2` each edit comes while
that second phase runs (it starts 1.5 s after the reload), as when writing resumes after a
short stop. With OREBRIEF_SERVE_TIMINGS=1 the steps of each rebuild are printed too. Only
loopback is used.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(n, corpus):
    if os.path.exists(os.path.join(corpus, "site.yaml")):
        return
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "gen_corpus", "--", str(n), corpus]
    print("generating:", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


class Server:
    """`orebrief serve`, with its stderr lines collected as they come."""

    def __init__(self, binary, corpus):
        self.proc = subprocess.Popen(
            [binary, "--root", corpus, "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read_err, daemon=True).start()
        line = self.proc.stdout.readline()
        m = re.match(r"serving http://([\d.]+):(\d+)/", line)
        if not m:
            raise SystemExit("unexpected first line: %r" % line)
        self.addr = (m.group(1), int(m.group(2)))

    def _read_err(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))
                self.cond.notify_all()

    def wait_line(self, pattern, after, timeout=600):
        """The first stderr line matching `pattern` logged after index `after`."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for i in range(after, len(self.lines)):
                    if re.search(pattern, self.lines[i][1]):
                        return i, self.lines[i][1]
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise SystemExit("timed out waiting for %r" % pattern)
                self.cond.wait(left)

    def stop(self):
        self.proc.send_signal(2)  # SIGINT: Ctrl-C
        t = time.perf_counter()
        self.proc.wait(timeout=30)
        print("stopped %.0f ms after Ctrl-C" % ((time.perf_counter() - t) * 1000))


class Events:
    """The live-reload event stream, as an open page reads it."""

    def __init__(self, addr):
        self.sock = socket.create_connection(addr)
        self.sock.sendall(b"GET /__orebrief/events HTTP/1.1\r\nHost: bench\r\n\r\n")
        self.buf = b""
        self.next_event()  # hello

    def next_event(self, timeout=600):
        self.sock.settimeout(timeout)
        while True:
            at = self.buf.find(b"\n\n")
            if at >= 0:
                block, self.buf = self.buf[:at].decode(), self.buf[at + 2 :]
                for line in block.splitlines():
                    if line.startswith("event: "):
                        return line[len("event: ") :]
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("the event stream closed")
            self.buf += chunk


def ms(values):
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return "median %6.1f  p90 %6.1f  max %6.1f" % (statistics.median(values), p90, values[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pause", type=float, default=0.3, help="seconds from a reload to the next edit")
    ap.add_argument("--corpus", default="/tmp/orebrief-serve-bench")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/orebrief"))
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus")
    args = ap.parse_args()

    generate(args.n, args.corpus)
    pages = sum(len(f) for _, _, f in os.walk(os.path.join(args.corpus, "content")))
    minerals = sorted(os.listdir(os.path.join(args.corpus, "content/minerals")))
    target = os.path.join(args.corpus, "content/minerals", [m for m in minerals if not m.startswith("_")][0])
    original = open(target, encoding="utf-8").read()
    print("corpus: %s (%d content files); edited file: %s" % (args.corpus, pages, target))
    print("load average before start: %.2f %.2f %.2f" % os.getloadavg(), flush=True)

    started = time.perf_counter()
    server = Server(args.bin, args.corpus)
    first = time.perf_counter() - started
    events = Events(server.addr)
    _, line = server.wait_line(r"^rebuilt search, print", 0)
    print("initial build (pages) until serving: %.0f ms; then %s" % (first * 1000, line), flush=True)

    fm_end = original.index("\n---", 4)
    body_at = original.index("\n\n", fm_end + 4) + 2
    m = re.search(r"by_country: \{ ?([A-Z]{2}): ([\d.]+)", original)

    def body_edit(i):
        return original[:body_at] + "Benchmark edit %d. " % i + original[body_at:]

    def data_edit(i):
        return re.sub(r"^summary: .*$", "summary: Benchmark summary %d." % i, original, count=1, flags=re.M)

    def figures_edit(i):
        value = float(m.group(2)) + i + 1
        return original[: m.start(2)] + ("%g" % value) + original[m.end(2) :]

    kinds = [("body", body_edit, r"^rebuilt body"), ("data", data_edit, r"^rebuilt front matter")]
    if m:
        kinds.append(("figures", figures_edit, r"^rebuilt front matter"))
    results = {}
    try:
        for kind, edit, pattern in kinds:
            e2e, rebuild = [], []
            first = len(server.lines)
            for i in range(args.runs):
                mark = len(server.lines)
                text = edit(i)
                t0 = time.perf_counter()
                with open(target, "w", encoding="utf-8") as f:
                    f.write(text)
                name = events.next_event()
                t1 = time.perf_counter()
                if name != "reload":
                    raise SystemExit("%s edit %d: got %r, not reload" % (kind, i, name))
                # The pages' rebuild, not a second phase that ended in the meantime.
                j, line = server.wait_line(r"^rebuilt (?!search, print)", mark)
                if not re.search(pattern, line):
                    print("  note: %s edit %d rebuilt as: %s" % (kind, i, line))
                rebuild.append(float(re.search(r"in (\d+) ms", line).group(1)))
                if os.environ.get("OREBRIEF_SERVE_TIMINGS") and i == args.runs - 1:
                    for _, step in server.lines[mark:j]:
                        print("    " + step.strip())
                e2e.append((t1 - t0) * 1000)
                time.sleep(args.pause)
            results[kind] = (e2e, rebuild)
            print("%-8s write -> reload event: %s ms" % (kind, ms(e2e)), flush=True)
            print("%-8s rebuild (pages):       %s ms" % ("", ms(rebuild)), flush=True)
            phases = [l for _, l in server.lines[first:] if l.startswith(("put off search", "rebuilt search"))]
            if phases:
                put_off = sum(l.startswith("put off") for l in phases)
                print("%-8s second phase meanwhile: %d put off for an edit, %d finished"
                      % ("", put_off, len(phases) - put_off), flush=True)
        mark = len(server.lines)
        _, line = server.wait_line(r"^rebuilt search, print", mark)
        print("then, after 1.5 s without changes: " + line, flush=True)
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(1)
        server.stop()
        print("load average after: %.2f %.2f %.2f" % os.getloadavg())
        if not args.keep and args.corpus.startswith("/tmp/orebrief-serve-bench"):
            shutil.rmtree(args.corpus, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
