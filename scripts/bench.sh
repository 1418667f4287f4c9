#!/usr/bin/env bash
# Whole-site benchmarks: orebrief against Hugo on generated corpora.
#
#   scripts/bench.sh [options] [N | SITE_DIR]...
#
# N is the number of minerals of a corpus made by examples/gen_corpus.rs: N minerals, 4N
# companies and N briefs, 6N pages (+4 index pages). Default: 2000 (12k pages). For the
# growth series: scripts/bench.sh 167 1000 2000 10000   (1k, 6k, 12k, 60k pages).
# SITE_DIR is any site folder (site.yaml and content/ following docs/content-model.md), such
# as a corpus written by another generator: it is benchmarked as it is, not generated.
#
# For each N it generates the corpus (cached by generator hash), checks it with `orebrief
# check` (must pass), writes the equivalent Hugo site (scripts/bench-hugo-site.py), then
# times full builds into an empty output folder with /usr/bin/time -v, the two tools taking
# turns: wall time, CPU time (user+sys) and peak RSS, median of --runs runs. Before the
# corpora it times a cold build of a tiny site (N=3: 18 pages plus 4 index pages) with
# hyperfine (or, without it or with --no-hyperfine, a plain loop of --tiny-runs builds).
# Every measurement records the 1-minute load average at its start. The results table goes to stdout and replaces the block between the
# bench markers in docs/benchmarks.md.
#
# Options:
#   --runs R         runs per measurement (default 3; the median is reported)
#   --tiny-runs K    runs of the tiny-site cold build (default 20)
#   --ref REF        build orebrief from git REF in a clean snapshot (default: the working
#                    tree as it is, reported as <commit>-dirty when src/ has changes)
#   --bin PATH       time this orebrief binary instead of building one; not with --ref.
#                    The report names the binary and its --version, and the repository's
#                    HEAD only as such (tests/bench_tools.rs passes its debug build)
#   --wait-load X    before each measurement wait (up to 10 min) for the 1-minute load
#                    average to fall below X (default: do not wait)
#   --no-hugo        skip Hugo
#   --no-hyperfine   time the tiny site with a plain loop even where hyperfine is installed
#   --hugo-max N     skip Hugo for corpora of over 6N+4 Markdown files and a tenth (default
#                    2000: Hugo 0.111 needs about 4.5 GB for 12k pages here, so 60k pages
#                    could exhaust a 24 GB machine)
#   --no-docs        do not touch docs/benchmarks.md
#   --label TEXT     note printed with the table (e.g. "taken under load")
#   --drop-caches    before each timed build, empty the kernel's page cache (needs root),
#                    then read the tool and its input back in: every build then starts from
#                    the same cache, instead of one that the outputs of the builds before
#                    it (1.5 GB each at 12k pages) have filled, which the kernel must reclaim
#                    as the build writes (system time of one 12k-page orebrief build: 3 to
#                    17 s without, 2.3 to 3.5 s with, on 27 November)
# Environment: BENCH_DIR (default: target/bench) holds binaries, corpora and outputs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$ROOT/target/bench}"
RUNS=3
TINY_RUNS=20
REF=""
BIN=""
WAIT_LOAD=""
HUGO=1
HYPERFINE_OK=1
DROP_CACHES=0
HUGO_MAX=2000
DOCS=1
LABEL=""
SIZES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --tiny-runs) TINY_RUNS="$2"; shift 2 ;;
    --ref) REF="$2"; shift 2 ;;
    --bin)
      [ -f "$2" ] && [ -x "$2" ] || { echo "--bin $2: not an executable file" >&2; exit 2; }
      BIN="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --wait-load) WAIT_LOAD="$2"; shift 2 ;;
    --no-hugo) HUGO=0; shift ;;
    --no-hyperfine) HYPERFINE_OK=0; shift ;;
    --hugo-max) HUGO_MAX="$2"; shift 2 ;;
    --no-docs) DOCS=0; shift ;;
    --label) LABEL="$2"; shift 2 ;;
    --drop-caches) DROP_CACHES=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) # N, or a site folder, made absolute here: the script changes folder below.
      if [[ "$1" =~ ^[0-9]+$ ]] || ! [ -d "$1" ]; then SIZES+=("$1"); else SIZES+=("$(cd "$1" && pwd)"); fi
      shift ;;
  esac
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2000)
if [ -n "$BIN" ] && [ -n "$REF" ]; then
  echo "--bin and --ref name two different binaries: give one of them" >&2
  exit 2
