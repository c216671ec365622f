// The gd-indicators dashboard: every figure on the page is read from the API when it loads.
// No framework, no build step. When everything has settled, <body data-ready="true"> is set,
// with data-fetch-errors counting the parts that could not be loaded; <html data-js-errors>
// counts uncaught errors and unhandled rejections. The browser test reads all three.
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
// `gd-indicators generate`) are left out.
const ARTICLE = { publication: "China Daily", page: "GD Today" };
// Largest page the API serves; lists longer than that are followed through links.next.
const PAGE_LIMIT = 1000;

const QUALIFIER_WORDS = {
  exact: "exact",
  at_least: "at least",
  over: "over",
  about: "about",
  nearly: "nearly",
  less_than: "less than",
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
// Pixels asked of the chart endpoint: about the width a chart gets on the page, so that its
// text is not scaled down much.
const CHART_WIDTH = 640;
const CHART_HEIGHT = 440;
const NUMBER = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

// ---- DOM helpers -------------------------------------------------------------------------

/** An element with attributes (`class`, `data-*`, ...) and children (nodes or strings). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
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

function slot(sectionId) {
  return document.querySelector(`#${sectionId} .slot`);
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

// ---- API access --------------------------------------------------------------------------

/** GETs a JSON resource; a non-2xx answer throws with the problem's detail. */
async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" } });
  } catch (error) {
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

// ---- Figures -----------------------------------------------------------------------------

/** A figure stated in its own right: not a printed dollar equivalent, not a repeat. */
function isStated(figure) {
  return !figure.equivalent_of && !figure.restates;
}

/** "1.1 trillion yuan", "25%", "No. 1": the value with its scale and unit. */
function amount(figure) {
  const number = NUMBER.format(figure.value);
  const scale = SCALE_WORDS[figure.scale] || "";
  const scaled = scale ? `${number} ${scale}` : number;
  switch (figure.unit) {
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
      return `${scaled} ${UNIT_WORDS[figure.unit] || figure.unit}`;
  }
}

/** The unit in words, with the scale the value is given in. */
function unitWords(figure) {
  const scale = SCALE_WORDS[figure.scale] || "";
  const unit = UNIT_WORDS[figure.unit] || figure.unit;
  return scale ? `${scale} ${unit}` : unit;
}

function qualifierWords(figure) {
  return QUALIFIER_WORDS[figure.qualifier] || figure.qualifier;
}

/** The value, as the page shows it, with the raw number kept for machines. */
function valueNode(figure) {
  return el("span", { class: "value", "data-value": figure.value }, amount(figure));
}

/** Dollar equivalents the article printed beside a figure, by the figure's id. */
function equivalentsOf(figures) {
  const equivalents = new Map();
  for (const figure of figures) {
    if (figure.equivalent_of) {
      const list = equivalents.get(figure.equivalent_of) || [];
      list.push(figure);
      equivalents.set(figure.equivalent_of, list);
    }
  }
  return equivalents;
}

/** A card for one figure: name, qualifier and value, unit, period, and the words printed. */
function figureCard(figure, equivalents) {
  const printed = (equivalents.get(figure.id) || []).map((e) => amount(e)).join(", ");
  const qualifier = figure.qualifier === "exact" ? null : el("span", { class: "qualifier" }, qualifierWords(figure));
  return el("article", { class: "card", "data-figure": figure.id },
    el("h3", {}, figure.indicator.name),
    el("p", { class: "figure" }, qualifier, valueNode(figure)),
    printed ? el("p", { class: "equivalent" }, `printed as ${printed}`) : null,
    el("dl", { class: "facts" },
      el("div", {}, el("dt", {}, "Period"), el("dd", {}, figure.period.label)),
      el("div", {}, el("dt", {}, "Unit"), el("dd", {}, unitWords(figure))),
      el("div", {}, el("dt", {}, "Qualifier"), el("dd", {}, qualifierWords(figure))),
      el("div", {}, el("dt", {}, "Region"), el("dd", {}, figure.region.name))),
    el("blockquote", { class: "stated" }, `“${figure.stated}”`));
}

function cards(figures) {
  const equivalents = equivalentsOf(figures);
  return el("div", { class: "cards" }, figures.filter(isStated).map((f) => figureCard(f, equivalents)));
}

/** A table of figures: one row each, with its value, unit, qualifier and period. */
function figureTable(caption, figures, firstColumn) {
  const equivalents = equivalentsOf(figures);
  const rows = figures.filter(isStated).map((figure) => {
    const printed = (equivalents.get(figure.id) || []).map((e) => amount(e)).join(", ");
    return el("tr", { "data-figure": figure.id },
      el("th", { scope: "row" }, firstColumn(figure)),
      el("td", { class: "number" }, valueNode(figure), printed ? el("span", { class: "equivalent" }, ` (${printed})`) : null),
      el("td", { class: "unit" }, unitWords(figure)),
      el("td", { "data-label": "Qualifier" }, qualifierWords(figure)),
      el("td", { "data-label": "Period" }, figure.period.label));
  });
  return el("div", { class: "table-wrap" },
    el("table", {},
      el("caption", {}, caption),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, "Figure"),
        el("th", { scope: "col" }, "Value"),
        el("th", { scope: "col", class: "unit" }, "Unit"),
        el("th", { scope: "col" }, "Qualifier"),
        el("th", { scope: "col" }, "Period"))),
      el("tbody", {}, rows)));
}

