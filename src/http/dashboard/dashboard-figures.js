// The gd-indicators dashboard: how a figure reads (its amount, qualifier badge, period, region,
// the words printed and where), the cards that hold figures, and the charts drawn from them
// (with dashboard-charts.js). Loaded after dashboard.js, whose helpers it uses.
"use strict";

// ---- Words for figures -------------------------------------------------------------------

/** "1.1 trillion yuan", "25%", "No. 1": the value with its scale and unit. */
function amount(figure) {
  return amountOf(figure.value, figure.scale, figure.unit);
}

function amountOf(value, scale, unit) {
  const number = formatNumber(value);
  const words = SCALE_WORDS[scale] || "";
  const scaled = words ? `${number} ${words}` : number;
  switch (unit) {
    case "cny":
      return `${scaled} yuan`;
    case "usd":
      return `US$${scaled}`;
    case "percent":
      return `${scaled}%`;
    case "rank":
      return `No. ${scaled}`;
    case "count":
      return scaled;
    default:
      return `${scaled} ${UNIT_WORDS[unit] || unit}`;
  }
}

/** An amount in plain units (yuan, count...) worded at the largest scale it reaches. */
function plainAmount(units, unit) {
  const scale = ["trillion", "billion", "million"].find((s) => Math.abs(units) >= SCALE_FACTOR[s] && unit !== "percent" && unit !== "percentage_points") || "unit";
  return amountOf(units / SCALE_FACTOR[scale], scale, unit);
}

function qualifierWords(figure) {
  return QUALIFIER_WORDS[figure.qualifier] || figure.qualifier.replaceAll("_", " ");
}

/** The qualifier as a badge; an exact figure says so too, quietly. */
function badge(figure) {
  return el("span", { class: `badge q-${figure.qualifier}` }, qualifierWords(figure));
}

/** The value, as the page shows it, with the raw number kept for machines. */
function valueNode(figure) {
  return el("span", { class: "value", "data-value": figure.value }, amount(figure));
}

function conversionNote(figure) {
  const c = figure.conversion;
  if (!c) {
    return null;
  }
  const printed = amountOf(c.stated_value, c.stated_scale, c.stated_unit);
  if (c.cny_per_usd === null || c.cny_per_usd === undefined) {
    return el("p", { class: "conversion" }, `Printed as ${printed}.`);
  }
  return el("p", { class: "conversion" },
    `Converted from ${printed} at ${RATE.format(c.cny_per_usd)} yuan per US dollar (${c.rate_method}).`);
}

/** Where the figure was printed: story, section, speaker, and any source it cites. */
function provenance(figure) {
  const p = figure.provenance;
  return el("p", { class: "provenance" },
    "From ", el("a", { href: `#source-${p.source.id}` }, `“${p.source.headline}”`),
    p.section ? `, ${p.section}` : null,
    p.speaker ? ["; said by ", el("a", { href: `#speaker-${p.speaker.id}` }, named(p.speaker.name, null)), `, ${p.speaker.title}`] : null,
    p.cited_source ? `; citing ${p.cited_source}` : null,
    ".");
}

/** A printed dollar equivalent or a repeat of `figure`, inside the figure's own block. */
function alsoPrinted(figure) {
  const how = figure.equivalent_of ? "Printed beside it as" : `Repeated in ${figure.provenance.section || "the article"} as`;
  return el("li", figureAttributes(figure, "also"),
    el("p", { class: "reading" }, `${how} `, badge(figure), " ", valueNode(figure)),
    conversionNote(figure),
    when(figure),
    el("blockquote", { class: "stated" }, `“${figure.stated}”`),
    provenance(figure));
}

function when(figure) {
  return el("p", { class: "when" },
    el("span", { class: "period" }, figure.period.label), " · ",
    el("span", { class: "region" }, named(figure.region.name, englishOf("region", figure.region.id))));
}

/** The attributes that make an element a figure's home: its id, and what search finds it by. */
function figureAttributes(figure, kind) {
  const speaker = figure.provenance.speaker;
  return {
    class: `figure ${kind}`,
    id: figure.id,
    tabindex: "-1",
    "data-figure": figure.id,
    "data-indicator": figure.indicator.id,
    "data-region": figure.region.id,
    "data-cluster": figure.cluster,
    "data-cluster-group": figure.cluster_group,
    "data-company": figure.company,
    "data-city-plan": figure.city_plan,
    "data-speaker": speaker ? speaker.id : null,
    "data-qualifier": figure.qualifier,
  };
}

