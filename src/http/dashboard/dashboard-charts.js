// Charts for the gd-indicators dashboard, drawn as SVG in the page from the API's JSON: no
// library, nothing fetched. A chart is drawn at the width it is shown at (one SVG unit is one
// CSS pixel), so its text keeps its size on a phone; the page draws it again when that width
// changes. Bars follow a figure's bounds, as the API gives them, so that a lower bound never
// looks like an amount: "at least" and "over" are a solid bar up to the bound that fades into
// an open arrow, "about" and "nearly" carry a band over their range, "less than" is an outline
// up to its upper bound, and only an exact figure is a plain bar.
"use strict";

const GdCharts = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  // Text sizes in CSS pixels; the test holds every chart text to at least 11.
  const TEXT = 12;
  const SMALL = 11;
  const LINE = 16;
  const BAR = 18;
  const ROW_GAP = 10;
  const PAD = 8;
  // An average glyph at TEXT px, for wrapping labels; generous, so text never runs out.
  const GLYPH = 6.8;

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  /** Words broken into lines of at most `width` pixels. */
  function wrap(text, width) {
    const perLine = Math.max(8, Math.floor(width / GLYPH));
    const lines = [];
    let line = "";
    for (const word of String(text).split(/\s+/)) {
      if (line && (line.length + 1 + word.length) > perLine) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  /** A round step for about `count` ticks up to `max`. */
  function niceStep(max, count) {
    const raw = max / count;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
    return step || power * 10;
  }

  let chartCount = 0;

  /** The frame every chart shares: a labelled image whose text a screen reader gets once. */
  function frame(width, height, label) {
    chartCount += 1;
    return svg("svg", {
      xmlns: SVG,
      class: "chart-svg",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": label,
      "data-chart-id": `chart-${chartCount}`,
    });
  }

  /**
   * Horizontal bars, one a row, each with its label and stated amount above it.
   * rows: [{ label, text, value, lower, upper, figure }]: amounts in plain units (yuan,
   * count...), `lower`/`upper` the bounds ({ value, inclusive } or null) in the same units.
   * tick(value) words an axis value.
   */
  function rangeBars({ rows, width, label, tick }) {
    const inner = width - 2 * PAD;
    const laidOut = rows.map((row) => {
      const both = `${row.label} — ${row.text}`;
      const lines = both.length * GLYPH <= inner ? null : wrap(row.label, inner);
      return { ...row, lines, height: (lines ? lines.length + 1 : 1) * LINE + BAR + ROW_GAP };
    });
    const top = Math.max(...rows.map((r) => (r.upper ? r.upper.value : Math.max(r.lower ? r.lower.value : 0, r.value))));
    const openEnded = rows.some((r) => r.lower && !r.upper && r.lower.value >= top * 0.8);
    const reach = (openEnded ? top * 1.3 : top) || 1;
    const step = niceStep(reach, Math.max(2, Math.min(5, Math.floor(inner / 90))));
    const max = Math.ceil(reach / step - 1e-9) * step;
    const x = (value) => PAD + (Math.max(0, value) / max) * inner;
    const axisHeight = LINE + 6;
    const height = laidOut.reduce((sum, r) => sum + r.height, 0) + axisHeight + PAD;
    const chart = frame(width, height, label);
    chart.append(svg("defs", {},
      svg("linearGradient", { id: `fade-${chartCount}`, x1: 0, x2: 1, y1: 0, y2: 0 },
        svg("stop", { offset: "0", "stop-color": "#1f5fa8", "stop-opacity": "0.45" }),
        svg("stop", { offset: "1", "stop-color": "#1f5fa8", "stop-opacity": "0.04" }))));
    const fade = `url(#fade-${chartCount})`;
    const plotBottom = height - axisHeight - PAD;
    for (let t = 0; t <= max + 1e-9; t += step) {
      chart.append(svg("line", { x1: x(t), x2: x(t), y1: PAD, y2: plotBottom, class: "grid" }));
      const anchor = t === 0 ? "start" : (x(t) > width - 40 ? "end" : "middle");
      chart.append(svg("text", { x: x(t), y: plotBottom + LINE, "font-size": SMALL, "text-anchor": anchor, class: "tick" }, tick(t)));
    }
    let y = PAD;
    for (const row of laidOut) {
      const group = svg("g", { "data-chart-figure": row.figure || null });
      if (row.lines) {
        row.lines.forEach((line, index) => group.append(svg("text", { x: PAD, y: y + (index + 1) * LINE - 4, "font-size": TEXT, class: "label" }, line)));
        group.append(svg("text", { x: PAD, y: y + (row.lines.length + 1) * LINE - 4, "font-size": TEXT, class: "amount" }, row.text));
      } else {
        group.append(svg("text", { x: PAD, y: y + LINE - 4, "font-size": TEXT, class: "label" }, row.label));
        group.append(svg("text", { x: width - PAD, y: y + LINE - 4, "font-size": TEXT, "text-anchor": "end", class: "amount" }, row.text));
      }
      const barTop = y + (row.lines ? row.lines.length + 1 : 1) * LINE;
      const lower = row.lower ? row.lower.value : null;
      const upper = row.upper ? row.upper.value : null;
      if (lower !== null && upper !== null && lower === upper) {
        group.append(svg("rect", { x: PAD, y: barTop, width: x(lower) - PAD, height: BAR, class: "bar" }));
      } else if (lower !== null && upper === null) {
        // A lower bound: solid up to it, then open towards the end of the axis.
        group.append(svg("rect", { x: PAD, y: barTop, width: x(lower) - PAD, height: BAR, class: "bar" }));
        group.append(svg("rect", { x: x(lower), y: barTop, width: x(max) - x(lower), height: BAR, fill: fade, class: "open" }));
        const tip = x(max);
        group.append(svg("path", { d: `M${tip - 9},${barTop + 2} L${tip - 1},${barTop + BAR / 2} L${tip - 9},${barTop + BAR - 2}`, class: "arrow" }));
      } else if (lower === null && upper !== null) {
        // An upper bound only: an outline, nothing filled.
        group.append(svg("rect", { x: PAD + 0.75, y: barTop + 0.75, width: Math.max(2, x(upper) - PAD - 1.5), height: BAR - 1.5, class: "outline" }));
      } else if (lower !== null && upper !== null) {
        group.append(svg("rect", { x: PAD, y: barTop, width: x(lower) - PAD, height: BAR, class: "bar" }));
        group.append(svg("rect", { x: x(lower), y: barTop, width: Math.max(1, x(upper) - x(lower)), height: BAR, class: "band" }));
        group.append(svg("line", { x1: x(row.value), x2: x(row.value), y1: barTop - 3, y2: barTop + BAR + 3, class: "point" }));
      }
      chart.append(group);
      y += row.height;
    }
    chart.append(svg("line", { x1: PAD, x2: PAD + inner, y1: plotBottom, y2: plotBottom, class: "axis" }));
    return chart;
  }

  /**
   * A line through dated points: points [{ x: year, y, label, figure }], y in plain units.
   * tick(value) words an axis value.
   */
  function line({ points, width, label, tick }) {
    const left = 64;
    const height = 220;
    const bottom = height - LINE - PAD - 4;
    const years = points.map((p) => p.x);
    const low = Math.min(...years);
    const high = Math.max(...years);
    const values = points.map((p) => p.y);
    const minY = Math.min(0, ...values);
    const maxY = Math.max(...values);
    const step = niceStep((maxY - minY) || 1, 4);
    const top = Math.ceil(maxY / step) * step || step;
    const floor = Math.floor(minY / step) * step;
    const x = (year) => left + ((year - low) / ((high - low) || 1)) * (width - left - PAD - 8);
    const y = (value) => bottom - ((value - floor) / ((top - floor) || 1)) * (bottom - PAD - 4);
    const chart = frame(width, height, label);
    for (let t = floor; t <= top + 1e-9; t += step) {
      chart.append(svg("line", { x1: left, x2: width - PAD, y1: y(t), y2: y(t), class: "grid" }));
      chart.append(svg("text", { x: left - 6, y: y(t) + 4, "font-size": SMALL, "text-anchor": "end", class: "tick" }, tick(t)));
    }
    const every = Math.max(1, Math.ceil(points.length / Math.floor((width - left) / 48)));
    points.forEach((p, index) => {
      if (index % every === 0 || index === points.length - 1) {
        chart.append(svg("text", { x: x(p.x), y: height - PAD, "font-size": SMALL, "text-anchor": "middle", class: "tick" }, String(p.x)));
      }
    });
    chart.append(svg("polyline", { points: points.map((p) => `${x(p.x)},${y(p.y)}`).join(" "), class: "trend" }));
    for (const p of points) {
      chart.append(svg("circle", { cx: x(p.x), cy: y(p.y), r: 3.5, class: "dot", "data-chart-figure": p.figure || null },
        svg("title", {}, p.label)));
    }
    chart.append(svg("line", { x1: left, x2: width - PAD, y1: bottom, y2: bottom, class: "axis" }));
    return chart;
  }

  return { rangeBars, line };
})();
