// The gd-indicators dashboard: every figure on the page is read from the API when it loads.
// No framework, no build step; charts come from dashboard-charts.js. Each figure has one home on
// the page, an element whose id is the figure's id (so `/#figure-id` links to it), and every
// section loads on its own: a failure or a slow answer is said in that section only.
//
// When everything has settled, <body data-ready="true"> is set, with data-fetch-errors counting
// the parts that could not be loaded; <html data-js-errors> counts uncaught errors and unhandled
// rejections. The browser test reads all three; data-generation counts the loads, which a change
// of currency or scale starts again.
"use strict";

// Counted before anything else runs, so that even a failure below is seen.
document.documentElement.dataset.jsErrors = "0";
function countScriptError(message) {
  const root = document.documentElement;
  root.dataset.jsErrors = String(Number(root.dataset.jsErrors) + 1);
  showStatus(`The page failed while running: ${message}`, true);
}
window.addEventListener("error", (event) => countScriptError(event.message || "script error"));
window.addEventListener("unhandledrejection", (event) =>
  countScriptError(String(event.reason && event.reason.message ? event.reason.message : event.reason)));

// The page this dashboard presents; other sources (such as the synthetic figures of
// `gd-indicators generate`) are left out of the sections, but not out of the line charts.
const ARTICLE = { publication: "China Daily", page: "GD Today" };
// Largest page the API serves; lists longer than that are followed through links.next.
const PAGE_LIMIT = 1000;
// A section says the API is slow after this long, and gives up after the second.
const SLOW_AFTER_MS = 3000;
const GIVE_UP_AFTER_MS = 30000;
const CURRENCIES = ["CNY", "USD"];
const SCALES = ["unit", "thousand", "million", "billion", "trillion"];
const SCALE_FACTOR = { unit: 1, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

const QUALIFIER_WORDS = {
  exact: "exact",
  at_least: "at least",
  over: "over",
  about: "about",
  nearly: "nearly",
  less_than: "less than",
  indeterminate: "one-sided",
};
const SCALE_WORDS = { unit: "", thousand: "thousand", million: "million", billion: "billion", trillion: "trillion" };
const UNIT_WORDS = {
  cny: "yuan",
  usd: "US dollars",
  count: "count",
  percent: "percent",
  percentage_points: "percentage points",
  hectares: "hectares",
  years: "years",
  rank: "rank",
};
const NUMBER = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const RATE = new Intl.NumberFormat("en", { maximumFractionDigits: 4 });

// ---- Settings: currency and scale, kept in the URL ---------------------------------------

const settings = { currency: "", scale: "" };

function readSettings() {
  const query = new URLSearchParams(location.search);
  const currency = (query.get("currency") || "").toUpperCase();
  const scale = (query.get("scale") || "").toLowerCase();
  settings.currency = CURRENCIES.includes(currency) ? currency : "";
  settings.scale = SCALES.includes(scale) ? scale : "";
}

/** `path` with the currency and scale asked for; only for endpoints that take them. */
function money(path) {
  const extra = [];
  if (settings.currency) {
    extra.push(`currency=${settings.currency}`);
  }
  if (settings.scale) {
    extra.push(`scale=${settings.scale}`);
  }
  if (extra.length === 0) {
    return path;
  }
  return `${path}${path.includes("?") ? "&" : "?"}${extra.join("&")}`;
}

function moneyWords() {
  const currency = { "": "money as printed", CNY: "money in yuan", USD: "money in US dollars" }[settings.currency];
  return settings.scale ? `${currency}, in ${settings.scale === "unit" ? "units" : `${settings.scale}s`}` : currency;
}

// ---- DOM helpers -------------------------------------------------------------------------

/** An element with attributes (`class`, `data-*`, ...) and children (nodes or strings). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== "") {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** Text with the API's `<mark>` highlights as <mark> elements; nothing else becomes markup. */
function marked(text) {
  const nodes = [];
  String(text).split(/(<mark>.*?<\/mark>)/).forEach((part) => {
    const match = /^<mark>(.*)<\/mark>$/.exec(part);
    if (match) {
      nodes.push(el("mark", {}, match[1]));
    } else if (part) {
      nodes.push(part);
    }
  });
  return nodes;
}

function showStatus(message, isError) {
  const status = document.getElementById("status");
  if (!status) {
    return;
  }
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
  status.setAttribute("role", isError ? "alert" : "status");
}

function errorMessage(what, error) {
  return el("p", { class: "error", role: "alert" }, `Could not load ${what}: ${error.message}`);
}

/** "(CSV · JSON)" links to the data a section shows. */
function dataLinks(links) {
  return el("p", { class: "data-links" }, "The data: ", links.map((link, index) => [
    index > 0 ? " · " : null,
    el("a", { href: link.href, "data-format": link.format }, link.label),
  ]));
}

function csvAndJson(what, path) {
  const csv = `${path}${path.includes("?") ? "&" : "?"}format=csv`;
  return [
    { label: `${what} as CSV`, href: csv, format: "csv" },
    { label: `${what} as JSON`, href: path, format: "json" },
  ];
}

// ---- API access --------------------------------------------------------------------------

/** GETs a JSON resource; a non-2xx answer, no answer or a late one throws, saying which. */
async function getJson(path) {
  let response;
  try {
    response = await fetch(path, {
      headers: { Accept: "application/json" },
      // Revalidated every time (a 304 when nothing changed), so a reload after an import
      // shows it rather than what the browser kept for max-age.
      cache: "no-cache",
      signal: AbortSignal.timeout(GIVE_UP_AFTER_MS),
    });
  } catch (error) {
    if (error.name === "TimeoutError") {
      throw new Error(`${path}: the API did not answer within ${GIVE_UP_AFTER_MS / 1000} s`);
    }
    throw new Error(`${path}: the server could not be reached (${error.message})`);
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (_) {
      // Not a problem document: the status line is all there is.
    }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

/** Every item of a list, following links.next. */
async function getAll(path) {
  const items = [];
  let next = `${path}${path.includes("?") ? "&" : "?"}limit=${PAGE_LIMIT}`;
  while (next) {
    const page = await getJson(next);
    items.push(...page.data);
    next = page.links && page.links.next;
  }
  return items;
}

// What several sections need, read once per load.
let shared = new Map();
function once(key, load) {
  if (!shared.has(key)) {
    const promise = load();
    promise.catch(() => {
      // Each section that needs it says so.
    });
    shared.set(key, promise);
  }
  return shared.get(key);
}

function articleSources() {
  return once("sources", async () => {
    const article = (await getAll("/v1/sources"))
      .filter((s) => s.publication === ARTICLE.publication && s.page === ARTICLE.page);
    if (article.length === 0) {
      throw new Error(`the API lists no story of ${ARTICLE.publication}, ${ARTICLE.page}`);
    }
    return article;
  });
}

async function articleSourceIds() {
  return (await articleSources()).map((s) => s.id);
}

function consistencyReport() {
  return once("consistency", () => getJson("/v1/consistency"));
}

function derivedFigures() {
  return once("derived", () => getAll(money("/v1/derived")));
}

function indicatorCatalogue() {
  return once("indicators", () => getAll("/v1/indicators"));
}

function fromArticle(ids) {
  const set = new Set(ids);
  return (figure) => set.has(figure.provenance.source.id);
}

// ---- Words for figures -------------------------------------------------------------------

/** "1.1 trillion yuan", "25%", "No. 1": the value with its scale and unit. */
function amount(figure) {
  return amountOf(figure.value, figure.scale, figure.unit);
}

function amountOf(value, scale, unit) {
  const number = NUMBER.format(value);
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
  return el("p", { class: "conversion" },
    `Converted from ${amountOf(c.stated_value, c.stated_scale, c.stated_unit)} at ${RATE.format(c.cny_per_usd)} yuan per US dollar (${c.rate_method}).`);
}

/** Where the figure was printed: story, section, speaker, and any source it cites. */
function provenance(figure) {
  const p = figure.provenance;
  return el("p", { class: "provenance" },
    "From ", el("a", { href: `#source-${p.source.id}` }, `“${p.source.headline}”`),
    p.section ? `, ${p.section}` : null,
    p.speaker ? ["; said by ", el("a", { href: `#speaker-${p.speaker.id}` }, p.speaker.name), `, ${p.speaker.title}`] : null,
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
    el("span", { class: "region" }, figure.region.name));
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
      el("h3", {}, group[0].indicator.name),
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

// ---- Sections ----------------------------------------------------------------------------

async function topicFigures(topic) {
  const ids = await articleSourceIds();
  return getAll(money(`/v1/observations?topic=${topic}&source=${ids.join(",")}`));
}

function topicLinks(topic) {
  return async () => {
    const ids = await articleSourceIds();
    return csvAndJson("Figures", money(`/v1/observations?topic=${topic}&source=${ids.join(",")}`));
  };
}

async function loadIndustry() {
  const groups = await getAll(money("/v1/cluster-groups?kind=trillion_yuan_industrial"));
  if (groups.length === 0) {
    throw new Error("the API lists no trillion-yuan cluster group");
  }
  const isArticle = fromArticle(await articleSourceIds());
  const nodes = [];
  for (const group of groups) {
    const clusters = await getAll(money(`/v1/clusters?group=${encodeURIComponent(group.id)}`));
    const figures = group.figures.filter(isArticle);
    const { also } = arrange(figures);
    const revenue = (cluster) => cluster.figures.filter(isArticle).filter((f) => !f.equivalent_of && !f.restates);
    // The year each reached the mark first, then those the article gives no year for.
    const ordered = [...clusters].sort((a, b) => (a.reached_year || 9999) - (b.reached_year || 9999));
    const reached = (cluster) => (cluster.reached_year ? `reached the mark in ${cluster.reached_year}` : "year not stated");
    nodes.push(
      el("div", { class: "group", id: `group-${group.id}`, "data-cluster-group": group.id },
        el("p", { class: "section-note" }, `${group.name}: ${group.description}`),
        charts(barChart(
          "Operating revenue of each cluster, with the year it reached the trillion-yuan mark",
          ordered.flatMap((cluster) => revenue(cluster).map((figure) => ({ figure, label: `${cluster.name} (${reached(cluster)})` }))),
          "The article prints one revenue as an amount (new energy, 2024); the others are only known to be at least the mark.")),
        indicatorCards(figures.filter((f) => !f.cluster)),
        el("h3", { class: "subhead" }, "The clusters"),
        el("div", { class: "cards" }, ordered.map((cluster) =>
          el("article", { class: "card cluster", id: `cluster-${cluster.id}`, "data-cluster": cluster.id },
            el("h4", {}, cluster.name),
            el("p", { class: "reached" }, cluster.reached_year
              ? `Reached the trillion-yuan mark in ${cluster.reached_year}`
              : "Year it reached the trillion-yuan mark not stated"),
            revenue(cluster).map((figure) => figureBlock(figure, also(figure), figure.indicator.name)),
            revenue(cluster).length ? null : el("p", { class: "muted" }, "No figure stated."))))));
  }
  return {
    nodes,
    links: groups.flatMap((group) => [
      ...csvAndJson("Figures", money(`/v1/observations?cluster_group=${encodeURIComponent(group.id)}`)),
      { label: "Clusters as JSON", href: money(`/v1/clusters?group=${encodeURIComponent(group.id)}`), format: "json" },
    ]),
  };
}

async function loadGreaterBayArea() {
  const figures = await topicFigures("greater_bay_area");
  const lines = await seriesCharts(figures);
  return {
    nodes: [
      charts(
        barChart("The Bay Area's share of China", pick(figures, ["gba-share-of-national-land", "gba-share-of-national-population", "gba-share-of-national-economy"])
          .map((figure) => ({ figure, label: figure.indicator.name.replace(/^Share of national /i, "").replace(/ in the Greater Bay Area$/i, "") })),
        "Land, people and economy, as shares of the national totals."),
        barChart("Hengqin's GDP at the start and the end of the span", pick(figures, ["hengqin-gdp"])
          .map((figure) => ({ figure, label: shortPeriod(figure) })),
        "The article gives neither year; see the consistency report for the growth rate it prints."),
        ...lines),
      indicatorCards(figures),
    ],
    links: await topicLinks("greater_bay_area")(),
  };
}

async function loadPlainTopic(topic) {
  const figures = await topicFigures(topic);
  if (figures.length === 0) {
    return { nodes: [el("p", { class: "empty" }, "The API holds no figures on this topic.")], links: await topicLinks(topic)() };
  }
  return { nodes: [charts(...await seriesCharts(figures)), indicatorCards(figures)], links: await topicLinks(topic)() };
}

async function loadInnovation() {
  const figures = await topicFigures("innovation");
  const derived = await derivedFigures().catch(() => []);
  const previousPatents = derived.filter((f) => f.indicator.id === "invention-patents-granted");
  return {
    nodes: [
      charts(
        barChart("Growth of output and of invention patents", pick(figures, ["nev-output-growth", "industrial-robot-output-growth", "invention-patents-yoy-growth"])
          .map((figure) => ({ figure, label: `${figure.indicator.name} (${figure.period.label})` })),
        "Year-on-year growth."),
        barChart("Guangdong's share of China's output, 2024", pick(figures, ["nev-output-national-share", "industrial-robot-output-national-share"])
          .map((figure) => ({ figure, label: figure.indicator.name })),
        null),
        barChart("Invention patents granted, January to October", [...previousPatents, ...pick(figures, ["invention-patents-granted"])]
          .map((figure) => ({ figure, label: figure.derived_from ? `${figure.period.label}, implied by the growth` : figure.period.label })),
        "The earlier year is not printed: it is what 24.75% growth implies."),
        barChart("Value of registered technology contracts", pick(figures, ["technology-contract-value"])
          .map((figure) => ({ figure, label: figure.period.label })),
        "Both amounts are lower bounds (“over”)."),
        ...await seriesCharts(figures)),
      indicatorCards(figures),
    ],
    links: await topicLinks("innovation")(),
  };
}

async function loadMarine() {
  const figures = await topicFigures("marine_economy");
  const derived = await derivedFigures().catch(() => []);
  const national = derived.filter((f) => f.indicator.id === "marine-gdp");
  return {
    nodes: [
      charts(
        barChart("Guangdong's marine GDP and the national total it implies", [...pick(figures, ["marine-gdp"]), ...national]
          .map((figure) => ({ figure, label: figure.derived_from ? "China, implied by the share" : `Guangdong, ${figure.period.label}` })),
        "Over 2 trillion yuan and about a fifth of the national total: the national total is only known to be more than 8 trillion yuan."),
        ...await seriesCharts(figures)),
      indicatorCards(figures),
    ],
    links: await topicLinks("marine_economy")(),
  };
}

async function loadCompanies() {
  const companies = await getAll(money("/v1/companies"));
  const isArticle = fromArticle(await articleSourceIds());
  return {
    nodes: [el("div", { class: "cards" }, companies.map((company) => {
      const { primaries, also } = arrange(company.figures.filter(isArticle));
      return el("article", { class: "card company", id: `company-${company.id}`, "data-company": company.id },
        el("h3", {}, company.name),
        el("p", { class: "section-note" }, company.description),
        primaries.map((figure) => figureBlock(figure, also(figure), figure.indicator.name)),
        primaries.length ? null : el("p", { class: "muted" }, "The article states no figure for it."));
    }))],
    links: [...csvAndJson("Companies", money("/v1/companies")), ...csvAndJson("Their figures", money("/v1/observations?topic=companies"))],
  };
}

async function loadCityPlans() {
  const plans = await getAll(money("/v1/city-plans"));
  const isArticle = fromArticle(await articleSourceIds());
  const planned = plans.flatMap((plan) => plan.figures.filter(isArticle).map((figure) => ({ plan, figure })));
  const targets = ["strategic-cluster-count", "future-industry-count", "modern-service-industry-count", "agricultural-cluster-count"];
  const counted = targets.flatMap((id) => planned.filter((p) => p.figure.indicator.id === id));
  return {
    nodes: [
      charts(barChart("What each city plans: clusters and industries", counted
        .map(({ plan, figure }) => ({ figure, label: `${plan.city.name}: ${figure.indicator.name.toLowerCase()}` })),
      "Counts the mayors and party secretaries gave; none has a target year.")),
      el("div", { class: "plans" }, plans.map((plan) => {
        const { primaries, also } = arrange(plan.figures.filter(isArticle));
        return el("article", { class: "plan", id: `plan-${plan.id}`, "data-plan": plan.id, "data-city-plan": plan.id },
          el("h3", {}, plan.city.name),
          el("p", { class: "speaker" }, el("a", { href: `#speaker-${plan.speaker.id}` }, plan.speaker.name), `, ${plan.speaker.title}`),
          el("p", {}, plan.summary),
          plan.cluster_groups.length ? el("ul", { class: "groups" }, plan.cluster_groups.map((group) =>
            el("li", { "data-cluster-group": group.id }, group.name,
              group.clusters.length ? [": ", group.clusters.map((c, i) => [i > 0 ? ", " : null, el("span", { "data-cluster": c.id }, c.name)])] : null))) : null,
          el("div", { class: "cards plan-figures" }, primaries.map((figure) =>
            el("div", { class: "card" }, figureBlock(figure, also(figure), figure.indicator.name)))));
      })),
    ],
    links: [...csvAndJson("Plans", money("/v1/city-plans")), ...csvAndJson("Their figures", money(`/v1/observations?city_plan=${plans.map((p) => p.id).join(",")}`))],
  };
}

async function loadFacilities() {
  const facilities = await getAll("/v1/facilities");
  return {
    nodes: [el("div", { class: "table-wrap" }, el("table", {},
      el("caption", {}, "Laboratories, big-science facilities and innovation platforms the article names"),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, "Facility"),
        el("th", { scope: "col" }, "Kind"),
        el("th", { scope: "col" }, "Region"),
        el("th", { scope: "col" }, "Named by"))),
      el("tbody", {}, facilities.map((facility) => el("tr", { id: `facility-${facility.id}`, "data-facility": facility.id, tabindex: "-1" },
        el("th", { scope: "row" }, facility.name, el("span", { class: "row-note" }, facility.description)),
        el("td", { "data-label": "Kind" }, facility.kind.replaceAll("_", " ")),
        el("td", { "data-label": "Region" }, facility.region.name),
        el("td", { "data-label": "Named by" }, facility.speaker
          ? el("a", { href: `#speaker-${facility.speaker.id}` }, facility.speaker.name) : "—",
        facility.source ? [" in ", el("a", { href: `#source-${facility.source.id}` }, `“${facility.source.name}”`)] : null))))))],
    links: csvAndJson("Facilities", "/v1/facilities"),
  };
}

async function loadSpeakers() {
  const speakers = await getAll("/v1/speakers");
  return {
    nodes: [el("div", { class: "table-wrap" }, el("table", {},
      el("caption", {}, "Who the article quotes, and how many figures each gave"),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, "Speaker"),
        el("th", { scope: "col" }, "Title"),
        el("th", { scope: "col" }, "Region"),
        el("th", { scope: "col" }, "Figures"))),
      el("tbody", {}, speakers.map((speaker) => el("tr", { id: `speaker-${speaker.id}`, "data-speaker": speaker.id, tabindex: "-1" },
        el("th", { scope: "row" }, speaker.name),
        el("td", { "data-label": "Title" }, `${speaker.title}, ${speaker.organisation}`),
        el("td", { "data-label": "Region" }, speaker.region.name),
        el("td", { "data-label": "Figures", class: "number" }, speaker.figure_count > 0
          ? el("a", { href: `#${firstFigureOf("speaker", speaker.id)}`, "data-first-of": speaker.id }, String(speaker.figure_count))
          : "0"))))))],
    links: csvAndJson("Speakers", "/v1/speakers"),
  };
}

