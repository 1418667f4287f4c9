/* orebrief default theme: sortable tables.
 * Any <table class="sortable"> gets a button in each column heading. Rows are sorted by the
 * cell's data-sort value (numerically when it parses as a number, else as text); cells
 * without a value always go last. The table stays fully readable without this script. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent || "";
    return v.trim();
  }

  function asNumber(v) {
    if (v === "" || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v)) return null;
    var n = parseFloat(v);
    return isFinite(n) ? n : null;
  }

  function compare(a, b) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1; /* empty values last, whatever the direction */
    if (b === "") return -1;
    var na = asNumber(a), nb = asNumber(b);
    if (na !== null && nb !== null) return na - nb;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, headers, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = th.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row._obOrder = i; });
    rows.sort(function (ra, rb) {
      var a = cellValue(ra, index), b = cellValue(rb, index);
      if (a === "" || b === "") return compare(a, b) || ra._obOrder - rb._obOrder;
      var c = compare(a, b);
      if (descending) c = -c;
      return c || ra._obOrder - rb._obOrder; /* stable */
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var status = table._obStatus;
    if (status) {
      status.textContent = "Sorted by " + (th.textContent || "").trim() + ", " +
        (descending ? "descending" : "ascending") + ".";
    }
  }

  function setup(table) {
    if (!table.tHead || table.getAttribute("data-sortable-ready")) return;
    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) return;
    var headers = Array.prototype.slice.call(headRow.cells);
    headers.forEach(function (th, index) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, headers, index, th); });
    });
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(status, table.nextSibling);
    table._obStatus = status;
    table.setAttribute("data-sortable-ready", "true");
    table.classList.add("js-sortable");
  }

  function init() {
    var tables = document.querySelectorAll("table.sortable");
    for (var i = 0; i < tables.length; i++) setup(tables[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
