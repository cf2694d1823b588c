/* The query page of `policygraph serve`: an editor, the named queries as examples with their
 * parameters as form fields, a results table, CSV and JSON downloads, and a link that
 * reproduces the query.
 *
 * Queries go to the endpoint (/sparql) as POST forms, the result format chosen by the Accept
 * header, so that the table and the downloads come from the endpoint's own serialisers. A named
 * query's text comes from the server (GET query/named/NAME?PARAM=…), which binds the parameters
 * with the code of `policygraph query --print`. Every value shown is put in the page with
 * textContent or as an attribute value: nothing from a result is parsed as HTML.
 *
 * The link: ?query=TEXT for a query of your own, ?named=NAME&PARAM=VALUE… for a named query
 * whose text has not been edited. Opening it fills the page and runs the query.
 *
 * The words it shows are the page's, in the language of `serve --lang`: a JSON block of the
 * page (#query-words, from the message catalogue). The server's own messages (a refused
 * parameter, a SPARQL error) are shown as the server words them, after a prefix in those words. */
(function () {
  "use strict";
  var app = document.getElementById("query-app");
  if (!app) { return; }
  var ENDPOINT = app.getAttribute("data-endpoint");
  var NAMED = app.getAttribute("data-named");
  var PAGES = app.getAttribute("data-pages");
  var REGIONS = app.getAttribute("data-regions");
  var ROWS_SHOWN = 2000;
  var JSON_RESULTS = "application/sparql-results+json";
  // A SELECT or ASK answers in SPARQL JSON; a CONSTRUCT or DESCRIBE in Turtle.
  var ACCEPT_SHOWN = JSON_RESULTS + ", text/turtle;q=0.9";
  var words = JSON.parse(document.getElementById("query-words").textContent);

  // A message of the page's words with its {placeholders} filled.
  function say(message, values) {
    return message.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function rowCount(n) {
    return say(words.rows[n === 1 ? 0 : 1], {n: n.toLocaleString("en")});
  }

  var editor = document.getElementById("query-text");
  // CodeMirror (vendored) when it loaded: line numbers, SPARQL colours, bracket matching; the
  // text area underneath is kept in step. Without it, the text area is the editor.
  var cm = window.CodeMirror ? window.CodeMirror.fromTextArea(editor, {
    mode: "sparql",
    lineNumbers: true,
    matchBrackets: true,
    indentUnit: 2,
    // Tab leaves the editor (to Run), as in any form, so that a keyboard can get out of it.
    extraKeys: {"Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); },
      "Tab": false, "Shift-Tab": false}
  }) : null;

  function queryText() { return cm ? cm.getValue() : editor.value; }

  function setText(value) {
    if (cm) { cm.setValue(value); } else { editor.value = value; }
  }
  var picker = document.getElementById("named-query");
  var description = document.getElementById("named-description");
  var fields = document.getElementById("named-params");
  var errorLine = document.getElementById("query-error");
  var statusLine = document.getElementById("query-status");
  var table = document.getElementById("results");
  var graphResult = document.getElementById("graph-result");
  var shareBox = document.getElementById("share-url");
  var runButton = document.getElementById("run");
  var csvButton = document.getElementById("download-csv");
  var jsonButton = document.getElementById("download-json");

  var catalogue = null;       // GET query/named
  var prefixes = [];          // [[prefix, namespace]], longest namespace first
  var named = null;           // {name, params, text}: the named query in the editor, as resolved
  var resolving = 0;          // the number of the latest resolution asked for
  var pending = Promise.resolve(true);  // the latest resolution (false: refused); runs wait
  var ran = null;             // the text of the query whose results are shown

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function oneLine(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  function showError(message) {
    errorLine.textContent = oneLine(message);
    errorLine.hidden = !message;
  }

  // -- the link ------------------------------------------------------------------------------

  function shareParams() {
    var params = new URLSearchParams();
    if (named && queryText() === named.text) {
      params.set("named", named.name);
      Object.keys(named.params).sort().forEach(function (k) { params.set(k, named.params[k]); });
    } else {
      params.set("query", queryText());
    }
    return params;
  }

  // The link box, and the address bar unless ``quiet`` (the page as first opened keeps its
  // plain address: reloading it should not run the example query).
  function updateLink(quiet) {
    var url = new URL(window.location.href);
    url.search = shareParams().toString();
    url.hash = "";
    shareBox.value = url.toString();
    if (quiet !== true && window.location.href !== url.toString()) {
      window.history.replaceState(null, "", url.toString());
    }
  }

  // -- named queries -------------------------------------------------------------------------

  function fillPicker() {
    var groups = {};
    catalogue.queries.forEach(function (q) {
      var folder = q.name.split("/")[0];
      if (!groups[folder]) {
        groups[folder] = el("optgroup", null, {label: folder});
        picker.appendChild(groups[folder]);
      }
      groups[folder].appendChild(el("option", q.name + " — " + q.title, {value: q.name}));
    });
  }

  function query(name) {
    return catalogue.queries.filter(function (q) { return q.name === name; })[0] || null;
  }

  function field(param, value) {
    var id = "param-" + param.name;
    var wrap = el("div", null, {"class": "param"});
    var label = el("label", param.name, {"for": id});
    var kind = (param.kind !== param.name ? [param.kind] : []).concat(
      param.required ? [words.required] : []).join(", ");
    if (kind) { label.appendChild(el("span", " " + kind, {"class": "param-kind"})); }
    var input;
    if (param.kind === "boolean") {
      input = el("input", null, {type: "checkbox", id: id, name: param.name});
      input.checked = /^(true|yes|1)$/i.test(value || param.default || "");
      wrap.appendChild(input);
      wrap.appendChild(label);
      return wrap;
    }
    if (param.choices) {
      input = el("select", null, {id: id, name: param.name});
      if (!param.required) { input.appendChild(el("option", words.any, {value: ""})); }
      param.choices.forEach(function (c) {
        var text = c.label && c.label !== c.value ? c.value + " — " + c.label : c.value;
        input.appendChild(el("option", text, {value: c.value}));
      });
      input.value = value !== undefined ? value : (param.default || "");
    } else {
      input = el("input", null, {type: "text", id: id, name: param.name,
        placeholder: words.hints[param.kind] || param.hint || "", autocomplete: "off"});
      input.value = value !== undefined ? value : (param.default || "");
      if (param.kind === "region") { suggest(input, wrap); }
    }
    wrap.appendChild(label);
    wrap.appendChild(input);
    return wrap;
  }

  // A region field suggests the regions whose names match what is typed (query/regions).
  function suggest(input, wrap) {
    var list = el("datalist", null, {id: input.id + "-regions"});
    input.setAttribute("list", list.id);
    wrap.appendChild(list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (!text || /^[0-9]{6}$/.test(text)) { return; }
      timer = setTimeout(function () {
        fetch(REGIONS + "?" + new URLSearchParams({q: text}).toString()).then(function (reply) {
          return reply.ok ? reply.json() : [];
        }).then(function (found) {
          list.textContent = "";
          found.forEach(function (r) {
            list.appendChild(el("option", r.label, {value: r.code, label: r.label}));
          });
        }).catch(function () { /* no suggestions */ });
      }, 200);
    });
  }

  function showParams(q, values) {
    while (fields.lastChild && fields.lastChild.tagName !== "LEGEND") {
      fields.removeChild(fields.lastChild);
    }
    fields.hidden = !q || q.params.length === 0;
    description.textContent = q ? q.description || q.title : "";
    // A description the catalogue has no translation of stays English, and says so.
    if (q && q.description_en !== undefined && q.description === q.description_en) {
      description.setAttribute("lang", "en");
    } else {
      description.removeAttribute("lang");
    }
    if (!q) { return; }
    q.params.forEach(function (p) { fields.appendChild(field(p, values[p.name])); });
  }

  function formValues() {
    var values = {};
    fields.querySelectorAll("input, select").forEach(function (input) {
      if (input.type === "checkbox") {
        if (input.checked) { values[input.name] = "true"; }
      } else if (input.value.trim() !== "") {
        values[input.name] = input.value.trim();
      }
    });
    return values;
  }

  // The named query's text with these parameters, from the server; null on a refusal.
  function resolve(name, values) {
    var mine = ++resolving;
    var url = NAMED + "/" + name.split("/").map(encodeURIComponent).join("/") + "?" +
      new URLSearchParams(values).toString();
    var answer = fetch(url, {headers: {Accept: "application/json"}}).then(function (reply) {
      return reply.json().then(function (body) {
        if (mine !== resolving) { return null; }  // a later change has been asked for
        if (!reply.ok) {
          showError(body.error || words.refusedParams);
          return null;
        }
        showError("");
        named = {name: name, params: values, text: body.query};
        setText(body.query);
        updateLink();
        return named;
      });
    }).catch(function (err) {
      showError(say(words.unreachableServer, {error: err}));
      return null;
    });
    pending = answer.then(function (done) { return done !== null || mine !== resolving; });
    return answer;
  }

  function pick() {
    var q = query(picker.value);
    showParams(q, {});
    if (!q) {
      named = null;
      updateLink();
      return Promise.resolve(null);
    }
    return resolve(q.name, formValues());
  }

  // -- running -------------------------------------------------------------------------------

  function post(accept) {
    var body = new URLSearchParams();
    body.set("query", queryText());
    return fetch(ENDPOINT, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", Accept: accept},
      body: body.toString()
    });
  }

  // The endpoint's refusal in one line; a syntax error's position selected in the editor.
  function refused(reply, download) {
    return reply.text().then(function (text) {
      var message = oneLine(text) || say(words.endpointAnswered, {status: reply.status});
      showError((download ? words.noDownload : "") + message);
      var at = /at line (\d+), column (\d+)/.exec(message);
      if (at) { select(Number(at[1]), Number(at[2])); }
      if (download) { return; }
      table.hidden = graphResult.hidden = true;  // the results shown were another query's
      statusLine.textContent = say(words.refusedQuery, {status: reply.status});
    });
  }

  function select(line, column) {
    if (cm) {
      var at = {line: line - 1, ch: Math.max(column - 1, 0)};
      cm.setSelection(at, {line: at.line, ch: at.ch + 1});
      cm.focus();
      return;
    }
    var lines = editor.value.split("\n");
    var offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { offset += lines[i].length + 1; }
    offset += Math.max(column - 1, 0);
    editor.focus();
    editor.setSelectionRange(offset, Math.min(offset + 1, editor.value.length));
  }

  // Run the query in the editor, once the parameters last changed are in it.
  function run() {
    runButton.disabled = true;
    return pending.then(runNow);
  }

  function runNow(bound) {
    if (!bound) {  // the parameters were refused: the error line says why
      runButton.disabled = false;
      statusLine.textContent = words.notRun;
      return Promise.resolve();
    }
    updateLink();
    showError("");
    runButton.disabled = true;
    statusLine.textContent = words.running;
    var started = performance.now();
    var sent = queryText();
    return post(ACCEPT_SHOWN).then(function (reply) {
      if (!reply.ok) { return refused(reply); }
      var media = (reply.headers.get("Content-Type") || "").split(";")[0].trim();
      var took = Math.round(performance.now() - started);
      if (media === JSON_RESULTS) {
        return reply.json().then(function (data) { ran = sent; showTable(data, took, sent); });
      }
      return reply.text().then(function (body) { ran = sent; showGraph(body, took); });
    }).catch(function (err) {
      showError(say(words.unreachableEndpoint, {error: err}));
      statusLine.textContent = words.noResults;
    }).then(function () {
      runButton.disabled = false;
      csvButton.disabled = jsonButton.disabled = ran === null;
    });
  }

  // The project's prefixes and those the query declares, longest namespace first.
  function prefixesOf(text) {
    var found = prefixes.slice();
    var declared = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>/gi;
    var match;
    while ((match = declared.exec(text)) !== null) { found.push([match[1] || "", match[2]]); }
    return found.sort(function (a, b) { return b[1].length - a[1].length; });
  }

  // prefix:name where a prefix fits; else a policygraph IRI without its base, as the command
  // line's tables show it (id/region/620923); else the IRI.
  function shorten(iri, known) {
    for (var i = 0; i < known.length; i++) {
      var ns = known[i][1];
      var rest = iri.slice(ns.length);
      if (iri.indexOf(ns) === 0 && /^[\w.-]*$/.test(rest)) { return known[i][0] + ":" + rest; }
    }
    if (catalogue && iri.indexOf(catalogue.base) === 0 && iri.length > catalogue.base.length) {
      return iri.slice(catalogue.base.length);
    }
    return iri;
  }

  function cell(term, known) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var shown = shorten(term.value, known);
      td.appendChild(el("span", shown, {"class": "iri", "data-iri": term.value, title: term.value}));
    } else if (term.type === "bnode") {
      td.appendChild(el("span", "_:" + term.value, {"class": "bnode"}));
    } else {
      var value = el("span", term.value, {"class": "literal"});
      if (term["xml:lang"]) { value.setAttribute("lang", term["xml:lang"]); }
      td.appendChild(value);
      var tag = term["xml:lang"] ? "@" + term["xml:lang"] :
        term.datatype ? shorten(term.datatype, known) : "";
      if (tag && tag !== "xsd:string") { td.appendChild(el("span", tag, {"class": "tag"})); }
    }
    return td;
  }

  function showTable(data, took, text) {
    var known = prefixesOf(text);
    var head = table.tHead, body = table.tBodies[0];
    head.textContent = "";
    body.textContent = "";
    graphResult.hidden = true;
    if (data.boolean !== undefined) {
      table.hidden = true;
      statusLine.textContent = say(words.ask,
        {answer: data.boolean ? words.askYes : words.askNo, ms: took});
      return;
    }
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var tr = el("tr");
    vars.forEach(function (v, index) {
      var th = el("th", null, {scope: "col"});
      var button = el("button", "?" + v, {type: "button", "class": "sort"});
      button.addEventListener("click", function () { sortBy(th, index); });
      th.appendChild(button);
      tr.appendChild(th);
    });
    head.appendChild(tr);
    rows.slice(0, ROWS_SHOWN).forEach(function (row) {
      var line = el("tr");
      vars.forEach(function (v) { line.appendChild(cell(row[v], known)); });
      body.appendChild(line);
    });
    table.hidden = false;
    statusLine.textContent = rowCount(rows.length) + " · " + say(words.took, {ms: took}) +
      (rows.length > ROWS_SHOWN ?
        " · " + say(words.firstShown, {n: ROWS_SHOWN.toLocaleString("en")}) : "");
    linkPages();
  }

  // Sort the rows shown by one column (numbers as numbers); again: the other way.
  function sortBy(th, index) {
    var up = th.getAttribute("aria-sort") !== "ascending";
    table.tHead.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var key = function (row) {
      var first = row.cells[index].firstChild;
      return first ? first.textContent : "";
    };
    rows.sort(function (a, b) {
      var order = key(a).localeCompare(key(b), "en", {numeric: true});
      return up ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function showGraph(text, took) {
    table.hidden = true;
    graphResult.hidden = false;
    graphResult.textContent = text;
    statusLine.textContent = say(words.graph, {ms: took});
  }

  // IRIs with a browse page become links to it; the others stay text.
  function linkPages() {
    var spans = table.querySelectorAll("span.iri[data-iri]");
    var iris = {};
    spans.forEach(function (s) { iris[s.getAttribute("data-iri")] = true; });
    var asked = Object.keys(iris);
    table.removeAttribute("data-linked");
    if (!asked.length) {
      table.setAttribute("data-linked", "true");
      return;
    }
    fetch(PAGES, {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(asked)}).then(function (reply) {
      return reply.ok ? reply.json() : {};
    }).then(function (pages) {
      spans.forEach(function (span) {
        var path = pages[span.getAttribute("data-iri")];
        if (!path || !span.parentNode) { return; }
        var link = el("a", span.textContent, {href: path, "class": "iri",
          title: span.getAttribute("title")});
        span.parentNode.replaceChild(link, span);
      });
      table.setAttribute("data-linked", "true");
    }).catch(function () { /* no links, the table stands */ });
  }

  // -- downloads -----------------------------------------------------------------------------

  function download(accept, extension) {
    showError("");
    return post(accept).then(function (reply) {
      if (!reply.ok) { return refused(reply, true); }
      return reply.blob().then(function (blob) {
        var link = el("a", null, {href: URL.createObjectURL(blob),
          download: (named && queryText() === named.text ?
            named.name.replace("/", "-") : "query") + "." + extension});
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
      });
    });
  }

  // -- start ---------------------------------------------------------------------------------

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    var name = params.get("named");
    if (name && query(name)) {
      var values = {};
      params.forEach(function (value, key) {
        if (catalogue.reserved.indexOf(key) < 0) { values[key] = value; }
      });
      picker.value = name;
      showParams(query(name), values);
      return resolve(name, values).then(function (done) { if (done) { return run(); } });
    }
    if (name) { showError(say(words.unknownNamed, {name: name})); }
    if (params.has("query")) {
      setText(params.get("query"));
      return run();
    }
    updateLink(true);
    return Promise.resolve();
  }

  runButton.addEventListener("click", run);
  if (cm) {
    cm.on("change", function () { cm.save(); updateLink(); });
  } else {
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
    editor.addEventListener("input", updateLink);
  }
  picker.addEventListener("change", pick);
  fields.addEventListener("change", function () {
    if (picker.value) { resolve(picker.value, formValues()); }
  });
  fields.addEventListener("keydown", function (event) {
    // Enter in a parameter's field binds it and runs the query.
    if (event.key === "Enter" && event.target.tagName === "INPUT" && picker.value) {
      event.preventDefault();
      resolve(picker.value, formValues());
      run();
    }
  });
  csvButton.addEventListener("click", function () { download("text/csv", "csv"); });
  jsonButton.addEventListener("click", function () { download(JSON_RESULTS, "json"); });
  document.getElementById("copy-link").addEventListener("click", function () {
    shareBox.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(shareBox.value).catch(function () {}); }
  });

  fetch(NAMED, {headers: {Accept: "application/json"}}).then(function (reply) {
    if (!reply.ok) { throw new Error("HTTP " + reply.status); }
    return reply.json();
  }).then(function (data) {
    catalogue = data;
    prefixes = Object.keys(data.prefixes).map(function (p) { return [p, data.prefixes[p]]; })
      .sort(function (a, b) { return b[1].length - a[1].length; });
    fillPicker();
    return fromUrl();
  }).catch(function (err) {
    showError(say(words.namedUnloaded, {error: err}));
  }).then(function () {
    app.setAttribute("data-ready", "true");
  });
}());
