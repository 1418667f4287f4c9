#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the sample portal and the regression inputs.
# Run from the repository root: sh fuzz/seed.sh
set -e
for t in front_matter markdown pipeline; do mkdir -p "fuzz/corpus/$t"; done
n=0
for f in content/*.md content/*/*.md tests/fixtures/*/content/*.md tests/fixtures/*/content/*/*.md; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  # front_matter: a byte choosing the file's place, then the file.
  { printf "\\$(printf '%03o' $((n % 8)))"; cat "$f"; } > "fuzz/corpus/front_matter/seed-$n"
  # markdown: flags, then the body (the text after the second ---).
  { printf "\\$(printf '%03o' $((n % 8)))"; awk 'c>=2{print} /^---/{c++}' "$f"; } > "fuzz/corpus/markdown/seed-$n"
done
# pipeline: flags, then a mineral, a company, a brief and a page, cut by NUL bytes.
for i in 0 1 2 3 4 5 6 7; do
  { printf "\\$(printf '%03o' "$i")"; cat content/minerals/gallium.md; printf '\000';
    cat content/companies/korea-zinc.md; printf '\000';
    ls content/briefs/*.md | grep -v _index | head -1 | xargs cat; printf '\000';
    cat content/about.md; } > "fuzz/corpus/pipeline/seed-$i"
done
for t in front_matter markdown pipeline; do cp tests/regressions/$t/* "fuzz/corpus/$t/" 2>/dev/null || true; done