// ---- Charts ------------------------------------------------------------------------------

/** Charts for the indicators with more than one stated figure among `figures` (ranks aside:
 * a position is not a bar). Resolves when every image has loaded or failed. */
function charts(figures) {
  const byIndicator = new Map();
  for (const figure of figures.filter(isStated)) {
    if (figure.unit === "rank") {
      continue;
    }
    const list = byIndicator.get(figure.indicator.id) || [];
    list.push(figure);
    byIndicator.set(figure.indicator.id, list);
  }
  const loads = [];
  const container = el("div", { class: "charts" });
  for (const [id, series] of byIndicator) {
    if (series.length < 2) {
      continue;
    }
    const described = series.map((f) => `${qualifierWords(f) === "exact" ? "" : qualifierWords(f) + " "}${amount(f)} (${f.cluster ? f.cluster.replaceAll("-", " ") + ", " : ""}${f.period.label})`);
    const image = el("img", {
      src: `/v1/indicators/${encodeURIComponent(id)}/chart.svg?width=${CHART_WIDTH}&height=${CHART_HEIGHT}`,
      alt: `Bar chart of ${series[0].indicator.name}: ${described.join("; ")}.`,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      loading: "eager",
    });
    const figure = el("figure", { class: "chart", "data-chart": id }, image,
      el("figcaption", {}, series[0].indicator.name, " ", el("a", { href: image.getAttribute("src") }, "(SVG)")));
    loads.push(new Promise((resolve, reject) => {
      image.addEventListener("load", () => {
        image.dataset.loaded = "true";
        resolve();
      });
      image.addEventListener("error", () => {
        const error = new Error(`${image.getAttribute("src")} did not load`);
        figure.append(errorMessage(`the chart of ${series[0].indicator.name}`, error));
        reject(error);
      });
    }));
    container.append(figure);
  }
  return { node: container, loaded: Promise.all(loads) };
}

// ---- Sections ----------------------------------------------------------------------------

async function loadClusters() {
  const target = slot("clusters");
  const groups = await getAll("/v1/cluster-groups?kind=trillion_yuan_industrial");
  if (groups.length === 0) {
    throw new Error("the API lists no trillion-yuan cluster group");
  }
  const members = await Promise.all(groups.map((group) => getAll(`/v1/clusters?group=${encodeURIComponent(group.id)}`)));
  const chartLoads = [];
  groups.forEach((group, groupIndex) => {
    const clusters = members[groupIndex];
    const groupFigures = group.figures.filter((f) => !f.cluster);
    const rows = clusters.map((cluster) => {
      const equivalents = equivalentsOf(cluster.figures);
      const stated = cluster.figures.filter(isStated);
      const nameCell = el("th", { scope: "rowgroup", rowspan: Math.max(stated.length, 1) },
        el("span", { class: "cluster-name" }, cluster.name));
      const reached = el("td", { rowspan: Math.max(stated.length, 1), "data-label": "Reached the mark in" }, cluster.reached_year === null ? "not stated" : String(cluster.reached_year));
      if (stated.length === 0) {
        return el("tbody", { "data-cluster": cluster.id }, el("tr", {}, nameCell, el("td", { colspan: 4 }, "no figure stated"), reached));
      }
      return el("tbody", { "data-cluster": cluster.id }, stated.map((figure, index) => {
        const printed = (equivalents.get(figure.id) || []).map((e) => amount(e)).join(", ");
        return el("tr", { "data-figure": figure.id },
          index === 0 ? nameCell : null,
          el("td", { class: "number" }, valueNode(figure), printed ? el("span", { class: "equivalent" }, ` (${printed})`) : null),
          el("td", { class: "unit" }, unitWords(figure)),
          el("td", { "data-label": "Qualifier" }, qualifierWords(figure)),
          el("td", { "data-label": "Period" }, figure.period.label),
          index === 0 ? reached : null);
      }));
    });
    const chart = charts(group.figures);
    chartLoads.push(chart.loaded);
    target.append(
      el("p", { class: "section-note" }, `${group.name}: ${group.description}`),
      cards(groupFigures),
      el("div", { class: "table-wrap" },
        el("table", { class: "clusters", "data-group": group.id },
          el("caption", {}, `${group.name}: operating revenue of each cluster`),
          el("thead", {}, el("tr", {},
            el("th", { scope: "col" }, "Cluster"),
            el("th", { scope: "col" }, "Operating revenue"),
            el("th", { scope: "col", class: "unit" }, "Unit"),
            el("th", { scope: "col" }, "Qualifier"),
            el("th", { scope: "col" }, "Period"),
            el("th", { scope: "col" }, "Reached the mark in"))),
          rows)),
      chart.node);
  });
  await Promise.all(chartLoads);
}