/** One figure: qualifier and value, period and region, the words printed, where, and what was
 * printed beside it. `title` names it when the card is about something else (a company). */
function figureBlock(figure, also, title) {
  return el("div", figureAttributes(figure, "primary"),
    title ? el("h4", { class: "figure-title" }, title) : null,
    el("p", { class: "reading" }, badge(figure), " ", valueNode(figure)),
    conversionNote(figure),
    when(figure),
    el("blockquote", { class: "stated" }, `“${figure.stated}”`),
    figure.note ? el("p", { class: "note" }, figure.note) : null,
    figure.formula ? el("p", { class: "formula" }, "Arithmetic: ", el("code", {}, figure.formula)) : null,
    figure.derived_from ? el("p", { class: "derived-from" }, "From ",
      figure.derived_from.map((id, i) => [i > 0 ? " and " : null, el("a", { href: `#${id}` }, id)]), ".") : null,
    provenance(figure),
    also.length ? el("ul", { class: "also", "aria-label": "Also printed" }, also.map(alsoPrinted)) : null);
}

/** A figure's indicator, named in the language asked (for a card's title). */
function indicatorName(figure) {
  return named(figure.indicator.name, englishOf("indicator", figure.indicator.id));
}

/** The figures in their own right, each with the equivalents and repeats printed beside it. */
function arrange(figures) {
  const ids = new Set(figures.map((f) => f.id));
  const also = new Map();
  const primaries = [];
  for (const figure of figures) {
    const parent = figure.equivalent_of || figure.restates;
    if (parent && ids.has(parent)) {
      also.set(parent, [...(also.get(parent) || []), figure]);
    } else {
      primaries.push(figure);
    }
  }
  return { primaries, also: (figure) => also.get(figure.id) || [] };
}

/** Cards, one an indicator, each holding that indicator's figures; `kicker` names the part of
 * the article a card comes from. */
function indicatorCards(figures) {
  const { primaries, also } = arrange(figures);
  const byIndicator = new Map();
  for (const figure of primaries) {
    const key = `${figure.provenance.section}|${figure.indicator.id}`;
    byIndicator.set(key, [...(byIndicator.get(key) || []), figure]);
  }
  return el("div", { class: "cards" }, [...byIndicator.values()].map((group) =>
    el("article", { class: "card", "data-card-indicator": group[0].indicator.id },
      group[0].provenance.section ? el("p", { class: "kicker" }, group[0].provenance.section) : null,
      el("h3", {}, named(group[0].indicator.name, englishOf("indicator", group[0].indicator.id), true)),
      group.map((figure) => figureBlock(figure, also(figure))))));
}

// ---- Charts ------------------------------------------------------------------------------

// Every chart on the page, drawn again when its width changes.
let drawnCharts = [];

/** The bounds of a figure in plain units ({ value, inclusive } or null on an open side). */
function boundsInUnits(figure) {
  const factor = SCALE_FACTOR[figure.scale] || 1;
  const side = (bound) => (bound ? { value: bound.value * factor, inclusive: bound.inclusive } : null);
  return { lower: side(figure.bounds.lower), upper: side(figure.bounds.upper) };
}

/** "≥ 1 trillion yuan", "≈ 70.3 billion yuan", "< 1%": a figure's amount with its qualifier. */
function chartText(figure) {
  if (figure.qualifier === "indeterminate" && figure.bounds.lower && !figure.bounds.upper) {
    return `more than ${amountOf(figure.bounds.lower.value, figure.scale, figure.unit)}`;
  }
  const mark = { exact: "", at_least: "≥ ", over: "> ", about: "≈ ", nearly: "nearly ", less_than: "< " }[figure.qualifier] || "";
  return `${mark}${amount(figure)}`;
}

/**
 * A bar chart of like figures: `rows` are [{ figure, label }], all in one unit. The chart is a
 * <figure> whose SVG is drawn once it is in the page, at the width it gets there.
 */
function barChart(title, rows, note) {
  const usable = rows.filter((row) => row.figure && row.figure.bounds);
  const units = new Set(usable.map((row) => row.figure.unit));
  if (usable.length < 2 || units.size !== 1) {
    return null;
  }
  const unit = [...units][0];
  const container = el("figure", { class: "chart", "data-chart": title });
  const holder = el("div", { class: "chart-holder" });
  const description = usable.map((row) => `${row.label}: ${qualifierWords(row.figure)} ${amount(row.figure)}`).join("; ");
  container.append(el("figcaption", {}, el("strong", {}, title), note ? ` ${note}` : null), holder);
  const draw = () => {
    const width = Math.max(260, Math.floor(holder.clientWidth || 600));
    holder.replaceChildren(GdCharts.rangeBars({
      width,
      label: `${title}. ${description}.`,
      tick: (value) => plainAmount(value, unit),
      rows: usable.map((row) => {
        const bounds = boundsInUnits(row.figure);
        return {
          label: row.label,
          text: chartText(row.figure),
          value: row.figure.value_in_units,
          lower: bounds.lower,
          upper: bounds.upper,
          figure: row.figure.id,
        };
      }),
    }));
  };
  drawnCharts.push({ holder, draw });
  return container;
}

