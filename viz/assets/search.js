/* The search box of the browse site: every region, document, body, programme and claim, by
 * English or Chinese name, pinyin (the English names are pinyin), code, document number or
 * the text of a claim. The index (assets/search-index.js, the same data as search.json) is
 * loaded on first use; a page opened from disk cannot fetch search.json, but it can load a
 * script. Results are built as DOM nodes with textContent: no text from a source is parsed
 * as HTML. Regions without a page are listed with their gap status and no link. The words it
 * shows are the page's (its JSON block #page-words, from the site's message catalogue), so a
 * site written with --lang zh searches in Chinese. */
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var root = form.getAttribute("data-root") || "";
  var box = form.querySelector("input[type=search]");
  var list = form.querySelector(".search-results");
  var LIMIT = 25;
  var prepared = null;
  var ui = JSON.parse(document.getElementById("page-words").textContent);

  // A message of the page's words with its {placeholders} filled.
  function say(message, values) {
    return message.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function fold(text) {
    // Case, width and accents folded; spaces, apostrophes and hyphens dropped, so that
    // "Chang'an", "changan" and "Chang An" meet, and "subei" finds "Subei Mongol ...".
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[\s'’\-_·.,()（）]+/g, "");
  }

  function prepare() {
    var index = window.policygraphSearchIndex;
    if (!index) { return null; }
    var f = {};
    index.fields.forEach(function (name, i) { f[name] = i; });
    prepared = index.entries.map(function (e) {
      return {
        kind: e[f.kind], code: e[f.code], label: e[f.label], zh: e[f.zh], also: e[f.also],
        within: e[f.within], href: e[f.href], statuses: e[f.statuses], text: e[f.text],
        names: fold(e[f.label] + " " + e[f.zh] + " " + e[f.also]),
        body: fold(e[f.text]),
        first: fold(e[f.label]), firstZh: fold(e[f.zh])
      };
    });
    prepared.tiers = index.tiers;
    return prepared;
  }

  function load(then) {
    if (prepared || prepare()) { then(); return; }
    var script = document.getElementById("search-index");
    if (!script) {
      script = document.createElement("script");
      script.id = "search-index";
      script.src = root + "assets/search-index.js";
      document.head.appendChild(script);
    }
    script.addEventListener("load", function () {
      if (!prepared) { prepare(); }
      then();
    });
  }

  function score(entry, words, whole) {
    if (entry.code && entry.code === whole) { return 0; }
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (entry.first.indexOf(w) === 0 || entry.firstZh.indexOf(w) === 0) { total += 1; }
      else if (entry.names.indexOf(w) >= 0) { total += 2; }
      else if (entry.code.indexOf(w) === 0) { total += 2; }
      else if (entry.body.indexOf(w) >= 0) { total += 4; }
      else { return -1; }
    }
    return total + (entry.href ? 0 : 0.5);
  }

  function search(query) {
    var words = query.split(/\s+/).map(fold).filter(Boolean);
    if (!words.length) { return []; }
    var whole = query.trim();
    var found = [];
    prepared.forEach(function (entry, i) {
      var s = score(entry, words, whole);
      if (s >= 0) { found.push([s, entry.label.length, i, entry]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return found;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function item(entry) {
    var li = element("li", "result " + entry.kind);
    var head = entry.href ? element("a", "hit") : element("span", "hit");
    if (entry.href) { head.href = root + entry.href; }
    head.appendChild(element("span", "result-kind", ui.kinds[entry.kind] || entry.kind));
    head.appendChild(element("span", "result-label", entry.label));
    if (entry.zh && entry.zh !== entry.label) {
      var zh = element("span", "result-zh", entry.zh);
      zh.lang = "zh-Hans";
      head.appendChild(zh);
    }
    if (entry.code) { head.appendChild(element("span", "result-code", entry.code)); }
    li.appendChild(head);
    if (entry.within) {
      li.appendChild(element("span", "result-within", say(ui.within, {where: entry.within})));
    }
    if (entry.statuses) {
      var chips = element("span", "result-statuses");
      entry.statuses.split("/").forEach(function (status, i) {
        if (!status) { return; }
        var tier = prepared.tiers[i];
        var text = say(ui.tierStatus, {tier: ui.tiers[tier] || tier,
          status: ui.statuses[status] || status});
        chips.appendChild(element("span", "status " + status, text));
      });
      li.appendChild(chips);
    }
    if (!entry.href && entry.kind === "region") {
      li.appendChild(element("span", "result-note", ui.noPage));
    } else if (entry.kind === "claim" && entry.text) {
      li.appendChild(element("span", "result-note", entry.text.slice(0, 140)));
    }
    return li;
  }

  function show() {
    var query = box.value;
    list.textContent = "";
    if (!query.trim()) { list.hidden = true; return; }
    load(function () {
      if (box.value !== query) { return; }
      var found = search(query);
      list.textContent = "";
      found.slice(0, LIMIT).forEach(function (f) { list.appendChild(item(f[3])); });
      var note = found.length > LIMIT ? say(ui.firstOf, {limit: LIMIT, n: found.length})
        : say(ui.matches[found.length === 1 ? 0 : 1], {n: found.length});
      list.appendChild(element("li", "result-count", note));
      list.hidden = false;
      form.setAttribute("data-results", String(found.length));
    });
  }

  form.hidden = false;
  box.addEventListener("input", show);
  box.addEventListener("focus", function () { load(function () {}); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a.hit");
    if (first) { window.location.href = first.href; }
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { list.hidden = true; }
    if (event.key === "ArrowDown") {
      var first = list.querySelector("a.hit");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
})();
