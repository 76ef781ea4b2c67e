// orgscan report: the page's only script, allowed by its sha256 in the Content-Security-Policy.
// Everything is readable without it; it adds filtering and sorting of the recommendations,
// paging of long findings lists, and opens every section before printing. It never parses
// HTML from data: it only moves, hides and shows existing nodes and sets textContent.
(function () {
  "use strict";
  var doc = document;
  var PAGE = 25;

  function all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }

  // --- filter and sort the recommendations -------------------------------------------------
  var lists = all(".controls[data-filterable]");
  var bar = doc.getElementById("toolbar");
  if (bar && lists.length) {
    bar.hidden = false;
    var q = doc.getElementById("f-text");
    var st = doc.getElementById("f-status");
    var sv = doc.getElementById("f-severity");
    var cat = doc.getElementById("f-category");
    var sort = doc.getElementById("f-sort");
    var count = doc.getElementById("f-count");
    var apply = function () {
      var text = (q.value || "").toLowerCase();
      var shown = 0, total = 0;
      lists.forEach(function (list) {
        var items = all(":scope > .control", list);
        items.forEach(function (el) {
          total++;
          var d = el.dataset;
          var ok = (!st.value || d.status === st.value) &&
            (!sv.value || d.severity === sv.value) &&
            (!cat.value || d.category === cat.value) &&
            (!text || (d.search || "").indexOf(text) >= 0);
          el.hidden = !ok;
          if (ok) { shown++; }
        });
        var key = sort.value;
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
    };
    [q, st, sv, cat, sort].forEach(function (el) {
      el.addEventListener("input", apply);
      el.addEventListener("change", apply);
    });
    apply();
  }

  // --- page long findings lists --------------------------------------------------------------
  all("ol.findings").forEach(function (list) {
    var rows = all(":scope > li", list);
    if (rows.length <= PAGE) { return; }
    var pages = Math.ceil(rows.length / PAGE);
    var page = 0;
    var nav = doc.createElement("div");
    nav.className = "pager";
    var prev = doc.createElement("button");
    var next = doc.createElement("button");
    var label = doc.createElement("span");
    prev.type = next.type = "button";
    prev.textContent = "‹ Previous";
    next.textContent = "Next ›";
    var show = function () {
      rows.forEach(function (r, i) { r.hidden = Math.floor(i / PAGE) !== page; });
      label.textContent = "Page " + (page + 1) + " of " + pages + " (" + rows.length + " findings listed)";
      prev.disabled = page === 0;
      next.disabled = page === pages - 1;
    };
    prev.addEventListener("click", function () { if (page > 0) { page--; show(); } });
    next.addEventListener("click", function () { if (page < pages - 1) { page++; show(); } });
    nav.appendChild(prev);
    nav.appendChild(label);
    nav.appendChild(next);
    list.parentNode.insertBefore(nav, list.nextSibling);
    show();
  });

  // --- printing shows everything --------------------------------------------------------------
  window.addEventListener("beforeprint", function () {
    all("details").forEach(function (d) { d.open = true; });
    all("ol.findings > li, .controls > .control").forEach(function (r) { r.hidden = false; });
  });

  doc.documentElement.setAttribute("data-script", "ran");
  window.addEventListener("load", function () {
    doc.documentElement.setAttribute("data-load-ms", String(Math.round(performance.now())));
  });
})();