/** The part of a period label before its first remark: "end of a span of over 15 years". */
function shortPeriod(figure) {
  return figure.period.label.split(";")[0];
}

function charts(...figures) {
  const shown = figures.filter(Boolean);
  return shown.length ? el("div", { class: "charts" }, shown) : null;
}

function pick(figures, indicatorIds) {
  return indicatorIds.flatMap((id) => figures.filter((f) => f.indicator.id === id && !f.equivalent_of && !f.restates));
}

/**
 * Line charts for the series with three or more dated points (generated or imported data:
 * the article has none), with the API's transforms a click away.
 */
async function seriesCharts(figures) {
  const catalogue = await indicatorCatalogue().catch(() => []);
  const counts = new Map(catalogue.map((i) => [i.id, i.observation_count]));
  const candidates = [...new Map(figures.map((f) => [`${f.indicator.id}|${f.region.id}`, f])).values()]
    .filter((f) => (counts.get(f.indicator.id) || 0) >= 3 && !f.equivalent_of && !f.restates);
  const made = [];
  for (const figure of candidates) {
    const base = `/v1/indicators/${encodeURIComponent(figure.indicator.id)}/observations?region=${encodeURIComponent(figure.region.id)}`;
    const points = datedPoints(await getAll(money(base)), figure.unit);
    if (points.length >= 3) {
      made.push(lineChart(figure, base, points));
    }
  }
  return made;
}

/** One point a year start, in one unit, from figures in their own right. */
function datedPoints(series, unit) {
  return series
    .filter((f) => f.unit === unit && !f.equivalent_of && !f.restates && f.period.start && /^\d{4}/.test(f.period.start))
    .map((f) => ({ x: Number(f.period.start.slice(0, 4)), y: f.value_in_units, label: `${f.period.label}: ${qualifierWords(f)} ${amount(f)}`, figure: f.id, unit: f.unit }))
    .sort((a, b) => a.x - b.x);
}

function lineChart(figure, base, levelPoints) {
  const title = `${figure.indicator.name}, ${figure.region.name}`;
  const container = el("figure", { class: "chart", "data-chart": title, "data-series": figure.indicator.id });
  const holder = el("div", { class: "chart-holder" });
  const transforms = [["level", "Level"], ["change", "Change"], ["pct_change", "% change"], ["cagr", "CAGR"]];
  let points = levelPoints;
  const status = el("p", { class: "chart-status", role: "status" });
  const buttons = transforms.map(([transform, words]) => {
    const button = el("button", { type: "button", "data-transform": transform, "aria-pressed": transform === "level" ? "true" : "false" }, words);
    button.addEventListener("click", () => {
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      status.textContent = "Loading…";
      getAll(money(`${base}&transform=${transform}`)).then((series) => {
        points = datedPoints(series, series[0] ? series[0].unit : figure.unit);
        status.textContent = points.length ? "" : "The API gives no such points for this series.";
        draw();
      }).catch((error) => {
        status.textContent = `Could not load the ${words.toLowerCase()}: ${error.message}`;
      });
    });
    return button;
  });
  const draw = () => {
    const width = Math.max(260, Math.floor(holder.clientWidth || 600));
    if (points.length === 0) {
      holder.replaceChildren();
      return;
    }
    const unit = points[0].unit;
    holder.replaceChildren(GdCharts.line({
      width,
      points,
      label: `${title}: ${points.map((p) => p.label).join("; ")}.`,
      tick: (value) => plainAmount(value, unit),
    }));
  };
  drawnCharts.push({ holder, draw });
  container.append(
    el("figcaption", {}, el("strong", {}, title)),
    el("div", { class: "transforms", role: "group", "aria-label": "Transform" }, buttons),
    holder, status);
  return container;
}

function drawCharts() {
  drawnCharts = drawnCharts.filter(({ holder }) => holder.isConnected);
  for (const chart of drawnCharts) {
    chart.draw();
  }
}
