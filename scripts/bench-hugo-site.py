#!/usr/bin/env python3
"""Writes the Hugo equivalent of an orebrief site: a corpus made by examples/gen_corpus.rs, or
any site that follows docs/content-model.md.

usage: scripts/bench-hugo-site.py CORPUS_DIR HUGO_DIR

The Hugo site renders the same pages from the same Markdown and data, as a public orebrief
build would:

* what a public build leaves out stays out: `visibility: internal` pages, drafts and
  `{% internal() %} ... {% end %}` blocks;
* profiles go to the section of their kind (`kind:` or top folder), sub-folders flattened
  (ids are unique across a site), so that layouts find them at `/minerals/ID` and so on;
  a country note (`countries/cc.md`) becomes the content of that country's term page;

* front matter is rewritten to Hugo-compatible YAML: `title`, `summary`, `date` stay at the
  top; all orebrief data moves under `params:` (Hugo lower-cases map keys and forgets their
  order, so `by_country` maps become lists of `{code, value}` in file order);
* relations use taxonomies, Hugo's own index: `commodities` (companies -> the minerals their
  facilities produce, briefs -> the minerals they name), so each mineral's page and term page
  list its producers and briefs; `partners` (companies -> the companies their agreements name,
  briefs -> the companies they name), so a company page shows the agreements naming it and its
  briefs; `countries` (every ISO code a page's data names), whose term pages stand for
  orebrief's country pages;
* `[[id]]`, `[[id|text]]` and `[[CC]]` wiki links and `[text](@/path.md#frag)` links become
  `[text](@/section/id)`, resolved by a link render hook through `site.GetPage` (an unknown
  target fails the build, as in orebrief); the built-in shortcodes (`supply_table`, `chart`,
  `producers`, `import_sources`) become Hugo shortcodes; inside code they stay text;
* layouts render the production tables with shares, world total, "other", top producer and
  HHI computed in the template, plus reserves, uses, US trade, export controls, producers,
  facilities, agreements, briefs and sources; mineral and company pages also get a
  `data.json` output, like orebrief's exports; fenced code is highlighted with CSS classes.

What orebrief does that this site does not: body backlinks (no cheap Hugo equivalent), the
per-table CSV exports, portal.json, the search index, print pages and SVG charts. Hugo also
renders term pages for `commodities` and `partners` that orebrief has no counterpart for.
"""

import os
import re
import shutil
import sys

import yaml

COUNTRY_NAMES = {
    "CN": "China", "US": "United States", "AU": "Australia", "CL": "Chile", "KR": "Korea",
    "JP": "Japan", "DE": "Germany", "CA": "Canada", "BR": "Brazil", "IN": "India",
    "ZA": "South Africa", "RU": "Russia", "ID": "Indonesia", "PE": "Peru", "CD": "DR Congo",
    "MX": "Mexico", "KZ": "Kazakhstan", "PH": "Philippines", "MA": "Morocco", "TR": "Turkey",
    "VN": "Vietnam", "MM": "Myanmar", "LA": "Laos", "GA": "Gabon", "BO": "Bolivia",
    "AR": "Argentina", "ZW": "Zimbabwe", "FI": "Finland", "SE": "Sweden", "NO": "Norway",
    "PL": "Poland", "BE": "Belgium", "NL": "Netherlands", "FR": "France",
    "GB": "United Kingdom", "ES": "Spain", "PT": "Portugal", "AT": "Austria", "GR": "Greece",
    "HU": "Hungary", "UA": "Ukraine", "MN": "Mongolia", "MY": "Malaysia", "TH": "Thailand",
    "GH": "Ghana", "NG": "Nigeria", "TZ": "Tanzania", "MZ": "Mozambique", "MG": "Madagascar",
    "NA": "Namibia", "ZM": "Zambia", "NC": "New Caledonia", "CU": "Cuba", "RW": "Rwanda",
    "UZ": "Uzbekistan", "SA": "Saudi Arabia", "AE": "United Arab Emirates", "VE": "Venezuela",
    "GN": "Guinea", "SL": "Sierra Leone",
}

LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | relURL }}" title="{{ site.Title }}">
</head>
<body class="kind-{{ .Kind }}">
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><p class="site-title"><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
<nav aria-label="Sections"><ul>
{{- range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
<li><a href="{{ "countries/" | relURL }}">Countries</a></li>
</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>{{ site.Title }}. Generated {{ now.Format "2006-01-02" }}.</p></footer>
</body>
</html>
""",
    "_default/_markup/render-link.html": """{{- $d := .Destination -}}
{{- if hasPrefix $d "@/" -}}
{{- $t := $.Text -}}{{- $parts := split (substr $d 1) "#" -}}{{- $frag := "" -}}{{- if gt (len $parts) 1 }}{{ $frag = printf "#%s" (index $parts 1) }}{{ end -}}
{{- with site.GetPage (index $parts 0) -}}<a href="{{ .RelPermalink }}{{ $frag }}">{{ if eq $t "" }}{{ .Title }}{{ else }}{{ $t | safeHTML }}{{ end }}</a>
{{- else -}}{{ errorf "%s: unknown link target %s" $.Page.File.Path $d }}{{- end -}}
{{- else -}}<a href="{{ $d | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>{{- end -}}
""",
    "partials/country.html": """{{- $c := upper . -}}<a class="country" href="{{ printf "countries/%s/" (lower $c) | relURL }}">{{ index site.Data.countries $c | default $c }}</a>""",
    "partials/source_ref.html": """{{- $id := .id -}}{{- $src := false -}}
{{- range .page.Params.params.sources }}{{ if eq .id $id }}{{ $src = . }}{{ end }}{{ end -}}
{{- if not $src }}{{ $src = index site.Data.sources $id }}{{ end -}}
{{- with $src }}<a class="source-ref" href="#source-{{ $id }}" title="{{ .title }}">{{ .title }}</a>{{ else }}{{ $id }}{{ end -}}""",
    "partials/metrics.html": """{{- $sum := 0.0 -}}{{- range .by_country }}{{ $sum = add $sum (float .value) }}{{ end -}}
{{- $world := $sum -}}{{- with .world }}{{ $world = float . }}{{ end -}}
{{- $hhi := 0.0 -}}{{- $top := 0.0 -}}
{{- if gt $world 0.0 -}}{{- range .by_country -}}{{- $s := div (mul (float .value) 100.0) $world -}}{{- $hhi = add $hhi (mul $s $s) -}}{{- if gt $s $top }}{{ $top = $s }}{{ end -}}{{- end -}}{{- end -}}
{{- $label := "low" -}}{{- if gt $hhi 2500.0 }}{{ $label = "high" }}{{ else if ge $hhi 1500.0 }}{{ $label = "moderate" }}{{ end -}}
{{- return (dict "sum" $sum "world" $world "hhi" $hhi "label" $label "top" $top "lower_bound" (gt $world $sum)) -}}""",
    "partials/supply_table.html": """{{- $t := .t -}}{{- $m := partial "metrics.html" $t -}}{{- $world := $m.world -}}
{{- $caption := printf "%s %s production, %v (%s)" .title $t.stage $t.year $t.unit -}}
<figure class="supply-table">
<div class="table-wrap" role="region" aria-label="{{ $caption }}" tabindex="0">
<table class="data">
<caption><span class="caption-title">{{ .title }} {{ $t.stage }} production, {{ $t.year }}</span> <span class="caption-unit">({{ $t.unit }})</span>{{ if $t.estimated }} <span class="estimated">(estimated)</span>{{ end }}</caption>
<thead>
<tr><th scope="col" class="num">Rank</th><th scope="col">Country</th><th scope="col" class="num">Production ({{ $t.unit }})</th><th scope="col" class="num">Share of world</th></tr>
</thead>
<tbody>
{{- range $i, $r := $t.by_country }}
<tr{{ if eq $i 0 }} class="is-top"{{ end }}><td class="num">{{ add $i 1 }}</td><th scope="row">{{ partialCached "country.html" $r.code $r.code }}</th><td class="num">{{ lang.FormatNumber 0 (float $r.value) }}</td><td class="num">{{ if gt $world 0.0 }}{{ lang.FormatNumber 1 (div (mul (float $r.value) 100.0) $world) }}%{{ end }}</td></tr>
{{- end }}
{{- if $m.lower_bound }}
<tr class="other"><td class="num"></td><th scope="row">Other countries</th><td class="num">{{ lang.FormatNumber 0 (sub $world $m.sum) }}</td><td class="num">{{ lang.FormatNumber 1 (div (mul (sub $world $m.sum) 100.0) $world) }}%</td></tr>
{{- end }}
</tbody>
<tfoot>
<tr class="total"><td class="num"></td><th scope="row">World total{{ if not $t.world }} <span class="hint">(sum of listed countries)</span>{{ end }}</th><td class="num">{{ lang.FormatNumber 0 $world }}</td><td class="num">100%</td></tr>
</tfoot>
</table>
</div>
<div class="table-summary">
{{- with index $t.by_country 0 }}
<p class="top-producer">Top producer: {{ partialCached "country.html" .code .code }} with <strong>{{ lang.FormatNumber 1 $m.top }}%</strong> of world {{ $t.stage }} production.</p>
{{- end }}
<p class="concentration">Concentration: <abbr title="Herfindahl-Hirschman index">HHI</abbr> {{ if $m.lower_bound }}at least {{ end }}<strong>{{ lang.FormatNumber 0 $m.hhi }}</strong> <span class="hhi hhi-{{ $m.label }}">{{ $m.label }}</span></p>
{{- if $m.lower_bound }}
<p class="hhi-note">The HHI counts only the listed countries; the remainder ("other") is not broken down, so the value is a lower bound.</p>
{{- end }}
{{- with $t.note }}
<p class="table-note">Note: {{ . }}</p>
{{- end }}
{{- with $t.source }}
<p class="table-links">Source: {{ partial "source_ref.html" (dict "id" . "page" $.page) }}.</p>
{{- end }}
</div>
</figure>
""",
    "partials/sources.html": """{{- with .Params.params.sources }}
<section class="sources" aria-labelledby="sources">
<h2 id="sources">Sources</h2>
<ol class="source-list">
{{- range . }}
<li id="source-{{ .id }}">{{ with .url }}<a href="{{ . }}">{{ end }}{{ .title }}{{ with .url }}</a>{{ end }}{{ with .accessed }} <span class="accessed">(accessed <time>{{ . }}</time>)</span>{{ end }}</li>
{{- end }}
</ol>
</section>
{{- end }}""",
    "partials/brief_list.html": """{{- with . }}
<section class="briefs" aria-labelledby="briefs">
<h2 id="briefs">Briefs</h2>
<ul class="brief-list">
{{- range . }}
<li><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{- end }}
</ul>
</section>
{{- end }}""",
    "partials/pick_table.html": """{{- $stage := .stage -}}{{- $year := .year -}}{{- $best := false -}}
{{- range .m.Params.params.production }}{{ if and (or (not $stage) (eq .stage $stage)) (or (not $year) (eq .year $year)) }}{{ if or (not $best) (ge .year $best.year) }}{{ $best = . }}{{ end }}{{ end }}{{ end -}}
{{- return $best -}}""",
    # A product's capacity as orebrief's `num` filter writes it (thousands separators, up to
    # two decimals, no trailing zeros; 0 is a value), with its unit, or n/a when not given.
    "partials/capacity.html": """{{- if isset . "capacity" -}}
{{- $c := float .capacity -}}
{{- if eq $c (math.Floor $c) }}{{ lang.FormatNumber 0 $c }}{{ else }}{{ strings.TrimRight "." (strings.TrimRight "0" (lang.FormatNumber 2 $c)) }}{{ end -}}
{{- with .unit }} {{ . }}{{ end -}}
{{- else }}<abbr title="not available">n/a</abbr>{{ end -}}""",
    "partials/producers.html": """{{- $id := .id -}}
<table class="data producers">
<caption>Facilities producing {{ .title }}</caption>
<thead><tr><th scope="col">Company</th><th scope="col">Facility</th><th scope="col">Country</th><th scope="col" class="num">Capacity</th><th scope="col">Status</th></tr></thead>
<tbody>
{{- with index site.Taxonomies.commodities $id }}
{{- range .Pages }}{{ if eq .Section "companies" }}{{ $co := . }}
{{- range $co.Params.params.facilities }}{{ $f := . }}{{ range .products }}{{ if eq .mineral $id }}
<tr><th scope="row"><a href="{{ $co.RelPermalink }}">{{ $co.Title }}</a></th><td>{{ $f.name }}</td><td>{{ with $f.country }}{{ partialCached "country.html" . . }}{{ end }}</td><td class="num">{{ partial "capacity.html" . }}</td><td>{{ .status | default "operating" }}</td></tr>
{{- end }}{{ end }}{{ end }}
{{- end }}{{ end }}
{{- end }}
</tbody>
</table>""",
    "partials/chart.html": """{{- $total := .total -}}{{- $rows := .rows -}}
<figure class="chart">
<svg viewBox="0 0 420 {{ add 4 (mul (len $rows) 20) }}" role="img" aria-label="{{ .label }}">
{{- range $i, $r := $rows }}{{ $s := 0.0 }}{{ if gt $total 0.0 }}{{ $s = div (mul (float $r.value) 100.0) $total }}{{ end }}
<g transform="translate(0,{{ mul $i 20 }})"><text x="0" y="14">{{ $r.code }}</text><rect x="50" y="3" width="{{ mul $s 3.0 }}" height="14"></rect><text x="{{ add 55.0 (mul $s 3.0) }}" y="14">{{ lang.FormatNumber 1 $s }}%</text></g>
{{- end }}
</svg>
<figcaption>{{ .label }}</figcaption>
</figure>""",
    "partials/import_sources.html": """<table class="data">
<caption>US import sources, {{ .period }}</caption>
<thead><tr><th scope="col">Country</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>
{{- range .shares }}
<tr><th scope="row">{{ if eq .code "other" }}Other countries{{ else }}{{ partialCached "country.html" .code .code }}{{ end }}</th><td class="num">{{ lang.FormatNumber 0 (float .value) }}%</td></tr>
{{- end }}
</tbody>
</table>""",
    "shortcodes/supply_table.html": """{{- $id := .Get "mineral" -}}
{{- with site.GetPage (printf "/minerals/%s" $id) -}}{{- $m := . -}}
{{- with partial "pick_table.html" (dict "m" . "stage" ($.Get "stage") "year" ($.Get "year")) }}{{ partial "supply_table.html" (dict "t" . "title" $m.Title "page" $m) }}{{ else }}{{ errorf "%s has no matching table" $id }}{{ end -}}
{{- else -}}{{ errorf "unknown mineral %s" $id }}{{- end -}}""",
    "shortcodes/chart.html": """{{- $id := .Get "mineral" -}}
{{- with site.GetPage (printf "/minerals/%s" $id) -}}{{- $m := . -}}
{{- if eq ($.Get "of") "imports" -}}
{{- with $m.Params.params.us_trade.import_sources }}{{ partial "chart.html" (dict "rows" .shares "total" 100.0 "label" (printf "%s: US import sources, %s" $m.Title .period)) }}{{ else }}{{ errorf "%s has no import sources" $id }}{{ end -}}
{{- else -}}
{{- with partial "pick_table.html" (dict "m" . "stage" ($.Get "stage") "year" ($.Get "year")) }}{{ $mt := partial "metrics.html" . }}{{ partial "chart.html" (dict "rows" .by_country "total" $mt.world "label" (printf "%s %s production, %v" $m.Title .stage .year)) }}{{ else }}{{ errorf "%s has no matching table" $id }}{{ end -}}
{{- end -}}
{{- else -}}{{ errorf "unknown mineral %s" $id }}{{- end -}}""",
    "shortcodes/producers.html": """{{- $id := .Get "mineral" -}}
{{- with site.GetPage (printf "/minerals/%s" $id) -}}{{ partial "producers.html" (dict "id" $id "title" .Title) }}{{- else -}}{{ errorf "unknown mineral %s" $id }}{{- end -}}""",
    "shortcodes/import_sources.html": """{{- $id := .Get "mineral" -}}
{{- with site.GetPage (printf "/minerals/%s" $id) -}}{{- $m := . -}}
{{- with $m.Params.params.us_trade.import_sources }}{{ partial "import_sources.html" . }}{{ partial "chart.html" (dict "rows" .shares "total" 100.0 "label" (printf "%s: US import sources, %s" $m.Title .period)) }}{{ else }}{{ errorf "%s has no import sources" $id }}{{ end -}}
{{- else -}}{{ errorf "unknown mineral %s" $id }}{{- end -}}""",
    "minerals/single.html": """{{ define "main" }}
{{- $p := .Params.params -}}{{- $id := .File.ContentBaseName -}}{{- $page := . -}}
<article class="profile mineral">
<header class="page-header">
<p class="eyebrow">Mineral</p>
<h1>{{ .Title }}{{ with $p.symbol }} <span class="symbol" title="Chemical symbol">{{ . }}</span>{{ end }}</h1>
{{- with $p.aliases }}
<p class="aliases">Also known as: {{ delimit . ", " }}</p>
{{- end }}
{{- with .Params.summary }}
<p class="lead">{{ . }}</p>
{{- end }}
{{- with $p.critical }}
<ul class="badges critical-lists" aria-label="Critical mineral lists">
{{- range . }}
<li class="badge badge-critical badge-{{ .code }}">{{ upper .code }} critical <span class="year">{{ .value }}</span></li>
{{- end }}
</ul>
{{- end }}
{{- with $p.as_of }}
<p class="as-of">Figures as of <time datetime="{{ . }}">{{ . }}</time>.</p>
{{- end }}
</header>
<div class="content">
{{ .Content }}
</div>
{{- with $p.production }}
<section class="production" aria-labelledby="production">
<h2 id="production">Production</h2>
{{- range . }}
{{ partial "supply_table.html" (dict "t" . "title" $page.Title "page" $page) }}
{{- end }}
</section>
{{- end }}
{{- with $p.reserves }}
<section class="reserves" aria-labelledby="reserves">
<h2 id="reserves">Reserves</h2>
<table class="data">
<caption>{{ $page.Title }}: reserves <span class="caption-unit">({{ .unit }})</span></caption>
<thead><tr><th scope="col">Country</th><th scope="col" class="num">Reserves ({{ .unit }})</th></tr></thead>
<tbody>
{{- range .by_country }}
<tr><th scope="row">{{ partialCached "country.html" .code .code }}</th><td class="num">{{ lang.FormatNumber 0 (float .value) }}</td></tr>
{{- end }}
</tbody>
</table>
{{- with .source }}
<p class="table-links">Source: {{ partial "source_ref.html" (dict "id" . "page" $page) }}.</p>
{{- end }}
</section>
{{- end }}
{{- with $p.uses }}
<section class="uses" aria-labelledby="uses">
<h2 id="uses">Uses</h2>
<table class="data">
<caption>{{ $page.Title }}: end uses</caption>
<thead><tr><th scope="col">Use</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>
{{- range . }}
<tr><th scope="row">{{ .name }}</th><td class="num">{{ with .share }}{{ lang.FormatNumber 0 (float .) }}%{{ end }}</td></tr>
{{- end }}
</tbody>
</table>
</section>
{{- end }}
{{- with $p.us_trade }}
<section class="us-trade" aria-labelledby="us-trade">
<h2 id="us-trade">US trade</h2>
{{- with .net_import_reliance }}
<p class="net-import-reliance">US net import reliance ({{ .year }}): <strong>{{ lang.FormatNumber 0 (float .percent) }}%</strong> of apparent consumption.</p>
{{- end }}
{{- with .import_sources }}
{{ partial "import_sources.html" . }}
{{- end }}
{{- with .source }}
<p class="table-links">Source: {{ partial "source_ref.html" (dict "id" . "page" $page) }}.</p>
{{- end }}
</section>
{{- end }}
{{- with $p.export_controls }}
<section class="export-controls" aria-labelledby="export-controls">
<h2 id="export-controls">Export controls</h2>
<table class="data">
<caption>{{ $page.Title }}: export controls</caption>
<thead><tr><th scope="col">Country</th><th scope="col">In effect from</th><th scope="col">Measure</th><th scope="col">Source</th></tr></thead>
<tbody>
{{- range . }}
<tr><th scope="row">{{ partialCached "country.html" .country .country }}</th><td><time>{{ .effective }}</time></td><td>{{ .measure }}</td><td>{{ with .source }}{{ partial "source_ref.html" (dict "id" . "page" $page) }}{{ end }}</td></tr>
{{- end }}
</tbody>
</table>
</section>
{{- end }}
{{- $refs := index site.Taxonomies.commodities $id }}
<section class="producers-section" aria-labelledby="producers">
<h2 id="producers">Producers</h2>
{{ partial "producers.html" (dict "id" $id "title" .Title) }}
</section>
{{- with $refs }}{{ partial "brief_list.html" (where .Pages.ByDate.Reverse "Section" "briefs") }}{{ end }}
{{ partial "sources.html" . }}
<p class="data-links">Machine-readable data: <a href="{{ .RelPermalink }}data.json" type="application/json">data.json</a></p>
</article>
{{ end }}
""",
    "companies/single.html": """{{ define "main" }}
{{- $p := .Params.params -}}{{- $id := .File.ContentBaseName -}}{{- $page := . -}}
<article class="profile company">
<header class="page-header">
<p class="eyebrow">Company</p>
<h1>{{ .Title }}</h1>
{{- with .Params.summary }}
<p class="lead">{{ . }}</p>
{{- end }}
<dl class="facts">
<dt>Headquarters</dt><dd>{{ with $p.headquarters }}{{ . }}, {{ end }}{{ with $p.country }}{{ partialCached "country.html" . . }}{{ end }}</dd>
{{- with $p.founded }}<dt>Founded</dt><dd>{{ . }}</dd>{{ end }}
{{- with $p.listing }}<dt>Listing</dt><dd>{{ .exchange }}: {{ .ticker }}</dd>{{ end }}
{{- with $p.website }}<dt>Website</dt><dd><a href="{{ . }}">{{ . }}</a></dd>{{ end }}
</dl>
</header>
<div class="content">
{{ .Content }}
</div>
{{- with $p.facilities }}
<section class="facilities" aria-labelledby="facilities">
<h2 id="facilities">Facilities</h2>
<table class="data">
<caption>{{ $page.Title }}: facilities and products</caption>
<thead><tr><th scope="col">Facility</th><th scope="col">Location</th><th scope="col">Mineral</th><th scope="col" class="num">Capacity</th><th scope="col">Status</th><th scope="col">Source</th></tr></thead>
<tbody>
{{- range . }}{{ $f := . }}
{{- range .products }}
<tr><th scope="row">{{ $f.name }}</th><td>{{ with $f.location }}{{ . }}, {{ end }}{{ with $f.country }}{{ partialCached "country.html" . . }}{{ end }}</td><td>{{ with site.GetPage (printf "/minerals/%s" .mineral) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</td><td class="num">{{ partial "capacity.html" . }}</td><td>{{ .status | default "operating" }}</td><td>{{ with .source }}{{ partial "source_ref.html" (dict "id" . "page" $page) }}{{ end }}</td></tr>
{{- end }}
{{- end }}
</tbody>
</table>
</section>
{{- end }}
{{- $refs := index site.Taxonomies.partners $id }}
<section class="agreements" aria-labelledby="agreements">
<h2 id="agreements">Agreements</h2>
<table class="data">
<caption>Agreements of {{ .Title }}</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Party</th><th scope="col">Kind</th><th scope="col">Minerals</th><th scope="col">Summary</th></tr></thead>
<tbody>
{{- range $p.agreements }}
<tr><td><time>{{ .date }}</time></td><td>{{ with .with }}{{ with site.GetPage (printf "/companies/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ else }}{{ .with_name }}{{ end }}</td><td>{{ .kind }}</td><td>{{ range $i, $m := .minerals }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/minerals/%s" $m) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</td><td>{{ .summary }}{{ with .source }} ({{ partial "source_ref.html" (dict "id" . "page" $page) }}){{ end }}</td></tr>
{{- end }}
{{- with $refs }}{{ range .Pages }}{{ if eq .Section "companies" }}{{ $co := . }}
{{- range $co.Params.params.agreements }}{{ if eq .with $id }}
<tr><td><time>{{ .date }}</time></td><td><a href="{{ $co.RelPermalink }}">{{ $co.Title }}</a></td><td>{{ .kind }}</td><td>{{ range $i, $m := .minerals }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/minerals/%s" $m) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</td><td>{{ .summary }}</td></tr>
{{- end }}{{ end }}
{{- end }}{{ end }}{{ end }}
</tbody>
</table>
</section>
{{- with $refs }}{{ partial "brief_list.html" (where .Pages.ByDate.Reverse "Section" "briefs") }}{{ end }}
{{ partial "sources.html" . }}
<p class="data-links">Machine-readable data: <a href="{{ .RelPermalink }}data.json" type="application/json">data.json</a></p>
</article>
{{ end }}
""",
    "briefs/single.html": """{{ define "main" }}
{{- $p := .Params.params -}}
<article class="brief">
<header class="page-header">
<p class="eyebrow">Brief</p>
<h1>{{ .Title }}</h1>
<p class="date"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{- with .Params.summary }}
<p class="lead">{{ . }}</p>
{{- end }}
<dl class="covers">
<dt>Minerals</dt><dd>{{ range $i, $m := $p.minerals }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/minerals/%s" $m) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</dd>
<dt>Companies</dt><dd>{{ range $i, $c := $p.companies }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/companies/%s" $c) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</dd>
<dt>Countries</dt><dd>{{ range $i, $c := $p.countries }}{{ if $i }}, {{ end }}{{ partialCached "country.html" $c $c }}{{ end }}</dd>
</dl>
</header>
<div class="content">
{{ .Content }}
</div>
{{ partial "sources.html" . }}
</article>
{{ end }}
""",
    "_default/single.html": """{{ define "main" }}
<article class="page"><header class="page-header"><h1>{{ .Title }}</h1></header>
<div class="content">{{ .Content }}</div></article>
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<article class="section">
<header class="page-header"><h1>{{ .Title }}</h1></header>
{{- with .Content }}<div class="content">{{ . }}</div>{{ end }}
<ul class="section-list">
{{- range .Pages }}
<li class="section-item"><h2 class="item-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{- if not .Date.IsZero }}<p class="item-date"><time>{{ .Date.Format "2006-01-02" }}</time></p>{{ end }}
{{- with .Params.summary }}<p class="item-summary">{{ . }}</p>{{ end }}</li>
{{- end }}
</ul>
</article>
{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}
<article class="section"><header class="page-header"><h1>{{ .Title }}</h1></header>
<ul class="section-list">
{{- range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ if eq $.Data.Plural "countries" }}{{ index site.Data.countries (upper .Name) | default .Name }}{{ else }}{{ .Page.Title }}{{ end }}</a> ({{ .Count }})</li>
{{- end }}
</ul></article>
{{ end }}
""",
    "_default/term.html": """{{ define "main" }}
{{- if eq .Data.Plural "countries" }}
{{- $code := upper .Data.Term -}}{{- $name := index site.Data.countries $code | default $code -}}
<article class="profile country">
<header class="page-header"><p class="eyebrow">Country</p><h1>{{ $name }} <span class="symbol">{{ $code }}</span></h1></header>
{{- with .Content }}<div class="content">{{ . }}</div>{{ end }}
<section class="production"><h2 id="production">Production</h2>
<table class="data">
<caption>{{ $name }}: mineral production and world share</caption>
<thead><tr><th scope="col">Mineral</th><th scope="col">Stage</th><th scope="col" class="num">Year</th><th scope="col" class="num">Production</th><th scope="col" class="num">Share of world</th><th scope="col" class="num">World rank</th></tr></thead>
<tbody>
{{- range where .Pages "Section" "minerals" }}{{ $m := . }}
{{- range $m.Params.params.production }}{{ $t := . }}
{{- range $r, $row := .by_country }}{{ if eq $row.code $code }}{{ $mt := partial "metrics.html" $t }}
<tr><th scope="row"><a href="{{ $m.RelPermalink }}">{{ $m.Title }}</a></th><td>{{ $t.stage }}</td><td class="num">{{ $t.year }}</td><td class="num">{{ lang.FormatNumber 0 (float $row.value) }} {{ $t.unit }}</td><td class="num">{{ if gt $mt.world 0.0 }}{{ lang.FormatNumber 1 (div (mul (float $row.value) 100.0) $mt.world) }}%{{ end }}</td><td class="num">{{ add $r 1 }}</td></tr>
{{- end }}{{ end }}
{{- end }}
{{- end }}
</tbody>
</table>
</section>
{{- $companies := where .Pages "Section" "companies" }}
<section class="companies-hq"><h2 id="companies-hq">Companies headquartered here</h2>
<ul class="ref-list">
{{- range $companies }}{{ if eq .Params.params.country $code }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></section>
<section class="facilities"><h2 id="facilities">Facilities operating here</h2>
<table class="data"><thead><tr><th scope="col">Facility</th><th scope="col">Company</th><th scope="col">Minerals</th></tr></thead>
<tbody>
{{- range $companies }}{{ $co := . }}{{ range .Params.params.facilities }}{{ if eq .country $code }}
<tr><th scope="row">{{ .name }}</th><td><a href="{{ $co.RelPermalink }}">{{ $co.Title }}</a></td><td>{{ range $i, $pr := .products }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/minerals/%s" $pr.mineral) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</td></tr>
{{- end }}{{ end }}{{ end }}
</tbody></table></section>
<section class="export-controls"><h2 id="export-controls">Export controls imposed</h2>
<ul class="ref-list">
{{- range where .Pages "Section" "minerals" }}{{ $m := . }}{{ range .Params.params.export_controls }}{{ if eq .country $code }}<li><a href="{{ $m.RelPermalink }}">{{ $m.Title }}</a>: {{ .measure }} (from <time>{{ .effective }}</time>)</li>{{ end }}{{ end }}{{ end }}
</ul></section>
<section class="imports"><h2 id="imports">US imports from {{ $name }}</h2>
<ul class="ref-list">
{{- range where .Pages "Section" "minerals" }}{{ $m := . }}{{ with .Params.params.us_trade }}{{ with .import_sources }}{{ range .shares }}{{ if eq .code $code }}<li><a href="{{ $m.RelPermalink }}">{{ $m.Title }}</a>: {{ lang.FormatNumber 0 (float .value) }}%</li>{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}
</ul></section>
{{ partial "brief_list.html" (where .Pages.ByDate.Reverse "Section" "briefs") }}
</article>
{{- else }}
<article class="section"><header class="page-header"><h1>{{ .Title }}</h1></header>
<ul class="section-list">
{{- range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></article>
{{- end }}
{{ end }}
""",
    "index.html": """{{ define "main" }}
<article class="home">
<header class="page-header"><h1>{{ .Title | default site.Title }}</h1>{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}</header>
{{- with .Content }}<div class="content intro">{{ . }}</div>{{ end }}
<section class="dashboard"><h2 id="dashboard">Supply dashboard</h2>
<table class="data sortable dashboard-table">
<caption>Critical minerals at a glance</caption>
<thead><tr><th scope="col">Mineral</th><th scope="col">Symbol</th><th scope="col">Stage, year</th><th scope="col">Top producer</th><th scope="col" class="num">Top share</th><th scope="col" class="num">HHI</th><th scope="col">Concentration</th><th scope="col" class="num">US net import reliance</th><th scope="col">Export controls</th><th scope="col">Critical lists</th></tr></thead>
<tbody>
{{- range where site.RegularPages "Section" "minerals" }}{{ $p := .Params.params }}
<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td>{{ $p.symbol }}</td>
{{- with index $p.production 0 }}{{ $m := partial "metrics.html" . }}
<td>{{ .stage }}, {{ .year }}</td><td>{{ with index .by_country 0 }}{{ partialCached "country.html" .code .code }}{{ end }}</td><td class="num">{{ lang.FormatNumber 1 $m.top }}%</td><td class="num">{{ lang.FormatNumber 0 $m.hhi }}</td><td><span class="hhi hhi-{{ $m.label }}">{{ $m.label }}</span></td>
{{- else }}<td></td><td></td><td></td><td></td><td></td>{{ end }}
<td class="num">{{ with $p.us_trade }}{{ with .net_import_reliance }}{{ lang.FormatNumber 0 (float .percent) }}%{{ end }}{{ end }}</td>
<td>{{ range $i, $x := $p.export_controls }}{{ if $i }}, {{ end }}{{ partialCached "country.html" $x.country $x.country }}{{ end }}</td>
<td>{{ range $p.critical }}<span class="badge badge-critical">{{ upper .code }}</span> {{ end }}</td></tr>
{{- end }}
</tbody></table></section>
<section class="recent-briefs"><h2 id="recent-briefs">Recent briefs</h2>
<ul class="brief-list">
{{- range first 10 (where site.RegularPages "Section" "briefs").ByDate.Reverse }}
<li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}</li>
{{- end }}
</ul></section>
</article>
{{ end }}
""",
    "minerals/single.data.json": """{{ dict "id" .File.ContentBaseName "kind" "mineral" "title" .Title "path" .RelPermalink "data" .Params.params | jsonify (dict "indent" "  ") }}
""",
    "companies/single.data.json": """{{ dict "id" .File.ContentBaseName "kind" "company" "title" .Title "path" .RelPermalink "data" .Params.params | jsonify (dict "indent" "  ") }}
""",
}


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML 1.2 booleans: `NO` (Norway) is a string, as orebrief reads it."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

WIKI = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
PATH_LINK = re.compile(r"\]\(@/([^)#\s]+\.md)(#[^)\s]*)?\)")
SHORTCODE = re.compile(r"\{\{\s*(\w+)\((.*?)\)\s*\}\}")
ARG = re.compile(r"""(\w+)\s*=\s*("[^"]*"|'[^']*'|true|false|-?[\d.]+)""")
INTERNAL = re.compile(r"\{%\s*internal\(\s*\)\s*%\}.*?\{%\s*end\s*%\}", re.S)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
SECTION_OF_KIND = {"mineral": "minerals", "company": "companies", "brief": "briefs"}


def split(text):
    """Front matter and body of a content file (`---` lines, as orebrief reads them)."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    assert text.startswith("---\n"), "no front matter"
    end = text.find("\n---\n", 3)
    if end < 0:
        assert text.rstrip("\n").endswith("\n---"), "unclosed front matter"
        end = text.rstrip("\n").rindex("\n---")
    return text[4 : end + 1], text[end + 5 :]


def pairs(mapping):
    return [{"code": str(k), "value": v} for k, v in (mapping or {}).items()]


def hugo_date(value):
    """orebrief takes `YYYY-MM` as a date; Hugo wants a day."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
        return f"{value}-01"
    return value


def outside_code(body, fn):
    """Applies `fn` to the parts of `body` outside fenced code blocks and code spans, which
    orebrief leaves as text (Hugo would still expand a shortcode there)."""
    out, prose, fence = [], [], None

    def flush():
        if prose:
            text = "".join(prose)
            parts = re.split(r"(`+[^`\n]*?`+)", text)
            out.append("".join(fn(x) if i % 2 == 0 else x for i, x in enumerate(parts)))
            prose.clear()

    for line in body.splitlines(keepends=True):
        m = FENCE.match(line)
        if fence is None and m:
            flush()
            fence = m.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
        else:
            prose.append(line)
    flush()
    return "".join(out)


def convert_body(body, place_of, path_of):
    """Wiki links, content-path links and shortcodes in Hugo's form."""

    def link(m):
        # `[[id\|Label]]` in a table: the escaped bar leaves a backslash on the target.
        target, text = m.group(1).strip().rstrip("\\"), (m.group(2) or "").strip()
        if re.fullmatch(r"[A-Z]{2}", target):
            dest = f"@/countries/{target.lower()}"
        else:
            dest = "@" + place_of.get(target.lower(), f"/missing/{target}")
        return f"[{text}]({dest})"

    def path_link(m):
        dest = path_of.get(m.group(1), f"/missing/{m.group(1)}")
        return f"](@{dest}{m.group(2) or ''})"

    def shortcode(m):
        args = []
        for k, v in ARG.findall(m.group(2)):
            if v.startswith("'"):
                v = '"' + v[1:-1] + '"'
            args.append(f"{k}={v}")
        return "{{< %s %s >}}" % (m.group(1), " ".join(args))

    return outside_code(
        body, lambda t: SHORTCODE.sub(shortcode, WIKI.sub(link, PATH_LINK.sub(path_link, t)))
    )


def convert_page(section, pid, meta, body, place_of, path_of):
    data = {k: v for k, v in meta.items()
            if k not in ("title", "summary", "date", "updated", "draft", "weight", "kind",
                         "visibility", "internal")}
    data["id"] = pid
    fm = {"title": meta.get("title", pid)}
    if "summary" in meta:
        fm["summary"] = meta["summary"]
    if "date" in meta:
        fm["date"] = hugo_date(meta["date"])
    if "updated" in meta:
        fm["lastmod"] = hugo_date(meta["updated"])
    if "weight" in meta:
        fm["weight"] = meta["weight"]
    countries = set()
    if section == "minerals":
        for t in data.get("production") or []:
            countries.update(t.get("by_country") or {})
            t["by_country"] = pairs(t.get("by_country"))
        if data.get("reserves"):
            countries.update(data["reserves"].get("by_country") or {})
            data["reserves"]["by_country"] = pairs(data["reserves"].get("by_country"))
        imports = (data.get("us_trade") or {}).get("import_sources")
        if imports:
            countries.update(k for k in imports.get("shares") or {} if k != "other")
            imports["shares"] = pairs(imports.get("shares"))
        for x in data.get("export_controls") or []:
            countries.add(x["country"])
        data["critical"] = pairs(data.get("critical"))
        fm["outputs"] = ["html", "data"]
    elif section == "companies":
        if data.get("country"):
            countries.add(data["country"])
        products = []
        for f in data.get("facilities") or []:
            if f.get("country"):
                countries.add(f["country"])
            products.extend(p["mineral"] for p in f.get("products") or [])
        fm["commodities"] = sorted(set(products))
        fm["partners"] = sorted({a["with"] for a in data.get("agreements") or [] if a.get("with")})
        fm["outputs"] = ["html", "data"]
    elif section == "briefs":
        countries.update(data.get("countries") or [])
        fm["commodities"] = list(data.get("minerals") or [])
        fm["partners"] = list(data.get("companies") or [])
    if countries:
        fm["countries"] = sorted(str(c).lower() for c in countries)
    fm["params"] = data
    body = convert_body(body, place_of, path_of)
    head = yaml.dump(fm, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100000)
    return f"---\n{head}---\n\n{body}"


def leave_out_references(meta, hidden):
    """Removes from `meta` what names a page of `hidden` (id -> kind) as that kind."""
    def gone(i, kind):
        return hidden.get(str(i).lower()) == kind
    facilities = meta.get("facilities")
    if facilities:
        meta["facilities"] = [
            dict(f, products=[p for p in f.get("products") or [] if not gone(p.get("mineral"), "mineral")])
            for f in facilities
            if not f.get("products") or not all(gone(p.get("mineral"), "mineral") for p in f["products"])
        ]
    if meta.get("agreements"):
        meta["agreements"] = [
            dict(a, minerals=[m for m in a.get("minerals") or [] if not gone(m, "mineral")])
            for a in meta["agreements"]
            if not (a.get("with") and gone(a["with"], "company"))
        ]
    for field, kind in (("minerals", "mineral"), ("companies", "company")):
        if isinstance(meta.get(field), list):
            meta[field] = [i for i in meta[field] if not gone(i, kind)]


def place(rel, meta):
    """Where a content file goes in the Hugo site, without `.md`, or None for a file a public
    orebrief build leaves out (internal pages, drafts).

    Files keep their section; a `kind:` override moves a file into its kind's section and
    sub-folders are flattened (ids are unique across an orebrief site), so that layouts find
    every profile at `/minerals/ID`, `/companies/ID`, `/briefs/ID`. A country note becomes the
    content of its taxonomy term page, `/countries/cc`."""
    if meta.get("visibility") == "internal" or meta.get("draft") is True:
        return None
    parts = rel.split("/")
    stem = parts[-1][:-3]
    top = parts[0] if len(parts) > 1 else ""
    if stem == "_index":
        return "/_index" if len(parts) == 1 else f"/{top}/_index" if len(parts) == 2 else None
    if top == "countries" and "kind" not in meta:
        return f"/countries/{stem.lower()}/_index"
    section = SECTION_OF_KIND.get(meta.get("kind"), top)
    return f"/{section}/{stem.lower()}" if section else f"/{stem.lower()}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    corpus, out = sys.argv[1], sys.argv[2]
    src = os.path.join(corpus, "content")
    site = yaml.load(open(os.path.join(corpus, "site.yaml")), Loader=Loader)
    files = []
    for dirpath, _, names in os.walk(src):
        for name in names:
            if name.endswith(".md"):
                rel = os.path.relpath(os.path.join(dirpath, name), src)
                files.append(rel.replace(os.sep, "/"))
    files.sort()
    if os.path.exists(out):
        shutil.rmtree(out)
    for name, text in LAYOUTS.items():
        path = os.path.join(out, "layouts", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    os.makedirs(os.path.join(out, "data"))
    with open(os.path.join(out, "data", "countries.yaml"), "w") as f:
        yaml.dump(COUNTRY_NAMES, f, Dumper=Dumper, sort_keys=True)
    with open(os.path.join(out, "data", "sources.yaml"), "w") as f:
        yaml.dump({s["id"]: s for s in site.get("sources") or []}, f, Dumper=Dumper)
    config = {
        "baseURL": site["base_url"],
        "title": site["title"],
        "languageCode": site.get("language", "en"),
        "disableHugoGeneratorInject": True,
        # orebrief builds every page whatever its date: so must Hugo, or a brief dated after
        # the day of the run would be left out.
        "buildFuture": True,
        "buildExpired": True,
        "enableRobotsTXT": True,
        "taxonomies": {"commodity": "commodities", "partner": "partners", "country": "countries"},
        "outputs": {
            "home": ["HTML", "RSS"],
            "section": ["HTML"],
            "taxonomy": ["HTML"],
            "term": ["HTML"],
            "page": ["HTML"],
        },
        "outputFormats": {
            "data": {
                "mediaType": "application/json",
                "baseName": "data",
                "isPlainText": True,
                "notAlternative": True,
            }
        },
        "markup": {
            "goldmark": {
                "extensions": {"typographer": True, "table": True, "footnote": True,
                                "strikethrough": True, "taskList": True},
                "parser": {"autoHeadingID": True},
            },
            "highlight": {"noClasses": False, "codeFences": True, "guessSyntax": False},
        },
        "params": {"description": site.get("description", "")},
    }
    with open(os.path.join(out, "config.yaml"), "w") as f:
        yaml.dump(config, f, Dumper=Dumper, sort_keys=False)
    pages = []  # (rel, hugo path or None, front matter, body)
    for rel in files:
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            yml, body = split(f.read())
        meta = yaml.load(yml, Loader=Loader) or {}
        pages.append((rel, place(rel, meta), meta, body))
    # Front matter naming a left-out page (internal, draft) as its kind is left out with it,
    # as in a public orebrief build: products (and facilities left with none), agreements
    # with such a company, and the ids in `minerals:` and `companies:` lists.
    hidden = {}
    for rel, where, meta, _ in pages:
        if where is None and rel.split("/")[-1] != "_index.md":
            top = rel.split("/")[0] if "/" in rel else ""
            kind = meta.get("kind") or {v: k for k, v in SECTION_OF_KIND.items()}.get(top)
            hidden[rel.split("/")[-1][:-3].lower()] = kind
    if hidden:
        for _, where, meta, _ in pages:
            if where is not None:
                leave_out_references(meta, hidden)
    # What links name: ids (file names, lower-case) and content paths.
    place_of, path_of = {}, {}
    for rel, where, _, _ in pages:
        if where is None or rel.endswith("_index.md") and not rel.startswith("countries/"):
            continue
        page = where.removesuffix("/_index")  # a country note: its term page
        place_of[rel.split("/")[-1][:-3].lower()] = page
        path_of[rel] = page
    n = 0
    for rel, where, meta, body in pages:
        if where is None:
            continue
        body = INTERNAL.sub("", body)
        dest = os.path.join(out, "content", where.lstrip("/") + ".md")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if where.endswith("/_index"):
            fm = {k: meta[k] for k in ("title", "summary") if k in meta}
            head = yaml.dump(fm, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100000)
            out_text = f"---\n{head}---\n\n{convert_body(body, place_of, path_of)}"
        else:
            section = where.split("/")[1] if where.count("/") > 1 else ""
            out_text = convert_page(section, where.split("/")[-1], meta, body, place_of, path_of)
        with open(dest, "w", encoding="utf-8") as f:
            f.write(out_text)
        n += 1
    print(f"wrote the Hugo site of {n} content files to {out}")


if __name__ == "__main__":
    main()