fi
if [ $DROP_CACHES = 1 ] && ! [ -w /proc/sys/vm/drop_caches ]; then
  echo "--drop-caches needs write access to /proc/sys/vm/drop_caches (run as root)" >&2
  exit 2
fi
mkdir -p "$BENCH_DIR/bin"
RESULTS="$BENCH_DIR/results.tsv"
: > "$RESULTS"
: > "$BENCH_DIR/files.tsv"
: > "$BENCH_DIR/corpora.tsv"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }

wait_load() {
  [ -n "$WAIT_LOAD" ] || return 0
  local waited=0
  while awk -v l="$(load1)" -v x="$WAIT_LOAD" 'BEGIN { exit !(l >= x) }'; do
    if [ $waited -ge 600 ]; then log "load still $(load1) after 10 min: measuring anyway"; return 0; fi
    sleep 10; waited=$((waited + 10))
  done
}

# --- tools -------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time"; apt-get install -y time >/dev/null
fi
if [ $HUGO = 1 ] && ! command -v hugo >/dev/null; then
  log "installing hugo"; apt-get install -y hugo >/dev/null || { log "no hugo: skipping it"; HUGO=0; }
fi
HYPERFINE=""
if [ $HYPERFINE_OK = 1 ]; then
  HYPERFINE="$(command -v hyperfine || true)"
  if [ -z "$HYPERFINE" ]; then
    apt-get install -y hyperfine >/dev/null 2>&1 || true
    HYPERFINE="$(command -v hyperfine || true)"
  fi
fi

# --- orebrief binary ---------------------------------------------------------------------
cd "$ROOT"
if [ -n "$BIN" ]; then
  # The script cannot tell which commit a given binary was built from: it says so.
  COMMIT="binary $BIN ($("$BIN" --version 2>/dev/null | head -1)) (--bin; repository HEAD $(git rev-parse HEAD 2>/dev/null || echo unknown))"
  log "timing the given binary $BIN"
  [ "$BIN" -ef "$BENCH_DIR/bin/orebrief" ] || cp "$BIN" "$BENCH_DIR/bin/orebrief"
elif [ -n "$REF" ]; then
  COMMIT="$(git rev-parse "$REF")"
  SNAP="$BENCH_DIR/src-$COMMIT"
  if [ ! -f "$SNAP/.complete" ]; then
    rm -rf "$SNAP"; mkdir -p "$SNAP"
    git archive "$COMMIT" | tar -x -C "$SNAP"
    touch "$SNAP/.complete"
  fi
  log "building orebrief $COMMIT (snapshot in $SNAP)"
  (cd "$SNAP" && CARGO_TARGET_DIR="$BENCH_DIR/target" cargo build --release --bin orebrief >&2)
  cp "$BENCH_DIR/target/release/orebrief" "$BENCH_DIR/bin/orebrief"
else
  COMMIT="$(git rev-parse HEAD)"
  if ! git diff --quiet HEAD -- src themes build.rs Cargo.toml 2>/dev/null; then COMMIT="$COMMIT-dirty"; fi
  log "building orebrief from the working tree ($COMMIT)"
  cargo build --release --bin orebrief >&2
  cp "$ROOT/target/release/orebrief" "$BENCH_DIR/bin/orebrief"
fi
OREBRIEF="$BENCH_DIR/bin/orebrief"
HUGO_VERSION="$( [ $HUGO = 1 ] && hugo version | cut -d' ' -f1-2 || echo none)"

# --- corpus generator --------------------------------------------------------------------
# Compiled straight with rustc: it uses no crate, so it builds even while src/ is mid-edit.
GEN_HASH="$(sha256sum examples/gen_corpus.rs | cut -c1-16)"
GEN="$BENCH_DIR/bin/gen_corpus-$GEN_HASH"
if [ ! -x "$GEN" ]; then
  log "compiling examples/gen_corpus.rs"
  rustc --edition 2024 -O examples/gen_corpus.rs -o "$GEN"