/** The id of the first figure on the page with data-`kind`=`id`, once the page is drawn. */
function firstFigureOf(kind, id) {
  const found = document.querySelector(`[data-figure][data-${kind}="${CSS.escape(id)}"]`);
  return found ? found.id : `speaker-${id}`;
}

async function loadDerived() {
  const figures = await derivedFigures();
  return {
    nodes: [
      el("p", { class: "section-note" }, "Figures the article implies but does not print, worked out by the API from the ones it does; each names its inputs and its arithmetic."),
      el("div", { class: "cards" }, figures.map((figure) =>
        el("article", { class: "card derived" }, el("h3", {}, figure.stated), figureBlock(figure, [], null)))),
    ],
    links: csvAndJson("Derived figures", money("/v1/derived")),
  };
}

const VERDICT_WORDS = { consistent: "consistent", inconsistent: "inconsistent", unverifiable: "cannot be checked" };

async function loadConsistency() {
  const report = await consistencyReport();
  const s = report.summary;
  const rate = report.exchange_rate;
  const flagged = report.checks.filter((c) => c.verdict === "inconsistent");
  const figureLinks = (check) => check.figures.map((id, i) => [i > 0 ? ", " : null, el("a", { href: `#${id}` }, id)]);
  return {
    nodes: [
      el("p", { class: "summary" },
        `${s.checks} checks of the article against itself: `,
        el("strong", {}, `${s.inconsistent} inconsistent`), `, ${s.consistent} consistent, ${s.unverifiable} that the article gives too little to check.`),
      rate ? el("p", { class: "section-note" }, `Reference rate: ${RATE.format(rate.cny_per_usd)} yuan per US dollar, the ${rate.method}.`) : null,
      flagged.length ? el("div", { class: "cards" }, flagged.map((check) =>
        el("article", { class: "card flagged", id: `check-${check.id}`, "data-check": check.id, tabindex: "-1" },
          el("h3", {}, check.claim),
          el("p", {}, el("span", { class: "badge verdict-inconsistent" }, "inconsistent"), ` ${check.kind.replaceAll("_", " ")}`),
          el("p", { class: "arithmetic" }, check.explanation),
          el("p", { class: "provenance" }, "Figures: ", figureLinks(check))))) : null,
      el("div", { class: "table-wrap" }, el("table", { class: "checks" },
        el("caption", {}, "Every check"),
        el("thead", {}, el("tr", {},
          el("th", { scope: "col" }, "Check"),
          el("th", { scope: "col" }, "Verdict"),
          el("th", { scope: "col" }, "Arithmetic"),
          el("th", { scope: "col" }, "Figures"))),
        el("tbody", {}, report.checks.map((check) => el("tr", { "data-check-row": check.id, class: `row-${check.verdict}` },
          el("th", { scope: "row" }, check.claim),
          el("td", { "data-label": "Verdict" }, el("span", { class: `badge verdict-${check.verdict}` }, VERDICT_WORDS[check.verdict] || check.verdict)),
          el("td", { "data-label": "Arithmetic" }, check.explanation),
          el("td", { "data-label": "Figures" }, figureLinks(check))))))),
    ],
    links: [{ label: "The report as JSON (the API serves it as JSON only)", href: "/v1/consistency", format: "json" }],
  };
}

