// The gd-indicators dashboard: every figure on the page is read from the API when it loads.
// No framework, no build step. This script holds the settings, the API access, search, the
// controls and the start; dashboard-figures.js words and draws a figure, dashboard-sections.js
// loads each section, dashboard-charts.js draws the SVG. Each figure has one home on the page,
// an element whose id is the figure's id (so `/#figure-id` links to it), and every section
// loads on its own: a failure or a slow answer is said in that section only.
//
// When everything has settled, <body data-ready="true"> is set, with data-fetch-errors counting
// the parts that could not be loaded; <html data-js-errors> counts uncaught errors and unhandled
// rejections. The browser test reads all three; data-generation counts the loads, which a change
// of currency, scale or language starts again.
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
// The languages of names the API speaks besides English, the default.
const LANGUAGES = ["zh"];
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
// Numbers keep two decimals, and more below 1 so that a converted or rescaled amount keeps
// its digits: 0.285 billion stays 0.285, not 0.29 (at most six).
const NUMBERS = [2, 3, 4, 5, 6].map((digits) => new Intl.NumberFormat("en", { maximumFractionDigits: digits }));
function formatNumber(value) {
  const magnitude = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  return NUMBERS[Math.min(4, Math.max(0, -magnitude))].format(value);
}
const RATE = new Intl.NumberFormat("en", { maximumFractionDigits: 4 });

// ---- Settings: currency, scale and the language of names, kept in the URL ----------------

const settings = { currency: "", scale: "", lang: "" };

function readSettings() {
  const query = new URLSearchParams(location.search);
  const currency = (query.get("currency") || "").toUpperCase();
  const scale = (query.get("scale") || "").toLowerCase();
  settings.currency = CURRENCIES.includes(currency) ? currency : "";
  settings.scale = SCALES.includes(scale) ? scale : "";
  const lang = (query.get("lang") || "").toLowerCase();
  settings.lang = LANGUAGES.includes(lang) ? lang : "";
  document.documentElement.lang = settings.lang || "en";
}

/** `path` with the language of names asked for: every request to /v1 takes it (a next link
 * already carries it, and a second one would be refused). */
function withLang(path) {
  if (!settings.lang || !path.startsWith("/v1") || /[?&]lang=/.test(path)) {
    return path;
  }
  return `${path}${path.includes("?") ? "&" : "?"}lang=${settings.lang}`;
}

// The English names of indicators and regions, by `kind:id`, read when names are in another
// language: a figure names its indicator and region in that language only.
let englishNames = new Map();

async function readEnglishNames() {
  if (!settings.lang) {
    return new Map();
  }
  const [indicators, regions] = await Promise.all([getAll("/v1/indicators"), getAll("/v1/regions")]);
  return new Map([
    ...indicators.map((i) => [`indicator:${i.id}`, i.name_en]),
    ...regions.map((r) => [`region:${r.id}`, r.name_en]),
  ]);
}

function englishOf(kind, id) {
  return englishNames.get(`${kind}:${id}`) || null;
}

/** A name as the API gives it. In Chinese it is marked so, with the English name as its title
 * and, when `beside`, shown after it too; in English it is the plain text. */
function named(name, english, beside) {
  if (!settings.lang) {
    return name;
  }
  const node = el("span", { class: "name", lang: settings.lang, title: english, "data-name-en": english }, name);
  return beside && english ? [node, " ", el("span", { class: "name-en", lang: "en" }, english)] : node;
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
    { label: `${what} as CSV`, href: withLang(csv), format: "csv" },
    { label: `${what} as JSON`, href: withLang(path), format: "json" },
  ];
}

// ---- API access --------------------------------------------------------------------------

/** GETs a JSON resource; a non-2xx answer, no answer or a late one throws, saying which. */
async function getJson(path) {
  path = withLang(path);
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
    // The link is absolute, built from the API's public URL or Host; its path is followed on
    // this page's own origin, so a page served over https behind a proxy stays on https.
    const link = page.links && page.links.next;
    next = link ? ((url) => url.pathname + url.search)(new URL(link, location.href)) : null;
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
  for (const input of form.elements.lang) {
    input.checked = input.value === settings.lang;
  }
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", () => {
    settings.currency = form.elements.currency.value;
    settings.scale = form.elements.scale.value;
    settings.lang = form.elements.lang.value;
    document.documentElement.lang = settings.lang || "en";
    const query = new URLSearchParams(location.search);
    for (const [name, value] of [["currency", settings.currency], ["scale", settings.scale], ["lang", settings.lang]]) {
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

/** The sections, in page order, with their loaders (from dashboard-sections.js, which comes after
 * this script: hence a function, called once everything is in). */
function parts() {
  return [
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
}

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
  // Without the English names, the Chinese ones are still shown: only their titles are missing.
  const english = await readEnglishNames().catch(() => new Map());
  if (current !== generation) {
    return;
  }
  englishNames = english;
  const loaded = new Map();
  for (const part of parts()) {
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

// Every script is in by then: dashboard-figures.js and dashboard-sections.js come after this one.
document.addEventListener("DOMContentLoaded", start);
