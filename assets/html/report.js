// lamas report: draws a run's or a sweep's report from the JSON in #data, as SVG, with no
// library and nothing fetched. Every drawn datum is an SVG element of class "mark" (a line per
// series of a time series, a point per cell, a bar, a heatmap cell), which the browser tests
// count. Charts: hover for values and intervals, drag to zoom, double-click to reset.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  // A cell's statistic comes as [mean, half-width] (a symmetric interval) or [mean, lo, hi].
  (data.cells || []).forEach(function (c) {
    c.stats = c.stats.map(function (s) { return s && s.length === 2 ? [s[0], s[0] - s[1], s[0] + s[1]] : s; });
  });
  var root = document.getElementById("report");
  var NS = "http://www.w3.org/2000/svg";
  // Okabe-Ito, as the PNG plots; the eighth (black) follows the text colour so it shows in dark.
  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#56b4e9", "#cc79a7", "#f0e442", "var(--ink)"];
  var W = 600, H = 340, M = { l: 64, r: 14, t: 12, b: 48 };

  function colour(i) { return PALETTE[i % PALETTE.length]; }

  // Four significant digits, whole numbers whole, no -0: as lamas' terminal (src/report/digits.rs).
  function sig4(v) {
    if (v === null || v === undefined || typeof v !== "number" || !isFinite(v)) return "n/a";
    var a = Math.abs(v), s;
    if (Number.isInteger(v) && a < 1e15) s = v.toFixed(0);
    else if (a >= 1e4) s = v.toFixed(0);
    else if (a >= 1e-3) s = trim(v.toFixed(Math.max(0, 3 - Math.floor(Math.log10(a)))));
    else {
      var p = v.toExponential(3).split("e");
      s = trim(p[0]) + "e" + p[1].replace("+", "");
    }
    return /^-[0.]*$/.test(s) ? "0" : s;
  }
  function trim(s) { return s.indexOf(".") < 0 ? s : s.replace(/0+$/, "").replace(/\.$/, ""); }
  function interval(s) { return s ? sig4(s[0]) + "  [" + sig4(s[1]) + ", " + sig4(s[2]) + "]" : "n/a"; }

  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "class") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(arguments[i]);
    return e;
  }
  function sv(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "fill" || k === "stroke") e.style[k] = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    if (parent) parent.appendChild(e);
    return e;
  }

  // The tooltip.
  var tip = el("div", { class: "tip", role: "status" });
  document.body.appendChild(tip);
  function showTip(evt, text) {
    tip.textContent = text;
    tip.style.display = "block";
    var x = evt.clientX + 14, y = evt.clientY + 14, r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 8) x = evt.clientX - r.width - 14;
    if (y + r.height > window.innerHeight - 8) y = evt.clientY - r.height - 14;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  function hover(node, text) {
    node.addEventListener("mousemove", function (e) { showTip(e, typeof text === "function" ? text() : text); });
    node.addEventListener("mouseleave", hideTip);
  }

  // Scales.
  function niceStep(span, n) {
    var raw = span / Math.max(1, n), p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    return p * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
  }
  function linear(d0, d1, r0, r1) {
    if (!(d1 > d0)) { var c = isFinite(d0) ? d0 : 0, h = Math.abs(c) * 0.1 || 1; d0 = c - h; d1 = c + h; }
    var f = function (v) { return r0 + (v - d0) / (d1 - d0) * (r1 - r0); };
    f.domain = [d0, d1];
    f.invert = function (p) { return d0 + (p - r0) / (r1 - r0) * (d1 - d0); };
    f.ticks = function (n) {
      var s = niceStep(d1 - d0, n), out = [];
      for (var t = Math.ceil(d0 / s) * s; t <= d1 + s * 1e-9; t += s) out.push(Math.abs(t) < s * 1e-9 ? 0 : t);
      return out;
    };
    return f;
  }
  function logarithmic(d0, d1, r0, r1) {
    if (!(d0 > 0)) d0 = d1 > 0 ? d1 / 10 : 1;
    if (!(d1 > d0)) d1 = d0 * 10;
    var l0 = Math.log10(d0), l1 = Math.log10(d1);
    var f = function (v) { return v > 0 ? r0 + (Math.log10(v) - l0) / (l1 - l0) * (r1 - r0) : NaN; };
    f.domain = [d0, d1];
    f.invert = function (p) { return Math.pow(10, l0 + (p - r0) / (r1 - r0) * (l1 - l0)); };
    f.ticks = function () {
      var out = [];
      for (var k = Math.floor(l0); k <= Math.ceil(l1); k++) {
        var t = Math.pow(10, k);
        if (t >= d0 * 0.999 && t <= d1 * 1.001) out.push(t);
      }
      return out.length >= 2 ? out : linear(d0, d1, r0, r1).ticks(5);
    };
    return f;
  }
  function band(labels, r0, r1) {
    var step = (r1 - r0) / Math.max(1, labels.length);
    var f = function (i) { return r0 + step * (i + 0.5); };
    f.step = step; f.labels = labels; f.band = true;
    return f;
  }
  function extent(values, pad, zero) {
    var lo = Infinity, hi = -Infinity;
    values.forEach(function (v) { if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    if (zero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
    if (lo === Infinity) return [0, 1];
    var m = (hi - lo) * (pad || 0.05);
    return [zero && lo === 0 ? 0 : lo - m, zero && hi === 0 ? 0 : hi + m];
  }

  // A chart frame: the SVG, its axes and grid, a clipped plot area, box zoom and reset.
  // opts: x, y (scales over the plot area), xLabel, yLabel, onZoom(x0, x1, y0, y1), zoomX, zoomY.
  var clipId = 0;
  // The plot area of a chart: wide charts span the page; `left` makes room for long labels.
  function area(wide, left) {
    var w = wide ? 1000 : W, h = wide ? 400 : H;
    return { w: w, h: h, x0: left || M.l, x1: w - M.r, y0: h - M.b, y1: M.t };
  }
  // Room at the left for the longest of `labels` (band axes), at most 220 units.
  function leftFor(labels) {
    var n = Math.max.apply(null, labels.map(function (l) { return String(l).length; }).concat([4]));
    return Math.min(220, 30 + 6.6 * n);
  }
  function frame(opts) {
    var a = opts.area || area(false);
    var svg = sv("svg", { class: "chart", viewBox: "0 0 " + a.w + " " + a.h, role: "img" });
    if (opts.title) sv("title", { text: opts.title }, svg);
    var x = opts.x, y = opts.y, x0 = a.x0, x1 = a.x1, y0 = a.y0, y1 = a.y1, W = a.w, H = a.h;
    var grid = sv("g", { class: "grid" }, svg), axis = sv("g", { class: "axis" }, svg);
    if (!y.band) {
      y.ticks(6).forEach(function (t) {
        var p = y(t);
        sv("line", { x1: x0, x2: x1, y1: p, y2: p }, grid);
        sv("text", { x: x0 - 6, y: p + 4, "text-anchor": "end", text: sig4(t) }, axis);
      });
    } else {
      y.labels.forEach(function (l, i) {
        sv("text", { x: x0 - 6, y: y(i) + 4, "text-anchor": "end", text: short(l, Math.floor((x0 - 26) / 6.6)) }, axis);
      });
    }
    if (!x.band) {
      x.ticks(7).forEach(function (t) {
        var p = x(t);
        sv("line", { x1: p, x2: p, y1: y0, y2: y1 }, grid);
        sv("text", { x: p, y: y0 + 17, "text-anchor": "middle", text: sig4(t) }, axis);
      });
    } else {
      var every = Math.ceil(x.labels.length / 14), room = Math.max(3, Math.floor(x.step * every / 6.8));
      x.labels.forEach(function (l, i) {
        if (i % every === 0) sv("text", { x: x(i), y: y0 + 17, "text-anchor": "middle", text: short(l, room) }, axis);
      });
    }
    sv("path", { d: "M" + x0 + "," + y1 + "V" + y0 + "H" + x1, fill: "none" }, axis);
    sv("text", { class: "label", x: (x0 + x1) / 2, y: H - 10, "text-anchor": "middle", text: opts.xLabel || "" }, svg);
    sv("text", { class: "label", transform: "translate(14," + (y0 + y1) / 2 + ") rotate(-90)", "text-anchor": "middle", text: opts.yLabel || "" }, svg);
    var id = "clip" + (++clipId);
    var defs = sv("defs", {}, svg);
    sv("rect", { x: x0, y: y1, width: x1 - x0, height: y0 - y1 }, sv("clipPath", { id: id }, defs));
    var plot = sv("g", { "clip-path": "url(#" + id + ")" }, svg);
    if (opts.onZoom) zoomable(svg, opts, [x0, x1, y0, y1]);
    return { svg: svg, plot: plot, box: [x0, x1, y0, y1] };
  }
  // A label cut to n characters in its middle, where labels of one axis differ least
  // (`shapley_mc(1000)` → `shapl…(1000)`); hover shows it whole.
  function short(s, n) {
    s = String(s);
    if (s.length <= n) return s;
    var tail = Math.floor((n - 1) / 2), head = n - 1 - tail;
    return s.slice(0, head) + "…" + s.slice(s.length - tail);
  }
  function point(svg, evt) {
    var p = svg.createSVGPoint();
    p.x = evt.clientX; p.y = evt.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function zoomable(svg, opts, box) {
    var start = null, sel = null;
    svg.addEventListener("mousedown", function (e) {
      var p = point(svg, e);
      if (p.x < box[0] || p.x > box[1] || p.y > box[2] || p.y < box[3]) return;
      start = p;
      sel = sv("rect", { class: "selection", x: p.x, y: p.y, width: 0, height: 0 }, svg);
      e.preventDefault();
    });
    svg.addEventListener("mousemove", function (e) {
      if (!start) return;
      var p = point(svg, e);
      var ax = opts.zoomX ? Math.min(start.x, p.x) : box[0], aw = opts.zoomX ? Math.abs(p.x - start.x) : box[1] - box[0];
      var ay = opts.zoomY ? Math.min(start.y, p.y) : box[3], ah = opts.zoomY ? Math.abs(p.y - start.y) : box[2] - box[3];
      sel.setAttribute("x", ax); sel.setAttribute("width", aw);
      sel.setAttribute("y", ay); sel.setAttribute("height", ah);
    });
    svg.addEventListener("mouseleave", function () {
      start = null;
      if (sel) sel.remove();
    });
    svg.addEventListener("mouseup", function (e) {
      if (!start) return;
      var p = point(svg, e), s = start;
      start = null;
      if (sel) sel.remove();
      var wide = !opts.zoomX || Math.abs(p.x - s.x) > 8, tall = !opts.zoomY || Math.abs(p.y - s.y) > 8;
      if (!(wide && tall) || (!opts.zoomX && !opts.zoomY)) return;
      var x = opts.x, y = opts.y;
      opts.onZoom(
        opts.zoomX ? Math.min(x.invert(s.x), x.invert(p.x)) : null,
        opts.zoomX ? Math.max(x.invert(s.x), x.invert(p.x)) : null,
        opts.zoomY ? Math.min(y.invert(s.y), y.invert(p.y)) : null,
        opts.zoomY ? Math.max(y.invert(s.y), y.invert(p.y)) : null);
    });
    svg.addEventListener("dblclick", function () { opts.onZoom(null, null, null, null, true); });
  }

  // A figure: caption, controls, the chart's host, a legend, a note.
  function figure(parent, id, title, wide) {
    var fig = el("figure", { "data-chart": id, class: wide ? "wide" : "" });
    fig.appendChild(el("figcaption", { text: title }));
    var controls = el("div", { class: "controls" });
    var host = el("div"), legend = el("div", { class: "legend" }), note = el("div", { class: "note" });
    fig.appendChild(controls); fig.appendChild(host); fig.appendChild(legend); fig.appendChild(note);
    parent.appendChild(fig);
    return { fig: fig, controls: controls, host: host, legend: legend, note: note };
  }
  function select(f, label, options, value, onChange) {
    var s = el("select", { "aria-label": label });
    options.forEach(function (o) {
      var opt = el("option", { value: o[0], text: o[1] });
      if (o[0] === value) opt.selected = true;
      s.appendChild(opt);
    });
    s.addEventListener("change", function () { onChange(s.value); });
    f.controls.appendChild(el("label", { text: label + " " }, s));
    return s;
  }
  function resetButton(f, zoom, redraw) {
    var b = el("button", { type: "button", text: "reset zoom" });
    b.hidden = true;
    b.addEventListener("click", function () { zoom.x = zoom.y = null; redraw(); });
    f.controls.appendChild(b);
    return function (zoomed) { b.hidden = !zoomed; };
  }
  function legend(f, title, entries) {
    f.legend.textContent = "";
    if (entries.length < 2 && !title) return;
    if (title) f.legend.appendChild(el("span", { text: title + ":" }));
    entries.forEach(function (e) {
      var i = el("i");
      i.style.background = e[1];
      f.legend.appendChild(el("span", {}, i, document.createTextNode(e[0])));
    });
  }
  function zoomHandler(zoom, redraw) {
    return function (x0, x1, y0, y1, reset) {
      if (reset) { zoom.x = zoom.y = null; }
      else {
        if (x0 !== null) zoom.x = [x0, x1];
        if (y0 !== null) zoom.y = [y0, y1];
      }
      redraw();
    };
  }

  // A path through the points, broken where a value is undefined; returns [d, vertices].
  function pathOf(xs, ys, x, y) {
    var d = "", pen = false, n = 0;
    for (var i = 0; i < xs.length; i++) {
      var v = ys[i];
      if (v === null || !isFinite(v)) { pen = false; continue; }
      d += (pen ? "L" : "M") + x(xs[i]).toFixed(1) + "," + y(v).toFixed(1);
      pen = true; n++;
    }
    return [d, n];
  }

  // Time series of a run: one line (mark) per series, hover shows every series at a tick.
  function seriesChart(parent, c) {
    var f = figure(parent, c.id, c.title), zoom = {};
    function redraw() {
      f.host.textContent = "";
      var all = [];
      c.series.forEach(function (s) { all = all.concat(s.y); });
      var xd = zoom.x || [c.x[0], c.x[c.x.length - 1]], yd = zoom.y || extent(all, 0.05, true);
      var a = area(false), x = linear(xd[0], xd[1], a.x0, a.x1), y = linear(yd[0], yd[1], a.y0, a.y1);
      var fr = frame({ area: a, title: c.title, x: x, y: y, xLabel: c.x_label, yLabel: c.y_label, zoomX: true, zoomY: true, onZoom: zoomHandler(zoom, redraw) });
      c.series.forEach(function (s, i) {
        var p = pathOf(c.x, s.y, x, y);
        sv("path", { class: "mark line", d: p[0], fill: "none", stroke: colour(i), "stroke-width": 2, "data-series": s.name, "data-points": p[1] }, fr.plot);
      });
      var guide = sv("line", { class: "guide", y1: fr.box[3], y2: fr.box[2], visibility: "hidden" }, fr.svg);
      fr.svg.addEventListener("mousemove", function (e) {
        var p = point(fr.svg, e);
        if (p.x < fr.box[0] || p.x > fr.box[1]) { guide.setAttribute("visibility", "hidden"); hideTip(); return; }
        var t = x.invert(p.x), i = nearest(c.x, t);
        guide.setAttribute("x1", x(c.x[i])); guide.setAttribute("x2", x(c.x[i]));
        guide.setAttribute("visibility", "visible");
        showTip(e, "tick " + sig4(c.x[i]) + "\n" + c.series.map(function (s) { return s.name + ": " + sig4(s.y[i]); }).join("\n"));
      });
      fr.svg.addEventListener("mouseleave", function () { guide.setAttribute("visibility", "hidden"); hideTip(); });
      f.host.appendChild(fr.svg);
      setReset(!!(zoom.x || zoom.y));
    }
    var setReset = resetButton(f, zoom, redraw);
    legend(f, "", c.series.map(function (s, i) { return [s.name, colour(i)]; }));
    if (!c.series.length) f.note.textContent = "Nothing to draw: no series has a value.";
    redraw();
  }
  function nearest(xs, t) {
    var lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] < t) lo = mid; else hi = mid; }
    return Math.abs(xs[lo] - t) <= Math.abs(xs[hi] - t) ? lo : hi;
  }

  // ---- Sweeps: the cells, their values and statistics ----
  function keyIndex(k) { for (var i = 0; i < data.keys.length; i++) if (data.keys[i].key === k) return i; return -1; }
  function metricIndex(m) { return data.metrics.indexOf(m); }
  function same(a, b) { return a === b || String(a) === String(b); }
  function selected(spec) {
    var filters = (spec.filter || []).map(function (f) { return [keyIndex(f[0]), f[1]]; });
    return data.cells.filter(function (c) { return filters.every(function (f) { return same(c.params[f[0]], f[1]); }); });
  }
  function distinct(cells, k) {
    var seen = [];
    cells.forEach(function (c) { var v = c.params[k]; if (!seen.some(function (s) { return same(s, v); })) seen.push(v); });
    return seen;
  }
  // The values of key k in the axis's order (a factor's sorted), among cells.
  function ordered(k, cells) {
    var key = data.keys[k], present = distinct(cells, k);
    if (key.values) return key.values.filter(function (v) { return present.some(function (p) { return same(p, v); }); });
    return present.sort(function (a, b) { return key.numeric ? a - b : String(a) < String(b) ? -1 : 1; });
  }
  function describeCell(c, metric) {
    var lines = data.keys.map(function (k, i) { return k.key + " = " + (typeof c.params[i] === "number" ? sig4(c.params[i]) : c.params[i]); });
    var s = c.stats[metricIndex(metric)];
    lines.push(metric + ": " + interval(s) + (s ? "  (mean [95% interval])" : ""));
    return "cell " + c.cell + "\n" + lines.join("\n");
  }
  function metricOptions() { return data.metrics.map(function (m) { return [m, m]; }); }
  function keyOptions(cells, except, none) {
    var out = none ? [["", "none"]] : [];
    data.keys.forEach(function (k, i) {
      if (except.indexOf(k.key) < 0 && distinct(cells, i).length > 1) out.push([k.key, k.key]);
    });
    return out;
  }

  // Line and bar plots of an experiment, from the cells: x fixed, metric and colour chosen.
  function cellChart(parent, spec) {
    var f = figure(parent, spec.name, spec.title), zoom = {};
    var cells = selected(spec), colours = keyOptions(cells, tiedTo(spec.x), true);
    var state = { metric: spec.metric, colour: spec.series || "" };
    if (!colours.some(function (o) { return o[0] === state.colour; })) state.colour = "";
    select(f, "metric", metricOptions(), state.metric, function (v) { state.metric = v; zoom.y = null; redraw(); });
    select(f, "colour by", colours, state.colour, function (v) { state.colour = v; redraw(); });
    var setReset = resetButton(f, zoom, redraw);
    function redraw() {
      f.host.textContent = "";
      var xk = keyIndex(spec.x), ck = keyIndex(state.colour), m = metricIndex(state.metric);
      var xs = ordered(xk, cells), cs = ck >= 0 ? ordered(ck, cells) : [null];
      var free = data.keys.map(function (_, i) { return i; }).filter(function (i) {
        return data.keys[i].axis !== data.keys[xk].axis && distinct(cells, i).length > 1;
      });
      var groups = groupBy(cells, free, ck, cs);
      var numeric = data.keys[xk].numeric && spec.kind === "line";
      // On a logarithmic scale only positive values can be drawn (as the PNG plots).
      var drawable = function (c) {
        var st = c.stats[m];
        return st && (!spec.log_y || st[0] > 0) && (!(numeric && spec.log_x) || c.params[xk] > 0);
      };
      var stats = cells.filter(drawable).map(function (c) { return c.stats[m]; });
      var yd = zoom.y || (spec.log_y ? logDomain(stats) : yDomain(stats, spec.kind === "bar"));
      var a = area(false);
      var y = spec.log_y ? logarithmic(yd[0], yd[1], a.y0, a.y1) : linear(yd[0], yd[1], a.y0, a.y1);
      var x;
      if (numeric) {
        var positive = xs.filter(function (v) { return v > 0; });
        var xd = zoom.x || (spec.log_x ? [Math.min.apply(null, positive) / 1.2, Math.max.apply(null, positive) * 1.2] : extent(xs, 0.04));
        x = spec.log_x ? logarithmic(xd[0], xd[1], a.x0, a.x1) : linear(xd[0], xd[1], a.x0, a.x1);
      } else x = band(xs.map(String), a.x0, a.x1);
      var fr = frame({ area: a, title: spec.title, x: x, y: y, xLabel: spec.x_label, yLabel: spec.y_label, zoomX: numeric, zoomY: true, onZoom: zoomHandler(zoom, redraw) });
      var bw = x.band ? x.step * 0.8 / groups.length : 0;
      var pos = function (c, gi) {
        if (numeric) return x(c.params[xk]);
        var i = xs.findIndex(function (v) { return same(v, c.params[xk]); });
        return spec.kind === "bar" ? x(i) - x.step * 0.4 + bw * (gi + 0.5) : x(i);
      };
      groups.forEach(function (g, gi) {
        var col = colour(g.colour);
        var pts = g.cells.filter(drawable).map(function (c) { return [pos(c, gi), c.stats[m], c]; });
        var clampY = function (v) { return y(spec.log_y ? Math.max(v, y.domain[0]) : v); };
        if (spec.kind === "line") {
          pts.sort(function (p, q) { return p[0] - q[0]; });
          sv("path", { class: "link", d: pts.map(function (p, i) { return (i ? "L" : "M") + p[0].toFixed(1) + "," + y(p[1][0]).toFixed(1); }).join(""), fill: "none", stroke: col, "stroke-width": 2 }, fr.plot);
        }
        pts.forEach(function (p) {
          var st = p[1], mark;
          if (spec.kind === "bar") {
            var base = y(y.domain[0] > 0 ? y.domain[0] : y.domain[1] < 0 ? y.domain[1] : 0);
            mark = sv("rect", { class: "mark bar", x: p[0] - bw * 0.45, width: bw * 0.9, y: Math.min(base, y(st[0])), height: Math.abs(base - y(st[0])), fill: col, "fill-opacity": 0.9 }, fr.plot);
            sv("line", { class: "ci", x1: p[0], x2: p[0], y1: clampY(st[1]), y2: clampY(st[2]), stroke: "var(--ink)" }, fr.plot);
          } else {
            sv("line", { class: "ci", x1: p[0], x2: p[0], y1: clampY(st[1]), y2: clampY(st[2]), stroke: col }, fr.plot);
            mark = sv("circle", { class: "mark point", cx: p[0], cy: y(st[0]), r: 4, fill: col }, fr.plot);
          }
          hover(mark, describeCell(p[2], state.metric));
        });
      });
      f.host.appendChild(fr.svg);
      legend(f, state.colour, ck >= 0 ? cs.map(function (v, i) { return [String(v), colour(i)]; }) : []);
      var missing = cells.filter(function (c) { return !drawable(c); }).length;
      f.note.textContent = "Mean over replicates with its 95% interval (t); an interval far wider than the means is cut at the chart's edge." + (missing ? " " + missing + " cell(s) with no value of " + state.metric + (spec.log_y || spec.log_x ? " that a logarithmic scale can show" : "") + " are not drawn." : "");
      setReset(!!(zoom.x || zoom.y));
    }
    redraw();
  }
  // A logarithmic y range over the positive means and interval ends, at most six decades below
  // the largest (as the PNG plots).
  function logDomain(stats) {
    var vals = [].concat.apply([], stats.map(function (st) { return st; })).filter(function (v) { return v > 0; });
    if (!vals.length) return [0.1, 1];
    var hi = Math.max.apply(null, vals), lo = Math.max(Math.min.apply(null, vals), hi / 1e6);
    return [lo / 1.3, hi * 1.3];
  }
  // The keys swept with `k` on one axis (zipped), `k` included.
  function tiedTo(k) {
    var i = keyIndex(k);
    return data.keys.filter(function (q) { return i >= 0 && q.axis === data.keys[i].axis; }).map(function (q) { return q.key; });
  }
  // The y range of a chart of these statistics: the intervals' when they are at most three
  // times as wide as the means', else the means' (a two-replicate interval can be huge).
  function yDomain(stats, zero) {
    var means = extent(stats.map(function (st) { return st[0]; }), 0.08, zero);
    var wide = extent([].concat.apply([], stats.map(function (st) { return [st[1], st[2]]; })), 0.05, zero);
    var span = means[1] - means[0];
    return span > 0 && wide[1] - wide[0] > 3 * span ? means : wide;
  }
  // Lines: the cells grouped by the values of every free key but x; each group coloured by
  // its value of the colour key.
  function groupBy(cells, free, ck, cs) {
    var groups = [], index = {};
    cells.forEach(function (c) {
      var id = free.map(function (i) { return String(c.params[i]); }).join("\u0000");
      if (!(id in index)) {
        index[id] = groups.length;
        var ci = ck >= 0 ? cs.findIndex(function (v) { return same(v, c.params[ck]); }) : 0;
        groups.push({ colour: ci, cells: [] });
      }
      groups[index[id]].cells.push(c);
    });
    return groups.sort(function (a, b) { return a.colour - b.colour; });
  }

  // Viridis, by stops.
  var VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
  function viridis(t) {
    t = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    var i = Math.min(VIRIDIS.length - 2, Math.floor(t)), u = t - i;
    var a = hex(VIRIDIS[i]), b = hex(VIRIDIS[i + 1]);
    return "rgb(" + [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * u); }).join(",") + ")";
  }
  function hex(h) { return [1, 3, 5].map(function (i) { return parseInt(h.slice(i, i + 2), 16); }); }

  // Heatmaps: x by y, the first cell at each pair (as the PNG), the metric chosen.
  function heatmap(parent, spec) {
    var f = figure(parent, spec.name, spec.title), cells = selected(spec), state = { metric: spec.metric };
    select(f, "metric", metricOptions(), state.metric, function (v) { state.metric = v; redraw(); });
    function redraw() {
      f.host.textContent = "";
      var xk = keyIndex(spec.x), yk = keyIndex(spec.y), m = metricIndex(state.metric);
      var xs = ordered(xk, cells), ys = ordered(yk, cells);
      var a = area(false, leftFor(ys));
      var x = band(xs.map(String), a.x0, a.x1), y = band(ys.map(String), a.y0, a.y1);
      var fr = frame({ area: a, title: spec.title, x: x, y: y, xLabel: spec.x_label, yLabel: spec.y_label });
      var seen = {}, drawn = [];
      cells.forEach(function (c) {
        var i = xs.findIndex(function (v) { return same(v, c.params[xk]); }), j = ys.findIndex(function (v) { return same(v, c.params[yk]); });
        if (seen[i + "," + j]) return;
        seen[i + "," + j] = true;
        if (c.stats[m]) drawn.push([i, j, c]);
      });
      var lo = Math.min.apply(null, drawn.map(function (d) { return d[2].stats[m][0]; }));
      var hi = Math.max.apply(null, drawn.map(function (d) { return d[2].stats[m][0]; }));
      drawn.forEach(function (d) {
        var v = d[2].stats[m][0], t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
        var r = sv("rect", { class: "mark cell", x: x(d[0]) - x.step / 2 + 1, y: y(d[1]) + y.step / 2 + 1, width: Math.abs(x.step) - 2, height: Math.abs(y.step) - 2, fill: viridis(t) }, fr.plot);
        if (Math.abs(x.step) > 44 && Math.abs(y.step) > 18) {
          var txt = sv("text", { x: x(d[0]), y: y(d[1]) + 4, "text-anchor": "middle", text: sig4(v) }, fr.plot);
          txt.style.fill = t > 0.6 ? "#111" : "#fff";
          txt.style.pointerEvents = "none";
        }
        hover(r, describeCell(d[2], state.metric));
      });
      f.host.appendChild(fr.svg);
      f.legend.textContent = "";
      var ramp = el("span", { class: "ramp" });
      ramp.style.background = "linear-gradient(to right," + VIRIDIS.join(",") + ")";
      f.legend.appendChild(el("span", { text: state.metric + ": " + sig4(lo) }, ramp, document.createTextNode(sig4(hi))));
      f.note.textContent = drawn.length ? "Mean over replicates; hover for the 95% interval." : "No cell has a value of " + state.metric + ".";
    }
    redraw();
  }

  // Strategy shares over time (computed from the time series when the sweep kept them).
  function sharesChart(parent, spec) {
    var f = figure(parent, spec.name, spec.title), zoom = {};
    if (!spec.curves) {
      f.note.textContent = "The time series (timeseries.parquet) are not in this folder: re-run the sweep to draw this plot.";
      return;
    }
    function redraw() {
      f.host.textContent = "";
      var last = 1;
      spec.curves.forEach(function (c) { c.points.forEach(function (p) { last = Math.max(last, p[0]); }); });
      var xd = zoom.x || [0, last], yd = zoom.y || [0, 1];
      var a = area(false), x = linear(xd[0], xd[1], a.x0, a.x1), y = linear(yd[0], yd[1], a.y0, a.y1);
      var fr = frame({ area: a, title: spec.title, x: x, y: y, xLabel: spec.x_label, yLabel: spec.y_label, zoomX: true, zoomY: true, onZoom: zoomHandler(zoom, redraw) });
      spec.curves.forEach(function (c, i) {
        var up = c.points.map(function (p) { return x(p[0]).toFixed(1) + "," + y(Math.min(1, p[3])).toFixed(1); });
        var down = c.points.slice().reverse().map(function (p) { return x(p[0]).toFixed(1) + "," + y(Math.max(0, p[2])).toFixed(1); });
        sv("path", { class: "band", d: "M" + up.concat(down).join("L") + "Z", fill: colour(i), "fill-opacity": 0.18 }, fr.plot);
        var p = pathOf(c.points.map(function (q) { return q[0]; }), c.points.map(function (q) { return q[1]; }), x, y);
        var line = sv("path", { class: "mark line", d: p[0], fill: "none", stroke: colour(i), "stroke-width": 2.5, "data-points": p[1] }, fr.plot);
        hover(line, c.name);
      });
      f.host.appendChild(fr.svg);
      setReset(!!(zoom.x || zoom.y));
    }
    var setReset = resetButton(f, zoom, redraw);
    legend(f, "strategy", spec.curves.map(function (c, i) { return [c.name, colour(i)]; }));
    f.note.textContent = "Mean share over the runs of the selected cells, with its 95% band.";
    redraw();
  }

  // Every cell: a metric against any key, coloured by another.
  function explorer(parent) {
    var f = figure(parent, "explore", "Explore the cells", true), zoom = {};
    var cells = data.cells, keys = keyOptions(cells, [], false);
    if (!keys.length) keys = data.keys.map(function (k) { return [k.key, k.key]; });
    if (!keys.length) { f.note.textContent = "The sweep has no swept key."; return; }
    var state = { metric: data.metrics[0], x: keys[0][0], colour: keys.length > 1 ? keys[1][0] : "" };
    select(f, "metric", metricOptions(), state.metric, function (v) { state.metric = v; zoom.y = null; redraw(); });
    select(f, "x", keys, state.x, function (v) { state.x = v; zoom.x = null; redraw(); });
    select(f, "colour by", [["", "none"]].concat(keys), state.colour, function (v) { state.colour = v; redraw(); });
    var setReset = resetButton(f, zoom, redraw);
    function redraw() {
      f.host.textContent = "";
      var xk = keyIndex(state.x), ck = keyIndex(state.colour), m = metricIndex(state.metric);
      var numeric = data.keys[xk].numeric, xs = ordered(xk, cells), cs = ck >= 0 ? ordered(ck, cells) : [null];
      var many = ck >= 0 && data.keys[ck].numeric && cs.length > 8;
      var lo = many ? Math.min.apply(null, cs) : 0, hi = many ? Math.max.apply(null, cs) : 1;
      var shown = cells.filter(function (c) { return c.stats[m]; });
      var yd = zoom.y || extent(shown.map(function (c) { return c.stats[m][0]; }), 0.06);
      var a = area(true), y = linear(yd[0], yd[1], a.y0, a.y1), xd = zoom.x || extent(xs, 0.04);
      var x = numeric ? linear(xd[0], xd[1], a.x0, a.x1) : band(xs.map(String), a.x0, a.x1);
      var fr = frame({ area: a, title: "Explore the cells", x: x, y: y, xLabel: state.x, yLabel: state.metric + " (mean)", zoomX: numeric, zoomY: true, onZoom: zoomHandler(zoom, redraw) });
      var r = shown.length > 1500 ? 2.2 : 3.5;
      shown.forEach(function (c) {
        var px = numeric ? x(c.params[xk]) : x(xs.findIndex(function (v) { return same(v, c.params[xk]); })) + (jitter(c.cell) - 0.5) * x.step * 0.6;
        var col = ck < 0 ? colour(0) : many ? viridis((c.params[ck] - lo) / (hi - lo || 1)) : colour(cs.findIndex(function (v) { return same(v, c.params[ck]); }));
        var dot = sv("circle", { class: "mark point", cx: px, cy: y(c.stats[m][0]), r: r, fill: col, "fill-opacity": 0.75 }, fr.plot);
        hover(dot, describeCell(c, state.metric));
      });
      f.host.appendChild(fr.svg);
      if (many) {
        f.legend.textContent = "";
        var ramp = el("span", { class: "ramp" });
        ramp.style.background = "linear-gradient(to right," + VIRIDIS.join(",") + ")";
        f.legend.appendChild(el("span", { text: state.colour + ": " + sig4(lo) }, ramp, document.createTextNode(sig4(hi))));
      } else legend(f, state.colour, ck >= 0 ? cs.map(function (v, i) { return [String(v), colour(i)]; }) : []);
      f.note.textContent = "One point per cell: the mean over its replicates (hover for the interval). " + (cells.length - shown.length ? (cells.length - shown.length) + " cell(s) without a value are not drawn." : "");
      setReset(!!(zoom.x || zoom.y));
    }
    redraw();
  }
  function jitter(i) { var s = Math.sin(i * 12.9898 + 78.233) * 43758.5453; return s - Math.floor(s); }

  // Sensitivity indices: per metric, a group of horizontal bars per factor.
  function indicesChart(parent) {
    var sens = data.sensitivity, metrics = [];
    sens.rows.forEach(function (r) { if (metrics.indexOf(r[0]) < 0) metrics.push(r[0]); });
    var f = figure(parent, "sensitivity", "Sensitivity indices", true), state = { metric: metrics[0] };
    select(f, "metric", metrics.map(function (m) { return [m, m]; }), state.metric, function (v) { state.metric = v; redraw(); });
    function redraw() {
      f.host.textContent = "";
      var rows = sens.rows.filter(function (r) { return r[0] === state.metric; });
      var params = [];
      rows.forEach(function (r) { if (params.indexOf(r[1]) < 0) params.push(r[1]); });
      var idx = sens.indices.map(function (i) { return i[0]; });
      var vals = [].concat.apply([], rows.map(function (r) { return [r[3], r[4], r[5]]; }));
      var a = area(true, leftFor(params)), xd = extent(vals, 0.05, true);
      var x = linear(xd[0], xd[1], a.x0, a.x1), y = band(params, a.y1, a.y0);
      var fr = frame({ area: a, title: "Sensitivity of " + state.metric, x: x, y: y, xLabel: "index (95% bootstrap interval)", yLabel: "" });
      rows.forEach(function (r) {
        if (r[3] === null) return;
        var j = params.indexOf(r[1]), k = idx.indexOf(r[2]), h = y.step * 0.8 / idx.length;
        var top = y(j) - y.step * 0.4 + h * k, col = colour(k);
        var bar = sv("rect", { class: "mark bar", x: Math.min(x(0), x(r[3])), y: top + h * 0.1, width: Math.abs(x(r[3]) - x(0)), height: h * 0.8, fill: col }, fr.plot);
        if (r[4] !== null) sv("line", { class: "ci", x1: x(r[4]), x2: x(r[5]), y1: top + h / 2, y2: top + h / 2, stroke: "var(--ink)" }, fr.plot);
        hover(bar, r[1] + "\n" + sens.indices[k][1] + ": " + sig4(r[3]) + "  [" + sig4(r[4]) + ", " + sig4(r[5]) + "]");
      });
      f.host.appendChild(fr.svg);
      legend(f, "", sens.indices.map(function (i, k) { return [i[1], colour(k)]; }));
    }
    f.note.textContent = "The same numbers are in sensitivity.csv.";
    redraw();
  }

  // A sortable table: columns [label, numeric]; rows of [text, sort value].
  function table(parent, columns, rows, limit) {
    var wrap = el("div", { class: "tablewrap" }), t = el("table", { class: "data" }), head = el("tr"), body = el("tbody");
    var shown = Math.min(rows.length, limit || rows.length), order = rows.slice();
    columns.forEach(function (c, i) {
      var th = el("th", { scope: "col", tabindex: "0", text: c[0], "aria-sort": "none" });
      var sort = function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        head.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
        order.sort(function (a, b) { return dir * compare(a[i][1], b[i][1]); });
        fill();
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
      head.appendChild(th);
    });
    function fill() {
      body.textContent = "";
      order.slice(0, shown).forEach(function (r) {
        var tr = el("tr");
        r.forEach(function (cell, i) {
          var td = el("td", { text: cell[0], class: columns[i][1] ? "num" : (columns[i][2] || "") });
          if (cell[2]) td.title = cell[2];
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    t.appendChild(el("thead", {}, head)); t.appendChild(body); wrap.appendChild(t);
    parent.appendChild(wrap);
    if (shown < rows.length) {
      var more = el("button", { type: "button", text: "show all " + rows.length + " rows" });
      more.addEventListener("click", function () { shown = rows.length; fill(); more.remove(); });
      parent.appendChild(el("p", { class: "note", text: "The first " + shown + " rows; sorting sorts every row. " }, more));
    }
    fill();
  }
  function compare(a, b) {
    var na = a === null || a === undefined || (typeof a === "number" && !isFinite(a));
    var nb = b === null || b === undefined || (typeof b === "number" && !isFinite(b));
    if (na || nb) return na === nb ? 0 : na ? 1 : -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  // ---- The page ----
  function header() {
    var h = el("header"), left = el("div");
    left.appendChild(el("h1", { text: (data.kind === "run" ? "Run: " : "Sweep: ") + data.title }));
    if (data.question) left.appendChild(el("p", { class: "question", text: data.question }));
    var dl = el("dl", { class: "facts" });
    data.facts.forEach(function (f) { dl.appendChild(el("dt", { text: f[0] })); dl.appendChild(el("dd", { text: f[1] })); });
    left.appendChild(dl);
    h.appendChild(left);
    h.appendChild(themeButton());
    root.appendChild(h);
  }
  function themeButton() {
    var modes = ["auto", "light", "dark"], b = el("button", { type: "button", "aria-label": "colour theme" });
    var mode = "auto";
    try { mode = localStorage.getItem("lamas-report-theme") || "auto"; } catch (e) { mode = "auto"; }
    function apply() {
      if (mode === "auto") delete document.documentElement.dataset.theme;
      else document.documentElement.dataset.theme = mode;
      b.textContent = "theme: " + mode;
    }
    b.addEventListener("click", function () {
      mode = modes[(modes.indexOf(mode) + 1) % modes.length];
      try { localStorage.setItem("lamas-report-theme", mode); } catch (e) { /* a page opened from a file may have no storage */ }
      apply();
    });
    apply();
    return b;
  }
  function section(title) {
    root.appendChild(el("h2", { text: title }));
    var s = el("section");
    root.appendChild(s);
    return s;
  }
  function pre(parent, label, text, open) {
    var d = el("details", {}, el("summary", { text: label }), el("pre", { text: text }));
    if (open) d.open = true;
    parent.appendChild(d);
  }

  function runPage() {
    header();
    var s = section("Headline metrics"), groups = el("div", { class: "groups" });
    data.groups.forEach(function (g) {
      var card = el("div", { class: "card" }), t = el("table");
      card.appendChild(el("h3", { text: g.title }));
      g.rows.forEach(function (r) {
        var name = el("td", { class: "name", text: r.name });
        if (r.meaning) name.appendChild(el("span", { class: "meaning", text: r.meaning }));
        t.appendChild(el("tr", {}, name, el("td", { class: "value", text: r.text })));
      });
      card.appendChild(t);
      groups.appendChild(card);
    });
    s.appendChild(groups);
    var every = el("details", {}, el("summary", { text: "every metric (" + data.every.length + ")" }));
    table(every, [["metric", false], ["value", true]], data.every.map(function (r) { return [[r[0], r[0]], [r[1], Number(r[1])]]; }));
    s.appendChild(every);
    var c = section("Over time"), grid = el("div", { class: "charts" });
    c.appendChild(grid);
    data.charts.forEach(function (ch) { seriesChart(grid, ch); });
    c.appendChild(el("p", { class: "note", text: "Drag over a chart to zoom, double-click or 'reset zoom' to return." }));
    var sc = section("Scenario as resolved");
    pre(sc, "every parameter, defaults filled in and overrides applied", data.scenario);
    pre(section("Manifest"), "manifest.json", data.manifest);
  }

  function sweepPage() {
    header();
    var a = section("Axes");
    table(a, [["key", false], ["values", false]], data.keys.map(function (k) {
      var v = k.values ? k.values.join(", ") : k.range || "";
      return [[k.key, k.key], [v, v]];
    }));
    if (data.plots.length) {
      var p = section("Plots"), grid = el("div", { class: "charts" });
      p.appendChild(grid);
      data.plots.forEach(function (spec) {
        if (spec.kind === "heatmap") heatmap(grid, spec);
        else if (spec.kind === "shares") sharesChart(grid, spec);
        else cellChart(grid, spec);
      });
      p.appendChild(el("p", { class: "note", text: "Hover a mark for its cell and interval; drag to zoom, double-click to reset." }));
    }
    if (data.sensitivity) indicesChart(section("Sensitivity"));
    explorer(section("Explore"));
    var t = section("Summary");
    var cols = data.keys.map(function (k) { return [k.key, k.numeric]; }).concat(data.metrics.map(function (m) { return [m, true]; }));
    table(t, cols, data.cells.map(function (c) {
      var params = c.params.map(function (v) { return [typeof v === "number" ? sig4(v) : String(v), v]; });
      var stats = c.stats.map(function (s) { return [s ? sig4(s[0]) : "n/a", s ? s[0] : null, s ? "95% interval [" + sig4(s[1]) + ", " + sig4(s[2]) + "]" : ""]; });
      return params.concat(stats);
    }), 500);
    t.appendChild(el("p", { class: "note", text: "Mean over the replicates of each cell; hover a value for its 95% interval. Click a heading to sort." }));
    var f = section("Failed runs");
    if (!data.failed.length) f.appendChild(el("p", { text: "No run failed." + (data.missing ? " " + data.missing + " run(s) are missing." : "") }));
    else table(f, [["cell", true], ["values", false], ["replicate", true], ["seed", false], ["error", false, "error"]], data.failed.map(function (r) {
      return [[String(r.cell), r.cell], [r.params, r.params], [String(r.replicate), r.replicate], [r.seed, r.seed], [r.error || "", r.error || ""]];
    }));
    pre(section("Manifest"), "manifest.json", data.manifest);
  }

  if (data.kind === "run") runPage(); else sweepPage();
  root.appendChild(el("footer", { text: "Written by lamas " + (document.querySelector("meta[name=generator]") || { content: "" }).content.replace("lamas ", "") + ". The numbers are those of the files beside this page." }));
})();