fi
corpus() { # N -> prints the corpus dir, generating it when missing or stale
  local n="$1" dir="$BENCH_DIR/corpus-$1"
  if [ "$(cat "$dir/.gen" 2>/dev/null)" != "$GEN_HASH" ]; then
    rm -rf "$dir"
    "$GEN" "$n" "$dir" >&2
    echo "$GEN_HASH" > "$dir/.gen"
  fi
  echo "$dir"
}
hugo_site() { # key corpus -> prints the Hugo site dir
  local dir="$BENCH_DIR/hugo-$1"
  local stamp="$GEN_HASH-$(sha256sum scripts/bench-hugo-site.py | cut -c1-16)"
  # A site folder given on the command line may have changed since: always convert it.
  [[ "$1" =~ ^[0-9]+$ ]] || stamp="$stamp-$(date +%s%N)"
  if [ "$(cat "$dir/.gen" 2>/dev/null)" != "$stamp" ]; then
    python3 scripts/bench-hugo-site.py "$2" "$dir" >&2
    echo "$stamp" > "$dir/.gen"
  fi
  echo "$dir"
}

# Puts an old output folder out of the way without deleting it. Deleting tens of thousands of
# files just before a timed build makes that build pay for them: on this machine's ext4 (no
# journal), creating a file skips every inode freed in the last 1 to 6 minutes, one buffer
# lookup each (`recently_deleted` in the kernel profile), so back-to-back runs got slower run
# after run (N=1000: 11, 16, then 21 s of CPU). Both tools are timed this way; the trash is
# deleted once all timings are taken.
TRASH="$BENCH_DIR/trash"
# Deletes the trash when the disk could not hold another output like the one just moved
# there (three 60k-page outputs take 22 GB: a run once failed with "No space left on
# device"), then waits, as at the start, for ext4 to stop skipping the freed inodes.
empty_trash_if_full() { # size in bytes of the output just discarded
  local avail
  avail="$(df --output=avail -B1 "$BENCH_DIR" | tail -1 | tr -d ' ')"
  if [ "$avail" -lt $(( 2 * $1 + (1 << 30) )) ]; then
    log "$(( avail >> 20 )) MiB free: deleting the trash, then waiting 70 s"
    rm -rf "$TRASH"
    sync
    sleep 70
  fi
}
discard() {
  [ -e "$1" ] || return 0
  mkdir -p "$TRASH"
  local size
  size="$(du -sb "$1" | cut -f1)"
  mv "$1" "$TRASH/$(basename "$1").$(date +%s%N)"
  empty_trash_if_full "$size"
}
if [ -d "$TRASH" ]; then # left by an interrupted run
  rm -rf "$TRASH"
  sync
  log "deleted an old trash folder: waiting 70 s for ext4 to stop skipping its inodes"
  sleep 70
fi

