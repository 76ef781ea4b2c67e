// orgscan report: the page's only script, allowed by its sha256 in the Content-Security-Policy.
// Everything is readable without it; it adds searching, filtering and sorting of the
// controls, filtering and paging of the page-wide findings table, paging and filtering of long
// findings lists, links to a control or a finding by
// its id (`#ATL-IDN-002`, `#ATL-IDN-002/<fingerprint>`), filter state in the URL hash
// (`#q=2sv&status=fail`) and print modes. It never parses HTML from data: it only moves, hides
// and shows existing nodes and sets textContent.
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var PAGE = 25;

  function all(sel, el) { return Array.prototype.slice.call((el || doc).querySelectorAll(sel)); }

  // --- page long findings lists (cards and table rows alike) ---------------------------------
  var pagers = [];
  all("ol.findings, table.findings-table > tbody").forEach(function (list) {
    var rows = all(":scope > li, :scope > tr", list);
    if (rows.length <= PAGE) { return; }
    var pages = Math.ceil(rows.length / PAGE);
    var page = 0;
    var filter = "";
    var nav = doc.createElement("div");
    nav.className = "pager";
    var prev = doc.createElement("button");
    var next = doc.createElement("button");
    var label = doc.createElement("span");
    var find = doc.createElement("input");
    prev.type = next.type = "button";
    prev.textContent = "‹ Previous";
    next.textContent = "Next ›";
    find.type = "search";
    find.placeholder = "Filter these findings";
    find.setAttribute("aria-label", "Filter these findings");
    var texts = null; // read on the first filter, not while the page loads
    var show = function () {
      if (filter) {
        var n = 0;
        texts = texts || rows.map(function (r) { return r.textContent.toLowerCase(); });
        rows.forEach(function (r, i) { r.hidden = texts[i].indexOf(filter) < 0; if (!r.hidden) { n++; } });
        label.textContent = n + " of " + rows.length + " findings match";
        prev.disabled = next.disabled = true;
        return;
      }
      rows.forEach(function (r, i) { r.hidden = Math.floor(i / PAGE) !== page; });
      label.textContent = "Page " + (page + 1) + " of " + pages + " (" + rows.length + " findings listed)";
      prev.disabled = page === 0;
      next.disabled = page === pages - 1;
    };
    prev.addEventListener("click", function () { if (page > 0) { page--; show(); } });
    next.addEventListener("click", function () { if (page < pages - 1) { page++; show(); } });
    find.addEventListener("input", function () { filter = find.value.toLowerCase(); show(); });
    nav.appendChild(prev);
    nav.appendChild(label);
    nav.appendChild(next);
    nav.appendChild(find);
    var anchor = list.tagName === "TBODY" ? list.parentNode : list;
    anchor.parentNode.insertBefore(nav, anchor.nextSibling);
    pagers.push({
      // Shows the page holding `row`, if it is one of this list's rows.
      reveal: function (row) {
        var i = rows.indexOf(row);
        if (i < 0) { return; }
        filter = find.value = "";
        page = Math.floor(i / PAGE);
        show();
      },
      showAll: function () { rows.forEach(function (r) { r.hidden = false; }); }
    });
    show();
  });

  // --- the page-wide findings table: filter by text, severity, state and kind; paged -----------
  var findingFields = {};
  var applyFindings = function () {};
  var findingsTable = doc.getElementById("all-findings");
  if (findingsTable) {
    doc.getElementById("findings-toolbar").hidden = false;
    findingFields = {
      fq: doc.getElementById("ff-q"),
      fseverity: doc.getElementById("ff-severity"),
      fstatus: doc.getElementById("ff-status"),
      fkind: doc.getElementById("ff-kind")
    };
    var frows = all(":scope > tbody > tr", findingsTable);
    var ftexts = null; // read on the first search, not while the page loads
    var fpage = 0;
    var fcount = doc.getElementById("ff-count");
    var fnav = doc.createElement("div");
    var fprev = doc.createElement("button");
    var fnext = doc.createElement("button");
    var flabel = doc.createElement("span");
    fnav.className = "pager";
    fprev.type = fnext.type = "button";
    fprev.textContent = "‹ Previous";
    fnext.textContent = "Next ›";
    fnav.appendChild(fprev);
    fnav.appendChild(flabel);
    fnav.appendChild(fnext);
    findingsTable.parentNode.insertBefore(fnav, findingsTable.nextSibling);
    applyFindings = function () {
      var text = (findingFields.fq.value || "").trim().toLowerCase();
      if (text && !ftexts) { ftexts = frows.map(function (r) { return r.textContent.toLowerCase(); }); }
      var matched = [];
      frows.forEach(function (r, i) {
        var d = r.dataset;
        var ok = (!findingFields.fseverity.value || d.severity === findingFields.fseverity.value) &&
          (!findingFields.fstatus.value || d.status === findingFields.fstatus.value) &&
          (!findingFields.fkind.value || d.kind === findingFields.fkind.value) &&
          (!text || ftexts[i].indexOf(text) >= 0);
        r.hidden = true;
        if (ok) { matched.push(r); }
      });
      var pages = Math.max(1, Math.ceil(matched.length / PAGE));
      if (fpage >= pages) { fpage = pages - 1; }
      matched.forEach(function (r, i) { r.hidden = Math.floor(i / PAGE) !== fpage; });
      fcount.textContent = matched.length + " of " + frows.length + " findings";
      flabel.textContent = "Page " + (fpage + 1) + " of " + pages;
      fprev.disabled = fpage === 0;
      fnext.disabled = fpage >= pages - 1;
    };
    fprev.addEventListener("click", function () { if (fpage > 0) { fpage--; applyFindings(); } });
    fnext.addEventListener("click", function () { fpage++; applyFindings(); });
    Object.keys(findingFields).forEach(function (k) {
      var handler = function () { fpage = 0; applyFindings(); };
      findingFields[k].addEventListener("input", handler);
      findingFields[k].addEventListener("change", handler);
    });
    pagers.push({
      reveal: function () {},
      showAll: function () { frows.forEach(function (r) { r.hidden = false; }); }
    });
    applyFindings();
  }

  // --- search, filter and sort the controls ----------------------------------------------------
  var lists = all(".controls[data-filterable]");
  var bar = doc.getElementById("toolbar");
  var fields = {};
  var apply = function () {};
  if (bar && lists.length) {
    bar.hidden = false;
    fields = {
      q: doc.getElementById("f-text"),
      status: doc.getElementById("f-status"),
      severity: doc.getElementById("f-severity"),
      category: doc.getElementById("f-category"),
      sort: doc.getElementById("f-sort"),
      print: doc.getElementById("f-print")
    };
    var count = doc.getElementById("f-count");
    // The text a search looks in: the whole control, findings, resources and evidence
    // included; read on the first search, not while the page loads.
    var haystack = new Map();
    var textOf = function (el) {
      if (!haystack.has(el)) { haystack.set(el, el.textContent.toLowerCase()); }
      return haystack.get(el);
    };
    apply = function () {
      var text = (fields.q.value || "").trim().toLowerCase();
      var shown = 0, total = 0;
      lists.forEach(function (list) {
        var items = all(":scope > .control", list);
        items.forEach(function (el) {
          total++;
          var d = el.dataset;
          var ok = (!fields.status.value || d.status === fields.status.value) &&
            (!fields.severity.value || d.severity === fields.severity.value) &&
            (!fields.category.value || d.category === fields.category.value) &&
            (!text || textOf(el).indexOf(text) >= 0);
          el.hidden = !ok;
          if (ok) { shown++; }
          // A search that matched inside a control opens it so the match can be seen.
          if (ok && text) { el.open = true; }
        });
        var key = fields.sort.value;
        items.sort(function (a, b) {
          var x = a.dataset, y = b.dataset;
          if (key === "severity") { return (+y.sevrank - +x.sevrank) || (+x.rank - +y.rank); }
          if (key === "id") { return x.id < y.id ? -1 : x.id > y.id ? 1 : 0; }
          if (key === "title") { return x.title.localeCompare(y.title) || (+x.rank - +y.rank); }
          if (key === "findings") { return (+y.findings - +x.findings) || (+x.rank - +y.rank); }
          return +x.rank - +y.rank;
        });
        items.forEach(function (el) { list.appendChild(el); });
      });
      count.textContent = shown + " of " + total + " controls";
      root.setAttribute("data-print", fields.print.value);
      applyFindings();
    };
    // Filter state in the URL hash (`#q=…&status=…`), so a filtered view can be linked; a
    // hash without "=" is an anchor (a section, a control id or a finding) and is left alone.
    var defaults = { q: "", status: "", severity: "", category: "", sort: "gate", print: "failed" };
    // The findings table's filters share the hash (`#fq=…&fseverity=critical`).
    Object.keys(findingFields).forEach(function (k) { fields[k] = findingFields[k]; defaults[k] = ""; });
    var writeHash = function () {
      var params = new URLSearchParams();
      Object.keys(defaults).forEach(function (k) {
        if (fields[k].value !== defaults[k]) { params.set(k, fields[k].value); }
      });
      var h = params.toString();
      if (h || location.hash.indexOf("=") >= 0) {
        history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
      }
    };
    var readHash = function () {
      var h = location.hash.slice(1);
      if (h.indexOf("=") < 0) { return false; }
      var params = new URLSearchParams(h);
      Object.keys(defaults).forEach(function (k) {
        var v = params.get(k);
        fields[k].value = v === null ? defaults[k] : v;
        // An unknown option leaves a select empty: fall back to the default.
        if (fields[k].value !== (v === null ? defaults[k] : v)) { fields[k].value = defaults[k]; }
      });
      return true;
    };
    Object.keys(fields).forEach(function (k) {
      var handler = function () { apply(); writeHash(); };
      fields[k].addEventListener("input", handler);
      fields[k].addEventListener("change", handler);
    });
    doc.getElementById("f-expand").addEventListener("click", function () {
      all(".controls > .control:not([hidden])").forEach(function (d) { d.open = true; });
    });
    doc.getElementById("f-collapse").addEventListener("click", function () {
      all(".controls > .control").forEach(function (d) { d.open = false; });
    });
    doc.getElementById("f-print-now").addEventListener("click", function () { window.print(); });
    readHash();
    apply();
  }

  // --- anchors: open and show what a link points at -------------------------------------------
  var reveal = function () {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id || id.indexOf("=") >= 0) { return; }
    var target = doc.getElementById(id);
    if (!target) { return; }
    pagers.forEach(function (p) { p.reveal(target); });
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
      if (el.hidden && el.classList && el.classList.contains("control")) { el.hidden = false; }
    }
    target.scrollIntoView();
  };
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0 && bar && !bar.hidden) {
      apply();
    } else {
      reveal();
    }
  });
  reveal();

  // --- printing: the chosen mode; what it prints is opened and unpaged --------------------------
  window.addEventListener("beforeprint", function () {
    var mode = root.getAttribute("data-print") || "failed";
    if (mode === "summary") { return; }
    pagers.forEach(function (p) { p.showAll(); });
    all(".controls > .control").forEach(function (d) {
      var failed = d.dataset.status === "fail" || d.dataset.status === "error";
      d.hidden = false;
      if (mode === "all" || failed) { d.open = true; }
    });
    all("details.evidence").forEach(function (d) { d.open = mode === "all"; });
  });

  root.setAttribute("data-script", "ran");
  window.addEventListener("load", function () {
    root.setAttribute("data-load-ms", String(Math.round(performance.now())));
  });
})();
