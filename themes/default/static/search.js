/* orebrief default theme: site search.
 * The index is a script (search-index.js) that assigns window.OREBRIEF_SEARCH, loaded with a
 * <script> tag before this one, so search needs no server and works from file://.
 * Each entry: { kind, title, summary, path, aliases, tags, symbol, code, date, text }.
 * `path` is site-relative; links are made by prefixing the root the page gives in
 * data-root. The query comes from ?q= (and ?kind= filters), and is kept in the address. */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list) return;

  var root = form.getAttribute("data-root") || "";
  var index = window.OREBRIEF_SEARCH;
  var LIMIT = 100;
  var KIND_LABELS = {
    mineral: "Mineral",
    company: "Company",
    country: "Country",
    brief: "Brief",
    page: "Page"
  };
  var KIND_ORDER = { mineral: 0, company: 1, country: 2, brief: 3, page: 4 };

  function kindOrder(kind) {
    return Object.prototype.hasOwnProperty.call(KIND_ORDER, kind) ? KIND_ORDER[kind] : 9;
  }

  if (!Array.isArray(index)) {
    status.textContent = "The search index could not be loaded.";
    return;
  }

  function fold(text) {
    if (text === undefined || text === null) return "";
    var s = String(text).toLowerCase();
    if (s.normalize) s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    return s;
  }

  function words(query) {
    return fold(query).split(/[\s,;]+/).filter(function (w) { return w.length > 0; });
  }

  var prepared = index.map(function (e) {
    /* A mineral's symbol and a country's code name the entry itself; a company's code is
     * its home country, so it only counts like a tag. */
    var ids = [];
    var names = [];
    var tags = (e.tags || []).map(fold);
    if (e.symbol) ids.push(fold(e.symbol));
    if (e.code) {
      if (e.kind === "country") ids.push(fold(e.code));
      else tags.push(fold(e.code));
    }
    (e.aliases || []).forEach(function (a) { names.push(fold(a)); });
    return {
      entry: e,
      title: fold(e.title),
      ids: ids,
      names: names,
      tags: tags,
      summary: fold(e.summary),
      text: fold(e.text)
    };
  });

  function startsWord(haystack, word) {
    if (haystack.indexOf(word) === 0) return true;
    var i = haystack.indexOf(word);
    while (i > 0) {
      if (/[^a-z0-9]/.test(haystack.charAt(i - 1))) return true;
      i = haystack.indexOf(word, i + 1);
    }
    return false;
  }

  /* The best match of one word in one entry; 0 when the word is nowhere. */
  function scoreWord(p, w) {
    var best = 0;
    function take(s) { if (s > best) best = s; }
    if (p.title === w) take(100);
    else if (p.title.indexOf(w) === 0) take(70);
    else if (startsWord(p.title, w)) take(50);
    else if (p.title.indexOf(w) >= 0) take(35);
    p.ids.forEach(function (n) {
      if (n === w) take(95);
      else if (n.indexOf(w) === 0) take(40);
    });
    p.names.forEach(function (n) {
      if (n === w) take(90);
      else if (n.indexOf(w) === 0) take(40);
      else if (n.indexOf(w) >= 0) take(20);
    });
    p.tags.forEach(function (t) {
      if (t === w) take(30);
      else if (t.indexOf(w) >= 0) take(15);
    });
    if (best < 12 && p.summary.indexOf(w) >= 0) take(startsWord(p.summary, w) ? 12 : 8);
    if (best < 4 && p.text.indexOf(w) >= 0) take(startsWord(p.text, w) ? 4 : 2);
    return best;
  }

  function search(query, kinds) {
    var ws = words(query);
    if (!ws.length) return [];
    var results = [];
    prepared.forEach(function (p) {
      if (kinds && !kinds[p.entry.kind]) return;
      var total = 0;
      for (var i = 0; i < ws.length; i++) {
        var s = scoreWord(p, ws[i]);
        if (!s) return;
        total += s;
      }
      results.push({ p: p, score: total });
    });
    results.sort(function (a, b) {
      return b.score - a.score ||
        kindOrder(a.p.entry.kind) - kindOrder(b.p.entry.kind) ||
        a.p.title.localeCompare(b.p.title);
    });
    return results;
  }

  /* Appends `text` to `parent`, marking the query words. */
  function appendMarked(parent, text, ws) {
    text = String(text || "");
    var folded = fold(text);
    /* Folding can change the length (rare letters); then mark nothing. */
    if (folded.length !== text.length || !ws.length) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var marks = [];
    ws.forEach(function (w) {
      var i = folded.indexOf(w);
      while (i >= 0) {
        marks.push([i, i + w.length]);
        i = folded.indexOf(w, i + w.length);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) return;
      if (m[0] > at) parent.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      parent.appendChild(mark);
      at = m[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function checkedKinds() {
    var boxes = form.querySelectorAll("input[name=kind]");
    if (!boxes.length) return null;
    var kinds = {};
    var any = false;
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) {
        kinds[boxes[i].value] = true;
        any = true;
      }
    }
    return any ? kinds : {};
  }

  function render(query) {
    var ws = words(query);
    var kinds = checkedKinds();
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!ws.length) {
      status.textContent = index.length + " pages to search.";
      return;
    }
    var results = search(query, kinds);
    results.slice(0, LIMIT).forEach(function (r) {
      var e = r.p.entry;
      var li = document.createElement("li");
      li.className = "search-result kind-" + e.kind;
      var head = document.createElement("p");
      head.className = "search-result-title";
      var kind = document.createElement("span");
      kind.className = "kind kind-" + e.kind;
      kind.textContent = KIND_LABELS[e.kind] || e.kind;
      head.appendChild(kind);
      head.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = root + e.path;
      appendMarked(a, e.title, ws);
      head.appendChild(a);
      var extra = e.symbol || e.code;
      if (extra) {
        var code = document.createElement("span");
        code.className = "symbol";
        code.textContent = extra;
        head.appendChild(document.createTextNode(" "));
        head.appendChild(code);
      }
      if (e.date) {
        var time = document.createElement("time");
        time.setAttribute("datetime", e.date);
        time.textContent = e.date;
        head.appendChild(document.createTextNode(" "));
        head.appendChild(time);
      }
      if (e.internal) {
        var badge = document.createElement("span");
        badge.className = "badge badge-internal";
        badge.textContent = "Internal";
        head.appendChild(document.createTextNode(" "));
        head.appendChild(badge);
      }
      li.appendChild(head);
      if (e.summary) {
        var summary = document.createElement("p");
        summary.className = "summary";
        appendMarked(summary, e.summary, ws);
        li.appendChild(summary);
      }
      list.appendChild(li);
    });
    var n = results.length;
    var text = n === 0 ? "No results for \u201c" + query.trim() + "\u201d."
      : n + (n === 1 ? " result" : " results") + " for \u201c" + query.trim() + "\u201d" +
        (n > LIMIT ? ", showing the first " + LIMIT + "." : ".");
    status.textContent = text;
  }

  function remember(query) {
    var params = [];
    if (query) params.push("q=" + encodeURIComponent(query));
    var boxes = form.querySelectorAll("input[name=kind]");
    var all = true;
    for (var i = 0; i < boxes.length; i++) if (!boxes[i].checked) all = false;
    if (!all) {
      for (var j = 0; j < boxes.length; j++) {
        if (boxes[j].checked) params.push("kind=" + encodeURIComponent(boxes[j].value));
      }
    }
    try {
      /* file:// pages may refuse; the search still works. */
      history.replaceState(null, "", params.length ? "?" + params.join("&") : location.pathname);
    } catch (err) { /* ignore */ }
  }

  function readQuery() {
    var q = "";
    var kinds = [];
    location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
      if (!pair) return;
      var eq = pair.indexOf("=");
      var key = eq < 0 ? pair : pair.slice(0, eq);
      var value = eq < 0 ? "" : pair.slice(eq + 1);
      try {
        value = decodeURIComponent(value.replace(/\+/g, " "));
      } catch (err) {
        value = "";
      }
      if (key === "q") q = value;
      else if (key === "kind") kinds.push(value);
    });
    if (kinds.length) {
      var boxes = form.querySelectorAll("input[name=kind]");
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = kinds.indexOf(boxes[i].value) >= 0;
    }
    return q;
  }

  var timer = null;
  function update() {
    if (timer) clearTimeout(timer);
    timer = null;
    render(input.value);
    remember(input.value);
  }

  input.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  form.addEventListener("change", function (ev) {
    if (ev.target && ev.target.name === "kind") update();
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    update();
  });

  input.value = readQuery();
  render(input.value);
  if (input.value) {
    input.focus();
  }
})();