# One timed run: tool N run# input-dir cmd... ; appends a row to results.tsv.
timed() {
  local tool="$1" n="$2" run="$3" input="$4"; shift 4
  local tf="$BENCH_DIR/time.txt" load
  # Write back what earlier runs left in the page cache (1.5 GB for one 12k-page build), so
  # that the kernel flushing it does not compete with this run. Without it (27 November,
  # 00:36) the second and third 12k-page runs took 13% longer than the first, with 1.8 GB
  # of dirty pages pending.
  sync
  # The load is read before the cache is refilled: processes waiting on the disk count in
  # the load average, and the refill's reads are not other work competing with the run.
  wait_load
  load="$(load1)"
  if [ $DROP_CACHES = 1 ]; then
    echo 1 > /proc/sys/vm/drop_caches
    local inputs=("$input")
    [ "$tool" != hugo ] || inputs+=("$BENCH_DIR/hugo-cache")
    find "${inputs[@]}" -type f -exec cat {} + > /dev/null 2>&1 || true
    cat "$(command -v "$1")" > /dev/null
  fi
  if ! /usr/bin/time -v -o "$tf" "$@" > "$BENCH_DIR/last.log" 2>&1; then
    cat "$BENCH_DIR/last.log" >&2; log "FAILED: $*"; exit 1
  fi
  awk -v tool="$tool" -v n="$n" -v run="$run" -v load="$load" -F': ' '
    /Elapsed \(wall clock\)/ { k = split($2, p, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%s\t%s\t%s\t%.3f\t%.3f\t%d\t%s\n", tool, n, run, w, u + s, m, load }' "$tf" >> "$RESULTS"
  tail -1 "$RESULTS" | awk -F'\t' '{ printf "  %-8s N=%-6s run %s: %6.2f s wall  %6.2f s CPU  %5.0f MiB  (load %s)\n", $1, $2, $3, $4, $5, $6/1024, $7 }' >&2
}

# --- tiny site: cold build of N=3 (22 Markdown files) --------------------------------------
# Timed first: later the trash may be deleted to free the disk, and for minutes after that
# every file created pays for the freed inodes (the run at 9863f77 timed this site at 94.9 ms
# right after such a deletion, against 43.3 ms an hour before).
tiny="$(corpus 3)"
TINY_JSON="$BENCH_DIR/tiny.json"
: > "$TINY_JSON"
tiny_run() { # tool cmd...
  local tool="$1"; shift
  wait_load
  local load; load="$(load1)"
  if [ -n "$HYPERFINE" ]; then
    "$HYPERFINE" --style none --warmup 3 --runs "$TINY_RUNS" \
      --prepare "if [ -e $BENCH_DIR/out-tiny ]; then mkdir -p $TRASH && mv $BENCH_DIR/out-tiny $TRASH/out-tiny.\$(date +%s%N); fi" --export-json "$BENCH_DIR/tiny-$tool.json" \
      "$*" >&2
    python3 - "$BENCH_DIR/tiny-$tool.json" "$tool" "$load" >> "$TINY_JSON" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(json.dumps({"tool": sys.argv[2], "load": sys.argv[3], "method": "hyperfine",
                  "median": r["median"], "mean": r["mean"], "stddev": r["stddev"],
                  "min": r["min"], "user": r["user"], "system": r["system"], "runs": len(r["times"])}))
EOF
  else
    local times=()
    for _ in $(seq 1 "$TINY_RUNS"); do
      discard "$BENCH_DIR/out-tiny"
      local t0 t1; t0=$(date +%s.%N)
      if ! "$@" > "$BENCH_DIR/last.log" 2>&1; then
        cat "$BENCH_DIR/last.log" >&2; log "FAILED: $*"; exit 1
      fi
      t1=$(date +%s.%N)
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')")
    done
    printf '%s\n' "${times[@]}" | python3 -c '
import json, statistics, sys
t = [float(x) for x in sys.stdin]
print(json.dumps({"tool": sys.argv[1], "load": sys.argv[2], "method": "loop", "median": statistics.median(t),
                  "mean": statistics.mean(t), "stddev": statistics.pstdev(t), "min": min(t), "runs": len(t)}))' "$tool" "$load" >> "$TINY_JSON"
  fi
}
log "tiny site: $(find "$tiny/content" -name '*.md' | wc -l) Markdown files, $TINY_RUNS cold builds each"
tiny_run orebrief "$OREBRIEF" --root "$tiny" build --output-dir "$BENCH_DIR/out-tiny"
if [ $HUGO = 1 ]; then
  htiny="$(hugo_site 3 "$tiny")"
  tiny_run hugo hugo --quiet --source "$htiny" --destination "$BENCH_DIR/out-tiny" --cacheDir "$BENCH_DIR/hugo-cache"
fi

for spec in "${SIZES[@]}"; do
  if [[ "$spec" =~ ^[0-9]+$ ]]; then # N: a generated corpus
    n="$spec"; dir="$(corpus "$n")"; name="N=$n"
  else # a site folder (site.yaml and content/), e.g. a corpus written by another generator
    [ -f "$spec/site.yaml" ] && [ -d "$spec/content" ] || {
      echo "$spec: not a number of minerals nor a site folder (site.yaml and content/)" >&2; exit 2; }
    dir="$(cd "$spec" && pwd)"; name="$(basename "$dir")"
    folders=$((${folders:-0} + 1)) # two folders may share a name
    n="dir$folders-$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')"
  fi
  pages=$(find "$dir/content" -name '*.md' | wc -l)
  mb=$(du -sm --apparent-size "$dir/content" | cut -f1)
  printf '%s\t%s\t%s\n' "$n" "$pages" "$name" >> "$BENCH_DIR/corpora.tsv"
  log "$name: $pages Markdown files, $mb MB; orebrief check"
  "$OREBRIEF" --root "$dir" check >&2
  out="$BENCH_DIR/out-orebrief-$n"
  hugo_n=0
  if [ $HUGO = 1 ] && [ "$pages" -gt $(( (6 * HUGO_MAX + 4) * 11 / 10 )) ]; then
    log "$name: skipping Hugo (--hugo-max $HUGO_MAX: over $(( (6 * HUGO_MAX + 4) * 11 / 10 )) Markdown files)"
  elif [ $HUGO = 1 ]; then
    hugo_n=1
    hdir="$(hugo_site "$n" "$dir")"
    hout="$BENCH_DIR/out-hugo-$n"
  fi
  # The tools take turns, one build each per round, so that each pair of builds meets the
  # machine in the same state: this machine's speed drifts by half within minutes (a 12k
  # Hugo build took 51 s at 01:00 and 81 s at 03:30 the same night), and three runs of one
  # tool then three of the other compared two different machines.
  for r in $(seq 1 "$RUNS"); do
    discard "$out"
    timed orebrief "$n" "$r" "$dir" "$OREBRIEF" --root "$dir" build --output-dir "$out"
    if [ $hugo_n = 1 ]; then
      discard "$hout"
      timed hugo "$n" "$r" "$hdir" hugo --quiet --source "$hdir" --destination "$hout" --cacheDir "$BENCH_DIR/hugo-cache"
    fi
  done
  printf 'files\torebrief\t%s\t%s\t%s\n' "$n" "$(find "$out" -name '*.html' | wc -l)" "$(find "$out" -type f | wc -l)" >> "$BENCH_DIR/files.tsv"
  discard "$out"
  if [ $hugo_n = 1 ]; then
    printf 'files\thugo\t%s\t%s\t%s\n' "$n" "$(find "$hout" -name '*.html' | wc -l)" "$(find "$hout" -type f | wc -l)" >> "$BENCH_DIR/files.tsv"
    discard "$hout"
  fi
done

rm -rf "$BENCH_DIR/out-tiny" "$TRASH"

# --- report --------------------------------------------------------------------------------
# From /proc, so that the report needs neither lscpu nor free.
MACHINE="$(nproc) cores, $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal:/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
CMD="scripts/bench.sh"
[ -z "$REF" ] || CMD="$CMD --ref $REF"
[ -z "$BIN" ] || CMD="$CMD --bin $(printf '%q' "$BIN")"
[ "$RUNS" = 3 ] || CMD="$CMD --runs $RUNS"
[ "$TINY_RUNS" = 20 ] || CMD="$CMD --tiny-runs $TINY_RUNS"
[ $HUGO = 1 ] || CMD="$CMD --no-hugo"
[ $HYPERFINE_OK = 1 ] || CMD="$CMD --no-hyperfine"
[ $DROP_CACHES = 0 ] || CMD="$CMD --drop-caches"
[ "$HUGO_MAX" = 2000 ] || CMD="$CMD --hugo-max $HUGO_MAX"
for spec in "${SIZES[@]}"; do CMD="$CMD $(printf '%q' "$spec")"; done
python3 "$ROOT/scripts/bench-report.py" \
  --results "$RESULTS" --files "$BENCH_DIR/files.tsv" --corpora "$BENCH_DIR/corpora.tsv" \
  --tiny "$TINY_JSON" \
  --commit "$COMMIT" --machine "$MACHINE" --hugo "$HUGO_VERSION" --command "$CMD" \
  --label "$LABEL" --uptime "$(uptime 2>/dev/null || cat /proc/loadavg)" \
  $( [ $DOCS = 1 ] && echo --docs "$ROOT/docs/benchmarks.md" )