/** Warnings on the cards of the figures an inconsistent check names, opening its arithmetic. */
async function flagFigures() {
  const report = await consistencyReport();
  for (const check of report.checks.filter((c) => c.verdict === "inconsistent")) {
    for (const id of check.figures) {
      const home = document.getElementById(id);
      if (!home || !home.matches("[data-figure]")) {
        continue;
      }
      home.classList.add("flagged");
      home.append(el("details", { class: "warning", "data-warning": check.id },
        el("summary", {}, el("span", { "aria-hidden": "true" }, "⚠ "), `Inconsistent: ${check.claim}`),
        el("p", { class: "arithmetic" }, check.explanation),
        el("p", {}, el("a", { href: `#check-${check.id}` }, "The check in the consistency report"))));
    }
  }
}

async function loadSources() {
  const sources = await articleSources();
  return {
    nodes: [el("ul", { class: "sources" }, sources.map(citation))],
    links: csvAndJson("Sources", "/v1/sources"),
  };
}

/** A story cited by publication, headline, byline and date, and its public address if known:
 * never a stored file. */
function citation(source) {
  const headline = source.url
    ? el("a", { href: source.url, rel: "external" }, source.headline)
    : source.headline;
  const date = source.date || source.published;
  const publication = [source.publication, source.page].filter(Boolean).join(", ");
  return el("li", { id: `source-${source.id}`, "data-source": source.id, tabindex: "-1" },
    el("cite", {}, headline),
    el("p", { class: "byline" }, [source.byline ? `By ${source.byline}` : null, publication, date].filter(Boolean).join(" · ")),
    source.description ? el("p", { class: "section-note" }, source.description) : null,
    source.links && source.links.observations
      ? el("p", { class: "data-links" }, "Its figures: ",
        el("a", { href: `${source.links.observations}&format=csv` }, "CSV"), " · ",
        el("a", { href: source.links.observations }, "JSON"))
      : null);
}

