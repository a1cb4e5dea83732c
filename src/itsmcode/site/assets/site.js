/* itsmcode site: progressive enhancement only. Without JavaScript every page is whole:
   the catalog shows every row, the graph is drawn, the neighbours are listed. */
(function () {
  "use strict";

  function catalog() {
    var table = document.getElementById("catalog");
    var controls = document.getElementById("catalog-controls");
    if (!table || !controls) { return; }
    controls.hidden = false;
    controls.addEventListener("submit", function (event) { event.preventDefault(); });
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var search = document.getElementById("search");
    var count = document.getElementById("result-count");
    var filters = ["tier", "owner", "lifecycle", "type"].map(function (name) {
      return { name: name, control: document.getElementById("filter-" + name) };
    });
    var text = rows.map(function (row) {
      return (row.dataset.service + " " + row.dataset.owner).toLowerCase();
    });

    function apply() {
      var query = search.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row, index) {
        var ok = !query || text[index].indexOf(query) !== -1;
        filters.forEach(function (f) {
          if (ok && f.control.value && row.dataset[f.name] !== f.control.value) { ok = false; }
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " services";
    }
    search.addEventListener("input", apply);
    filters.forEach(function (f) { f.control.addEventListener("change", apply); });

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th) {
      var key = th.dataset.sort;
      var button = th.querySelector("button");
      if (!key || !button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); }
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var attribute = key === "name" ? "service" : key;
        var sorted = rows.slice().sort(function (a, b) {
          var x = a.dataset[attribute], y = b.dataset[attribute];
          var order = key === "tier" ? Number(x) - Number(y) : x.localeCompare(y);
          if (order === 0) { order = a.dataset.service.localeCompare(b.dataset.service); }
          return ascending ? order : -order;
        });
        sorted.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  }

  function graph() {
    var svg = document.getElementById("dependency-graph");
    if (!svg) { return; }
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
    var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
    var items = Array.prototype.slice.call(document.querySelectorAll(".neighbours li[data-node]"));

    function light(name) {
      svg.classList.add("highlighting");
      nodes.forEach(function (n) { n.classList.toggle("lit", n.dataset.node === name); });
      edges.forEach(function (e) {
        var on = e.dataset.from === name || e.dataset.to === name;
        e.classList.toggle("lit", on);
        if (on) {
          nodes.forEach(function (n) {
            if (n.dataset.node === e.dataset.from || n.dataset.node === e.dataset.to) { n.classList.add("lit"); }
          });
        }
      });
      items.forEach(function (li) { li.classList.toggle("lit", li.dataset.node === name); });
    }
    function clear() {
      svg.classList.remove("highlighting");
      nodes.concat(edges, items).forEach(function (el) { el.classList.remove("lit"); });
    }
    nodes.forEach(function (node) {
      node.addEventListener("mouseenter", function () { light(node.dataset.node); });
      node.addEventListener("mouseleave", clear);
    });
    items.forEach(function (li) {
      li.addEventListener("mouseenter", function () { light(li.dataset.node); });
      li.addEventListener("mouseleave", clear);
      li.addEventListener("focusin", function () { light(li.dataset.node); });
      li.addEventListener("focusout", clear);
    });
  }

  function start() { catalog(); graph(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