/** A topic's figures from the article's stories, as cards and charts. */
async function loadTopic(sectionId, topic, sourceIds, leaveOut) {
  const target = slot(sectionId);
  const figures = (await getAll(`/v1/observations?topic=${topic}&source=${sourceIds.join(",")}`))
    .filter((f) => !leaveOut.has(f.id));
  if (figures.length === 0) {
    target.append(el("p", { class: "empty" }, "The API holds no figures on this topic."));
    return;
  }
  const chart = charts(figures);
  target.append(cards(figures), chart.node);
  await chart.loaded;
}

async function loadPatents() {
  const figures = await getAll("/v1/patents");
  slot("patents").append(figureTable("Invention patents granted", figures, (f) => f.indicator.name));
  return new Set(figures.map((f) => f.id));
}

async function loadCityPlans() {
  const target = slot("city-plans");
  const plans = await getAll("/v1/city-plans");
  const list = el("div", { class: "plans" });
  for (const plan of plans) {
    const groups = plan.cluster_groups.map((group) => el("li", {}, group.name,
      group.clusters.length ? `: ${group.clusters.map((c) => c.name).join(", ")}` : ""));
    list.append(el("article", { class: "plan", "data-plan": plan.id },
      el("h3", {}, plan.city.name),
      el("p", { class: "speaker" }, `${plan.speaker.name}, ${plan.speaker.title}`),
      el("p", {}, plan.summary),
      groups.length ? el("ul", { class: "groups" }, groups) : null,
      figureTable(`Figures of the ${plan.city.name} plan`, plan.figures, (f) => f.indicator.name)));
  }
  target.append(list);
}

function renderSources(sources) {
  slot("sources").append(el("ul", { class: "sources" }, sources.map((source) =>
    el("li", { "data-source": source.id },
      el("cite", {}, source.headline), " — ",
      [source.byline, `${source.publication}, ${source.page}`, source.published].filter(Boolean).join(", "),
      el("br"),
      el("span", { class: "citation" }, source.citation),
      el("br"),
      el("span", { class: "document" }, "Stored as ", el("code", {}, source.document)),
      " · ",
      el("a", { href: source.links.observations }, "its figures (JSON)")))));
}

// ---- Search ------------------------------------------------------------------------------

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
    el("ol", { class: "hits" }, hits.map((hit) =>
      el("li", { "data-hit": `${hit.type}:${hit.id}` },
        el("a", { href: hit.links.self }, marked(hit.title)),
        " ", el("span", { class: "kind" }, hit.type.replaceAll("_", " ")),
        el("p", {}, marked(hit.snippet))))));
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
    history.replaceState(null, "", `?q=${encodeURIComponent(text)}`);
    search(text).catch(() => {
      // Already shown beside the search box.
    });
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial && initial.trim()) {
    input.value = initial;
    return search(initial.trim());
  }
  return Promise.resolve();
}

// ---- Start -------------------------------------------------------------------------------

/** Runs one part of the page; a failure is shown in its section and counted, never hidden. */
async function part(sectionId, what, load) {
  try {
    return await load();
  } catch (error) {
    const target = sectionId && slot(sectionId);
    if (target) {
      target.append(errorMessage(what, error));
    }
    throw error;
  }
}

async function start() {
  const work = [
    part(null, "the search", setUpSearch),
    part("clusters", "the industry clusters", loadClusters),
    part("city-plans", "the city plans", loadCityPlans),
  ];
  const patentIds = part("patents", "the patent figures", loadPatents);
  work.push(patentIds);
  const sources = part("sources", "the sources", async () => {
    const article = (await getAll("/v1/sources"))
      .filter((s) => s.publication === ARTICLE.publication && s.page === ARTICLE.page);
    if (article.length === 0) {
      throw new Error(`the API lists no story of ${ARTICLE.publication}, ${ARTICLE.page}`);
    }
    renderSources(article);
    return article.map((s) => s.id);
  });
  work.push(sources);
  for (const [sectionId, topic, what] of [
    ["innovation", "innovation", "the innovation figures"],
    ["greater-bay-area", "greater_bay_area", "the Greater Bay Area figures"],
    ["marine-economy", "marine_economy", "the marine economy figures"],
  ]) {
    work.push(part(sectionId, what, async () => {
      const ids = await sources;
      // Patents have a section of their own.
      const leaveOut = sectionId === "innovation" ? await patentIds.catch(() => new Set()) : new Set();
      return loadTopic(sectionId, topic, ids, leaveOut);
    }));
  }
  const outcomes = await Promise.allSettled(work);
  const failures = outcomes.filter((o) => o.status === "rejected");
  document.body.dataset.fetchErrors = String(failures.length);
  if (failures.length > 0) {
    const reasons = [...new Set(failures.map((f) => f.reason.message))];
    showStatus(`${failures.length} part${failures.length === 1 ? "" : "s"} of the page could not be loaded: `
      + reasons.join("; "), true);
  } else if (Number(document.documentElement.dataset.jsErrors) === 0) {
    const shown = document.querySelectorAll("[data-figure]").length;
    showStatus(`${shown} figures loaded from the API.`, false);
  }
  document.body.dataset.ready = "true";
}

start();