// ---- Search, deep links and highlighting -------------------------------------------------

const ENTITY_PREFIX = { cluster: "cluster", company: "company", city_plan: "plan", facility: "facility", speaker: "speaker" };
const DATA_ATTRIBUTE = {
  indicator: "indicator",
  region: "region",
  cluster: "cluster",
  cluster_group: "cluster-group",
  speaker: "speaker",
  city_plan: "city-plan",
  company: "company",
  facility: "facility",
};

/** The element on the page that a hit is about: the entity's own block, else its first
 * figure, else the first element that names it; null when the page does not show it. */
function pageTarget(hit) {
  const prefix = ENTITY_PREFIX[hit.type];
  const own = prefix && document.getElementById(`${prefix}-${hit.id}`);
  if (own) {
    return own;
  }
  const attribute = DATA_ATTRIBUTE[hit.type];
  if (!attribute) {
    return null;
  }
  const value = CSS.escape(hit.id);
  return document.querySelector(`[data-figure][data-${attribute}="${value}"]`)
    || document.querySelector(`[data-${attribute}="${value}"][id]`)
    || document.querySelector(`[data-${attribute}="${value}"]`);
}

async function search(text) {
  const results = document.getElementById("search-results");
  results.replaceChildren(el("p", { class: "muted" }, `Searching for “${text}”…`));
  let hits;
  try {
    hits = (await getJson(`/v1/search?q=${encodeURIComponent(text)}&limit=20`)).data;
  } catch (error) {
    results.replaceChildren(el("p", { class: "error", role: "alert" }, `Search failed: ${error.message}`));
    throw error;
  }
  if (hits.length === 0) {
    results.replaceChildren(el("p", { class: "muted", "data-hits": "0" }, `Nothing found for “${text}”.`));
    return;
  }
  results.replaceChildren(
    el("p", { class: "muted", "data-hits": hits.length }, `${hits.length} result${hits.length === 1 ? "" : "s"} for “${text}”`),
    el("ol", { class: "hits" }, hits.map((hit) => {
      const target = pageTarget(hit);
      if (target && !target.id) {
        target.id = `${hit.type}-${hit.id}`.replaceAll("_", "-");
      }
      return el("li", { "data-hit": `${hit.type}:${hit.id}` },
        target
          ? el("a", { href: `#${target.id}`, "data-target": target.id }, marked(hit.title))
          : el("span", { class: "hit-title" }, marked(hit.title)),
        " ", el("span", { class: "kind" }, hit.type.replaceAll("_", " ")),
        " ", el("a", { href: hit.links.self, class: "json-link", "aria-label": `${hit.type.replaceAll("_", " ")} ${hit.id} as JSON` }, "JSON"),
        el("p", {}, marked(hit.snippet)));
    })));
}

