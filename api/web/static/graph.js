/* The answer of a query as an interactive graph (ADR 0031): cytoscape (served from govcat's
   own host) draws the nodes and edges of the JSON block #au-graph-data, each node labelled by
   its record's title. Drag to pan, wheel or buttons to zoom; a click on a node opens its
   record's page. Keyboard: with the graph focused, the arrow keys move from node to node
   (announced in #au-graph-current), Enter opens the record, + and - zoom, 0 fits.
   No inline script: the page's CSP allows scripts from 'self' only. */
(function () {
  "use strict";

  var holder = document.getElementById("au-graph");
  var source = document.getElementById("au-graph-data");
  if (!holder || !source || typeof window.cytoscape !== "function") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var announce = document.getElementById("au-graph-current");
  var font = "Vazirmatn, Tahoma, sans-serif";

  function elements() {
    var nodes = data.nodes.map(function (n) {
      return {group: "nodes", data: {id: n.id, label: n.label, href: n.href || "",
        kind: n.kind || "", root: n.root ? "yes" : "no", kindName: n.kind_name || ""}};
    });
    var edges = data.edges.map(function (e, i) {
      return {group: "edges", data: {id: "e" + i, source: e.source, target: e.target}};
    });
    return nodes.concat(edges);
  }

  var style = [
    {selector: "node", style: {
      "label": "data(label)", "font-family": font, "font-size": 13, "color": "#1b1f24",
      "text-wrap": "wrap", "text-max-width": 150, "text-valign": "bottom", "text-margin-y": 6,
      "background-color": "#d8e6fb", "border-color": "#0a4f9e", "border-width": 2,
      "width": 26, "height": 26, "shape": "round-rectangle"}},
    {selector: "node[kind = 'PublicService']", style: {"shape": "ellipse",
      "background-color": "#cfe9dd", "border-color": "#0b5d4b"}},
    {selector: "node[kind = 'Dataset']", style: {"shape": "barrel",
      "background-color": "#fbe3c8", "border-color": "#8a4b00"}},
    {selector: "node[kind = 'InformationSystem']", style: {"shape": "hexagon",
      "background-color": "#eadcf5", "border-color": "#5b2a86"}},
    {selector: "node[root = 'yes']", style: {"background-color": "#fde68a",
      "border-color": "#b35c00", "border-width": 3, "width": 34, "height": 34}},
    {selector: "node.current", style: {"border-color": "#b35c00", "border-width": 5,
      "overlay-color": "#b35c00", "overlay-opacity": 0.15, "overlay-padding": 6}},
    {selector: "edge", style: {"width": 1.5, "line-color": "#4a5360",
      "target-arrow-color": "#4a5360", "target-arrow-shape": "triangle",
      "curve-style": "bezier", "arrow-scale": 1.1}}
  ];

  var roots = data.nodes.filter(function (n) { return n.root; }).map(function (n) {
    return n.id;
  });
  var cy = window.cytoscape({
    container: holder, elements: elements(), style: style, wheelSensitivity: 0.3,
    minZoom: 0.2, maxZoom: 3,
    layout: {name: "breadthfirst", directed: true, roots: roots.length ? roots : undefined,
      spacingFactor: 1.1, animate: false, fit: true, padding: 30}
  });
  var order = cy.nodes().toArray();
  var at = -1;

  function open(node) {
    var href = node.data("href");
    if (href) {
      window.location.assign(href);
    }
  }

  function focusNode(index) {
    if (!order.length) {
      return;
    }
    at = (index + order.length) % order.length;
    cy.nodes().removeClass("current");
    var node = order[at];
    node.addClass("current");
    cy.center(node);
    var kind = node.data("kindName");
    announce.textContent = node.data("label") + (kind ? " (" + kind + ")" : "");
  }

  function zoomBy(factor) {
    var middle = {x: holder.clientWidth / 2, y: holder.clientHeight / 2};
    cy.zoom({level: cy.zoom() * factor, renderedPosition: middle});
  }

  var keys = {
    ArrowRight: function () { focusNode(at + 1); },
    ArrowDown: function () { focusNode(at + 1); },
    ArrowLeft: function () { focusNode(at - 1); },
    ArrowUp: function () { focusNode(at - 1); },
    Enter: function () { if (at >= 0) { open(order[at]); } },
    "+": function () { zoomBy(1.25); },
    "=": function () { zoomBy(1.25); },
    "-": function () { zoomBy(0.8); },
    "0": function () { cy.fit(undefined, 30); }
  };

  holder.addEventListener("keydown", function (event) {
    var act = keys[event.key];
    if (act) {
      event.preventDefault();
      act();
    }
  });
  cy.on("tap", "node", function (event) { open(event.target); });
  cy.on("mouseover", "node", function (event) {
    holder.classList.toggle("au-link", Boolean(event.target.data("href")));
  });
  cy.on("mouseout", "node", function () { holder.classList.remove("au-link"); });

  function bind(id, act) {
    var button = document.getElementById(id);
    if (button) {
      button.addEventListener("click", act);
    }
  }
  bind("au-zoom-in", function () { zoomBy(1.25); });
  bind("au-zoom-out", function () { zoomBy(0.8); });
  bind("au-fit", function () { cy.fit(undefined, 30); });

  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () { cy.style().update(); });
  }
  holder.setAttribute("data-ready", "yes");
  window.govcatGraph = cy; // for the browser tests and the curious: the drawn graph
}());
