#!/usr/bin/env python3
"""Groups a sampled profile of an orebrief build by pipeline stage.

usage:
  perf record -e cpu-clock -F 199 --call-graph dwarf,32768 -o perf.data -- \\
      orebrief --root CORPUS build --output-dir OUT
  perf script -i perf.data -F tid,ip,sym > perf.script
  scripts/bench-profile.py perf.script [--top 25]

Each sample is attributed to the first stage rule (in the order below) that matches any frame
of its stack, so a stage's share is inclusive: malloc and memcpy count in the stage that
called them. Prints the stage table, the top functions by self samples, and the top
orebrief/tera/serde/syntect functions by inclusive samples, as Markdown.
"""

import collections
import re
import sys

# (stage, regex on a frame): checked in order; the first rule matching any frame wins.
STAGES = [
    ("markdown: syntax highlighting (syntect)", r"orebrief::render::highlight::"),
    ("markdown: shortcodes (Tera partials)", r"orebrief::render::pages::Renderer>?::shortcode"),
    ("markdown: pulldown-cmark + links", r"orebrief::render::markdown::render|orebrief::render::pages::Renderer>?::body"),
    ("load: YAML front matter (yaml_serde)", r"orebrief::load::yaml::parse"),
    ("load: git's \"last updated\" dates", r"orebrief::load::history::"),
    ("load: read, split, checks", r"orebrief::load::"),
    ("print pages: brief prints and the portal print (all of `render::print`)", r"orebrief::render::print::"),
    ("templates: load and compile", r"orebrief::render::templates::Templates>?::load"),
    ("resolve: graph, validation, metrics", r"^orebrief::resolve::(resolve|add_backlinks|ensure_countries_section)$"),
    ("write: data exports (JSON, CSV)", r"orebrief::write::data::|serde_json::ser::to_vec_pretty|serde_json::ser::to_vec|table_csv"),
    ("write: feeds, sitemap, search", r"orebrief::write::feeds::|orebrief::write::search::"),
    ("templates: context building (views, tera::Value)", r"orebrief::render::context::|orebrief::resolve::Site>?::find|tera::value::Value>?::(try_)?from_serializable|tera::context::Context>?::insert|orebrief::render::pages::Renderer>?::(common|base_context)|Renderer>?::dashboard"),
    ("templates: Tera rendering", r"tera::"),
    ("write: files (sink, fs)", r"orebrief::write::output::|orebrief::write::Sink|std::fs::write|copy_static"),
    ("page/section/country rendering (other)", r"orebrief::render::pages::"),
    ("freeing the site (drop)", r"drop_in_place<orebrief::"),
    ("Tera internals (stack cut by the unwinder)", r"^tera::"),
    ("rayon idle / scheduling", r"rayon_core::sleep"),
]
COMPILED = [(name, re.compile(rx)) for name, rx in STAGES]
INTERESTING = re.compile(r"^(orebrief::|<orebrief::|tera::|<tera::|serde_json::|syntect::|<syntect::|pulldown_cmark|yaml_serde|libyaml_rs|fancy_regex|regex_automata)")


OTHER = "other (main thread, runtime, kernel)"


def read(path):
    """Each sample of a `perf script` output (any -F fields, frames from -g): its header line
    and its stack, innermost frame first, offsets and "(inlined)" taken off."""
    stack = []
    header = None
    for line in open(path, errors="replace"):
        if not line.strip():
            if header is not None:
                yield header, stack
            stack, header = [], None
            continue
        # perf right-aligns the tid, so a header may start with spaces; frames start with a tab.
        if not line.startswith("\t"):
            if header is not None:
                yield header, stack
            header, stack = line, []
            continue
        parts = line.strip().split(" ", 1)
        if len(parts) == 2:
            sym = re.sub(r" \(inlined\)$", "", parts[1])
            sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
            stack.append(sym)
    if header is not None:
        yield header, stack


def samples(path):
    """The stack of each sample of a `perf script` output (see `read`)."""
    for _, stack in read(path):
        yield stack


def stage_of(stack):
    """The first stage of `STAGES` whose rule matches any frame of `stack`."""
    for name, rx in COMPILED:
        if any(rx.search(f) for f in stack):
            return name
    return OTHER


def short(sym, width=110):
    sym = re.sub(r"::h[0-9a-f]{16}$", "", sym)
    return sym if len(sym) <= width else sym[: width - 3] + "..."


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = 25
    if "--top" in sys.argv:
        top = int(sys.argv[sys.argv.index("--top") + 1])
    stages = collections.Counter()
    selfc = collections.Counter()
    incl = collections.Counter()
    total = 0
    for stack in samples(sys.argv[1]):
        if not stack:
            continue
        total += 1
        selfc[short(stack[0])] += 1
        for s in set(short(f) for f in stack if INTERESTING.match(f)):
            incl[s] += 1
        stages[stage_of(stack)] += 1
    print(f"{total} samples\n")
    print("| Stage | Samples | Share |")
    print("|---|---:|---:|")
    for name, c in stages.most_common():
        print(f"| {name} | {c} | {100 * c / total:.1f}% |")
    print(f"\nTop {top} functions by self samples:\n")
    print("| Function | Self |")
    print("|---|---:|")
    for name, c in selfc.most_common(top):
        print(f"| `{name}` | {100 * c / total:.1f}% |")
    print(f"\nTop {top} library functions by inclusive samples:\n")
    print("| Function | Inclusive |")
    print("|---|---:|")
    for name, c in incl.most_common(top):
        print(f"| `{name}` | {100 * c / total:.1f}% |")


if __name__ == "__main__":
    main()