function setUpSearch() {
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-input");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      return;
    }
    // The URL says what was searched, so that it can be shared or reloaded.
    const query = new URLSearchParams(location.search);
    query.set("q", text);
    history.replaceState(null, "", `?${query}${location.hash}`);
    search(text).catch(() => {
      // Already shown beside the search box.
    });
  });
}

/** Runs the search in `?q=`, if there is one; its failure is shown beside the search box. */
async function initialSearch() {
  const initial = new URLSearchParams(location.search).get("q");
  if (initial && initial.trim()) {
    document.getElementById("search-input").value = initial;
    await search(initial.trim()).catch(() => {});
  }
}

/** Brings the element `id` into view, marks it, and gives it the focus. */
function reveal(id) {
  const target = id && document.getElementById(id);
  if (!target) {
    return false;
  }
  for (let node = target.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") {
      node.open = true;
    }
  }
  document.querySelectorAll("[data-highlighted]").forEach((node) => node.removeAttribute("data-highlighted"));
  target.setAttribute("data-highlighted", "true");
  if (!target.hasAttribute("tabindex") && !target.matches("a, button, input, select, summary")) {
    target.setAttribute("tabindex", "-1");
  }
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
  return true;
}

function revealHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  return id ? reveal(id) : false;
}

function setUpLinks() {
  window.addEventListener("hashchange", revealHash);
  // A link to where the page already is fires no hashchange; reveal it all the same.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href^='#']");
    if (link && link.getAttribute("href") === location.hash) {
      event.preventDefault();
      revealHash();
    }
  });
}

