/* The year selector of region pages and of the gap table (gaps.html): each status as of a
 * chosen year. The years in which each region's status changed, per tier, are computed when
 * the site is written (policygraph.reports.sitetime) and shipped in the page as a JSON block,
 * <script type="application/json" id="gap-years">, read here with JSON.parse: no network, and
 * every text goes into the page as textContent. "1991i2015o" is inherited from 1991, own from
 * 2015; a region's years start with the first year its code was in use ("0000": not known). */
(function () {
  "use strict";
  var block = document.getElementById("gap-years");
  if (!block) { return; }
  var data = JSON.parse(block.textContent);
  var parsed = {};

  function changes(code, tier) {
    var tiers = parsed[code];
    if (!tiers) {
      var text = data.regions[code];
      if (text === undefined) { return null; }
      tiers = parsed[code] = {};
      text.split(" ").forEach(function (part, i) {
        var list = [];
        var pattern = /(\d{4})([a-z])/g;
        var match;
        while ((match = pattern.exec(part)) !== null) {
          list.push([Number(match[1]), data.letters[match[2]]]);
        }
        tiers[data.tiers[i]] = list;
      });
    }
    return tiers[tier] || null;
  }

  /* The status of a cell in a year: null where the block does not hold the cell, "" before
   * the region's code was in use. */
  function statusAt(code, tier, year) {
    var list = changes(code, tier);
    if (!list || !list.length) { return null; }
    var found = "";
    for (var i = 0; i < list.length && list[i][0] <= year; i += 1) { found = list[i][1]; }
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

  /* Rows of a table whose data-tier names the tier, the status shown in span.status; the
   * status of today is kept in data-today. */
  function update(rows, code, year) {
    Array.prototype.forEach.call(rows, function (row) {
      var today = row.getAttribute("data-today");
      if (today === null) {
        today = row.getAttribute("data-status") || "";
        row.setAttribute("data-today", today);
      }
      var rowCode = code || row.cells[0].textContent.trim();
      var status = year ? statusAt(rowCode, row.getAttribute("data-tier"), Number(year)) : today;
      if (status === null) { status = today; }
      row.setAttribute("data-status", status);
      show(row.querySelector("span.status"), status);
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
    status.classList.toggle("as-of", Boolean(select.value));
  }
  control.hidden = false;
  select.addEventListener("change", apply);
  apply();
  control.setAttribute("data-ready", "true");
})();
