/* The gap table of gaps.html: filters (status, tier, province, prefecture, autonomous,
 * surveyed) and sorting by any column. Progressive: without this script the table shows every
 * row, in the order of the codes. The filters are kept in the address (#province=620000&...),
 * so a link can open the table filtered, as the overview's tiles do. With the year selector
 * (assets/gapyears.js, loaded before this), the statuses and documents are those of the chosen
 * year, and the status filter reads them; the year is kept in the address too
 * (#year=2014&status=none). Its words (the count, the sort hints) are the page's, from its JSON
 * block #page-words. */
(function () {
  "use strict";
  var table = document.getElementById("gap-table");
  var form = document.getElementById("gap-filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var count = document.getElementById("gap-count");
  var names = ["year", "status", "tier", "province", "prefecture", "autonomous", "surveyed"];
  var fields = {};
  var words = JSON.parse(document.getElementById("page-words").textContent);
  names.forEach(function (name) { fields[name] = form.elements[name]; });

  function current() {
    var wanted = {};
    names.forEach(function (name) {
      if (fields[name] && fields[name].value) { wanted[name] = fields[name].value; }
    });
    return wanted;
  }

  function limitPrefectures() {
    var province = fields.province.value;
    Array.prototype.forEach.call(fields.prefecture.options, function (option) {
      var fits = !option.value || !province || option.getAttribute("data-province") === province;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    var chosen = fields.prefecture.selectedOptions[0];
    if (chosen && chosen.disabled) { fields.prefecture.value = ""; }
  }

  function apply() {
    limitPrefectures();
    var wanted = current();
    var years = window.policygraphGapYears;
    if (years && fields.year) {
      years.table(rows, fields.year.value, document.getElementById("gap-as-of-note"));
    }
    var shown = 0;
    rows.forEach(function (row) {
      var keep = true;
      for (var name in wanted) {
        if (name === "year") { continue; }
        if ((row.getAttribute("data-" + name) || "") !== wanted[name]) { keep = false; break; }
      }
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (count) {
      count.textContent = words.rowsShown.replace("{shown}", shown.toLocaleString("en"))
        .replace("{total}", rows.length.toLocaleString("en"));
    }
    table.setAttribute("data-shown", String(shown));
    var hash = Object.keys(wanted).map(function (k) {
      return k + "=" + encodeURIComponent(wanted[k]);
    }).join("&");
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname);
    }
  }

  function fromAddress() {
    var hash = window.location.hash.replace(/^#/, "");
    if (hash.indexOf("=") < 0) { return; }
    hash.split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var field = fields[parts[0]];
      if (field) { field.value = decodeURIComponent(parts[1] || ""); }
    });
    limitPrefectures();
    hash.split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts[0] === "prefecture") { fields.prefecture.value = decodeURIComponent(parts[1] || ""); }
    });
  }

  // Text in the page's language order: a Chinese page's region cell holds its Chinese name
  // first (data-value), which the zh collation puts in pinyin order; code units would not.
  var collator = window.Intl ? new Intl.Collator(document.documentElement.lang || undefined) : null;
  function compareText(a, b) {
    if (collator) { return collator.compare(a, b); }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortBy(index, kind, button) {
    var descending = button.getAttribute("aria-sort") === "ascending";
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th"), function (th) {
      th.removeAttribute("aria-sort");
    });
    button.parentNode.setAttribute("aria-sort", descending ? "descending" : "ascending");
    button.setAttribute("aria-sort", descending ? "descending" : "ascending");
    function key(row) {
      var cell = row.cells[index];
      var value = cell.getAttribute("data-value");
      if (value === null) { value = cell.textContent.trim(); }
      if (kind === "number") { return value === "" ? -1 : Number(value.replace(/,/g, "")); }
      return value.toLowerCase();
    }
    var keyed = rows.map(function (row, i) { return [key(row), i, row]; });
    keyed.sort(function (a, b) {
      var order = kind === "number" ? (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : compareText(a[0], b[0]);
      if (order !== 0) { return descending ? -order : order; }
      return a[1] - b[1];
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k[2]); });
    body.appendChild(fragment);
    rows = keyed.map(function (k) { return k[2]; });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var kind = th.getAttribute("data-sort");
    if (!kind) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    button.title = words.sortBy.replace("{column}", th.textContent);
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(index, kind, button); });
  });

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  window.addEventListener("hashchange", function () { fromAddress(); apply(); });
  fromAddress();
  apply();
  table.setAttribute("data-ready", "true");
})();