// ---- Controls ----------------------------------------------------------------------------

function setUpDisplay() {
  const form = document.getElementById("display");
  for (const input of form.elements.currency) {
    input.checked = input.value === settings.currency;
  }
  form.elements.scale.value = settings.scale;
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", () => {
    settings.currency = form.elements.currency.value;
    settings.scale = form.elements.scale.value;
    const query = new URLSearchParams(location.search);
    for (const [name, value] of [["currency", settings.currency], ["scale", settings.scale]]) {
      if (value) {
        query.set(name, value);
      } else {
        query.delete(name);
      }
    }
    const search = query.toString();
    history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}${location.hash}`);
    load().catch((error) => showStatus(error.message, true));
  });
}

// ---- Start -------------------------------------------------------------------------------

const PARTS = [
  { id: "industry", what: "the industry clusters", load: loadIndustry },
  { id: "greater-bay-area", what: "the Greater Bay Area figures", load: loadGreaterBayArea },
  { id: "media", what: "the open day figures", load: () => loadPlainTopic("media") },
  { id: "talent", what: "the talent figures", load: () => loadPlainTopic("talent") },
  { id: "innovation", what: "the innovation figures", load: loadInnovation },
  { id: "companies", what: "the companies", load: loadCompanies },
  { id: "city-plans", what: "the city plans", load: loadCityPlans },
  { id: "marine-economy", what: "the marine economy figures", load: loadMarine },
  { id: "facilities", what: "the facilities", load: loadFacilities },
  { id: "speakers", what: "the speakers", load: loadSpeakers, after: ["industry", "greater-bay-area", "media", "talent", "innovation", "companies", "city-plans", "marine-economy"] },
  { id: "derived", what: "the derived figures", load: loadDerived },
  { id: "consistency", what: "the consistency report", load: loadConsistency },
  { id: "sources", what: "the sources", load: loadSources },
];

let generation = 0;

/** Loads one section into its slot: says when the API is slow, and shows a failure there. */
async function runPart(part, loaded, current) {
  const section = document.getElementById(part.id);
  const slot = section.querySelector(".slot");
  const notice = el("p", { class: "loading" }, `Loading ${part.what}…`);
  slot.replaceChildren(notice);
  section.setAttribute("aria-busy", "true");
  section.removeAttribute("data-failed");
  const slow = setTimeout(() => {
    notice.textContent = `The API is slow to answer; still waiting for ${part.what}…`;
    notice.classList.add("slow");
    section.dataset.slow = "true";
  }, SLOW_AFTER_MS);
  try {
    if (part.after) {
      await Promise.allSettled(part.after.map((id) => loaded.get(id)));
    }
    const { nodes, links } = await part.load();
    if (current !== generation) {
      return;
    }
    slot.replaceChildren(...nodes.filter(Boolean), dataLinks(links));
  } catch (error) {
    if (current === generation) {
      slot.replaceChildren(errorMessage(part.what, error));
      section.dataset.failed = "true";
    }
    throw error;
  } finally {
    clearTimeout(slow);
    section.removeAttribute("aria-busy");
    delete section.dataset.slow;
  }
}

/** Loads every section, as the settings ask, then runs `andThen`; resolves when all have
 * settled. */
async function load(andThen) {
  generation += 1;
  const current = generation;
  shared = new Map();
  drawnCharts = [];
  document.body.dataset.ready = "false";
  document.body.dataset.generation = String(current);
  showStatus(`Loading the figures from the API (${moneyWords()})…`, false);
  const loaded = new Map();
  for (const part of PARTS) {
    loaded.set(part.id, runPart(part, loaded, current));
  }
  const outcomes = await Promise.allSettled(loaded.values());
  if (current !== generation) {
    return;
  }
  drawCharts();
  const flags = await flagFigures().then(() => null, (error) => error);
  const failures = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason);
  if (flags && failures.length === 0) {
    failures.push(flags);
  }
  document.body.dataset.fetchErrors = String(failures.length);
  if (failures.length > 0) {
    const reasons = [...new Set(failures.map((f) => f.message))];
    showStatus(`${failures.length} part${failures.length === 1 ? "" : "s"} of the page could not be loaded: `
      + reasons.join("; "), true);
  } else if (Number(document.documentElement.dataset.jsErrors) === 0) {
    const shown = document.querySelectorAll("[data-figure]").length;
    showStatus(`${shown} figures from the API, ${moneyWords()}.`, false);
  }
  if (andThen) {
    await andThen();
  }
  document.body.dataset.ready = "true";
}

function watchWidth() {
  let width = document.documentElement.clientWidth;
  let pending = null;
  window.addEventListener("resize", () => {
    if (document.documentElement.clientWidth === width) {
      return;
    }
    width = document.documentElement.clientWidth;
    clearTimeout(pending);
    pending = setTimeout(drawCharts, 100);
  });
}

async function start() {
  readSettings();
  setUpDisplay();
  setUpLinks();
  setUpSearch();
  watchWidth();
  await load(async () => {
    await initialSearch();
    revealHash();
  });
}

start();
