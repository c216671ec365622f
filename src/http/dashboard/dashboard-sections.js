// The gd-indicators dashboard: each section's loader, which reads the API and returns the
// section's nodes and the links to its data as CSV and JSON; the consistency report and the
// warnings it puts on the figures it flags. Loaded after dashboard-figures.js.
"use strict";

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
        el("p", { class: "section-note" }, named(group.name, group.name_en), `: ${group.description}`),
        charts(barChart(
          "Operating revenue of each cluster, with the year it reached the trillion-yuan mark",
          ordered.flatMap((cluster) => revenue(cluster).map((figure) => ({ figure, label: `${cluster.name} (${reached(cluster)})` }))),
          "The article prints one revenue as an amount (new energy, 2024); the others are only known to be at least the mark.")),
        indicatorCards(figures.filter((f) => !f.cluster)),
        el("h3", { class: "subhead" }, "The clusters"),
        el("div", { class: "cards" }, ordered.map((cluster) =>
          el("article", { class: "card cluster", id: `cluster-${cluster.id}`, "data-cluster": cluster.id },
            el("h4", {}, named(cluster.name, cluster.name_en, true)),
            el("p", { class: "reached" }, cluster.reached_year
              ? `Reached the trillion-yuan mark in ${cluster.reached_year}`
              : "Year it reached the trillion-yuan mark not stated"),
            revenue(cluster).map((figure) => figureBlock(figure, also(figure), indicatorName(figure))),
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
        el("h3", {}, named(company.name, company.name_en, true)),
        el("p", { class: "section-note" }, company.description),
        primaries.map((figure) => figureBlock(figure, also(figure), indicatorName(figure))),
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
          el("h3", {}, named(plan.city.name, englishOf("region", plan.city.id), true)),
          el("p", { class: "speaker" }, el("a", { href: `#speaker-${plan.speaker.id}` }, named(plan.speaker.name, null)), `, ${plan.speaker.title}`),
          el("p", {}, plan.summary),
          plan.cluster_groups.length ? el("ul", { class: "groups" }, plan.cluster_groups.map((group) =>
            el("li", { "data-cluster-group": group.id }, named(group.name, null),
              group.clusters.length ? [": ", group.clusters.map((c, i) => [i > 0 ? ", " : null, el("span", { "data-cluster": c.id }, named(c.name, null))])] : null))) : null,
          el("div", { class: "cards plan-figures" }, primaries.map((figure) =>
            el("div", { class: "card" }, figureBlock(figure, also(figure), indicatorName(figure))))));
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
        el("th", { scope: "row" }, named(facility.name, facility.name_en), el("span", { class: "row-note" }, facility.description)),
        el("td", { "data-label": "Kind" }, facility.kind.replaceAll("_", " ")),
        el("td", { "data-label": "Region" }, named(facility.region.name, englishOf("region", facility.region.id))),
        el("td", { "data-label": "Named by" }, facility.speaker
          ? el("a", { href: `#speaker-${facility.speaker.id}` }, named(facility.speaker.name, null)) : "—",
        facility.source ? [" in ", el("a", { href: `#source-${facility.source.id}` }, "“", named(facility.source.name, null), "”")] : null))))))],
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
        el("th", { scope: "row" }, named(speaker.name, speaker.name_en)),
        el("td", { "data-label": "Title" }, `${speaker.title}, ${speaker.organisation}`),
        el("td", { "data-label": "Region" }, named(speaker.region.name, englishOf("region", speaker.region.id))),
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
    ? el("a", { href: source.url, rel: "external" }, named(source.headline, source.headline_en, true))
    : named(source.headline, source.headline_en, true);
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
