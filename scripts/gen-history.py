#!/usr/bin/env python3
"""Gives a generated portal a long git history, to measure reading "last updated" dates.

    python3 scripts/gen-history.py CORPUS OUT COMMITS

Copies the site at CORPUS (a folder holding site.yaml and content/, e.g. one written by
`cargo run --release --example gen_corpus -- N CORPUS`) to OUT, a new git repository: one
commit adds every file, then COMMITS commits, an hour apart, each add a sentence to one
content file chosen at random (every fifth changes a file outside content/ instead). The
history is written with `git fast-import`, so 20,000 commits take seconds.
"""

import os
import random
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    corpus, out, commits = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if os.path.exists(out):
        sys.exit(f"{out} exists: choose a new folder")
    shutil.copytree(corpus, out, ignore=shutil.ignore_patterns(".git"))
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    files = {}
    for folder, _, names in os.walk(out):
        if ".git" in folder.split(os.sep):
            continue
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, out)] = f.read()
    content = sorted(p for p in files if p.startswith("content" + os.sep) and p.endswith(".md"))
    rng = random.Random(7)
    start = 1577836800  # 2020-01-01

    def commit(stream, k, changed):
        message = f"edit {k}\n".encode()
        stream.write(f"commit refs/heads/main\ncommitter Analyst <a@example.org> {start + k * 3600} +0000\n".encode())
        stream.write(b"data %d\n%s" % (len(message), message))
        for path in changed:
            data = files[path]
            stream.write(f"M 644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    git = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    commit(git.stdin, 0, sorted(files))
    for k in range(1, commits + 1):
        if k % 5 == 0:
            path = "NOTES.txt"
            files[path] = files.get(path, b"") + f"Note {k}.\n".encode()
        else:
            path = rng.choice(content)
            files[path] = files[path] + f"\nRevised in edit {k}.\n".encode()
        commit(git.stdin, k, [path])
    git.stdin.close()
    if git.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", out, "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", out, "gc", "-q"], check=True)


if __name__ == "__main__":
    main()
