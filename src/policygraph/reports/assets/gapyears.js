/* The year selector of region pages and of the gap table (gaps.html): each cell as of a chosen
 * year, its status and the documents listed beside it, as `policygraph gaps --as-of` lists
 * them. The years in which each cell's status or documents changed, per tier, are computed when
 * the site is written (policygraph.reports.sitetime) and shipped in the page as a JSON block,
 * <script type="application/json" id="gap-years">, read here with JSON.parse: no network, and
 * every text goes into the page as textContent. "1981n,1991i0,2015i1" is none from 1981,
 * inherited from 1991 with the page's listing 0, from 2015 with its listing 1; a region's years
 * start with the first year its code was in use ("0000": not known). A listing is a
 * <template data-listing="N"> of the page holding the document cells (td.docs) of a row, written
 * by the page's own template: a year's cells are clones of it, today's are kept as written. */
(function () {
  "use strict";
  var block = document.getElementById("gap-years");
  if (!block) { return; }
  var data = JSON.parse(block.textContent);
  var parsed = {};
  var listings = {};
  Array.prototype.forEach.call(document.querySelectorAll("template[data-listing]"), function (t) {
    listings[t.getAttribute("data-listing")] = t.content.querySelectorAll("td.docs");
  });

  /* A cell's periods: [year, status, listing], the listing "" where it lists no document. */
  function periods(code, tier) {
    var tiers = parsed[code];
    if (!tiers) {
      var text = data.regions[code];
      if (text === undefined) { return null; }
      tiers = parsed[code] = {};
      text.split(" ").forEach(function (part, i) {
        tiers[data.tiers[i]] = part.split(",").map(function (period) {
          var match = /^(\d{4})([a-z])(\d*)$/.exec(period);
          return [Number(match[1]), data.letters[match[2]], match[3]];
        });
      });
    }
    return tiers[tier] || null;
  }

  /* The period of a cell in a year: null where the block does not hold the cell; before the
   * region's code was in use, no status and no document. */
  function periodAt(code, tier, year) {
    var list = periods(code, tier);
    if (!list || !list.length) { return null; }
    var found = [0, "", ""];
    for (var i = 0; i < list.length && list[i][0] <= year; i += 1) { found = list[i]; }
    return found;
  }

  function show(span, status) {
    if (!span) { return; }
    span.className = "status " + (status || "not-in-use");
    span.textContent = status ? data.words[status] : data.not_in_use;
  }

  function note(element, year) {
    if (!element) { return; }
    element.textContent = year ? data.note.split("{year}").join(year) : "";
    element.hidden = !year;
  }

  /* The document cells of each row as the page was written (today's), and the listing each
   * row shows ("today", or a listing's number, "" for none). */
  var today = new WeakMap();
  var shown = new WeakMap();

  function showDocuments(row, listing) {
    if ((shown.has(row) ? shown.get(row) : "today") === listing) { return; }
    var cells = row.querySelectorAll("td.docs");
    if (!today.has(row)) { today.set(row, Array.prototype.slice.call(cells)); }
    var source = listing === "today" ? today.get(row) : listings[listing];
    Array.prototype.forEach.call(cells, function (cell, i) {
      var fresh;
      if (listing === "today") {
        fresh = source[i];
      } else {
        fresh = source && source[i] ? source[i].cloneNode(true) : cell.cloneNode(false);
      }
      cell.replaceWith(fresh);
    });
    shown.set(row, listing);
  }

  /* Rows of a table whose data-tier names the tier, the status shown in span.status, the
   * documents in its td.docs; the status of today is kept in data-today. */
  function update(rows, code, year) {
    Array.prototype.forEach.call(rows, function (row) {
      var status = row.getAttribute("data-today");
      if (status === null) {
        status = row.getAttribute("data-status") || "";
        row.setAttribute("data-today", status);
      }
      var rowCode = code || row.cells[0].textContent.trim();
      var period = year ? periodAt(rowCode, row.getAttribute("data-tier"), Number(year)) : null;
      if (period) { status = period[1]; }
      row.setAttribute("data-status", status);
      show(row.querySelector("span.status"), status);
      showDocuments(row, period ? period[2] : "today");
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-years]"), function (select) {
    data.years.forEach(function (year) {
      var option = document.createElement("option");
      option.value = String(year);
      option.textContent = String(year);
      select.appendChild(option);
    });
  });

  /* The gap table: gaptable.js calls this before it filters, so that its status filter reads
   * the chosen year's statuses. */
  window.policygraphGapYears = {
    table: function (rows, year, noteElement) { update(rows, "", year); note(noteElement, year); }
  };

  var control = document.getElementById("as-of");
  var status = document.getElementById("gap-status");
  if (!control || !status) { return; }
  var select = control.querySelector("select");
  var code = Object.keys(data.regions)[0];
  var rows = status.querySelectorAll("tr[data-tier]");
  function apply() {
    update(rows, code, select.value);
    note(document.getElementById("as-of-note"), select.value);
  }
  control.hidden = false;
  select.addEventListener("change", apply);
  apply();
  control.setAttribute("data-ready", "true");
})();
