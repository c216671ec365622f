//! Query plans: a request that misses the cache reads what its page needs, not the whole table.
//! For every filter and sort that /openapi.json documents for the lists of observations, SQLite
//! is asked (`EXPLAIN QUERY PLAN`) how it would run the very statements the app builds for a
//! page and for its total, and no plan may read every figure. The rule, per statement:
//! * `o` is flattened into the query (no subquery materialised or run as a co-routine), so
//!   filters reach the indexes of `observations`;
//! * a **page** (it has a `LIMIT`) may walk the figures from the start, by rowid or through an
//!   index, only when the walk yields page order (no temp B-tree sorting the whole result;
//!   one sorting the ties of an ordered leading key is fine) and there is no cursor: SQLite
//!   then stops after one page of matches. That is the first page of an unfiltered list, or of
//!   a filter that keeps many figures (`from`, `unit`...), for which it is the fastest plan.
//!   After a cursor a page must seek (`SEARCH`) to it, or page 5,000 would read 5,000 pages;
//! * a page may sort its rows in a temp B-tree only after a filter found them through an
//!   index; sorting everything is reading everything;
//! * a **count** with a filter must find its rows through an index (`SEARCH`), so a documented
//!   filter without an index fails here. An unfiltered count reads every entry of some index
//!   by nature, but not the table.
//!
//! SQLite plans with the statistics `ANALYZE` stores, and nothing here or in production runs
//! it. Without them it assumes a million rows per table, whatever the table holds, so the
//! plans seen on the article's 69 figures are the plans of a database of a million figures
//! (checked by hand on one: every plan of this test came out the same).

use std::collections::BTreeSet;

use gd_indicators::domain::entity::Entity;
use gd_indicators::domain::figure::column::Word;
use gd_indicators::domain::figure::FigureRole;
use gd_indicators::store::{
    self,
    figures::{Facet, Keyset, ObservationFilter, ObservationOrder, RelatedFigures},
    query_plans::{ObservationStatement, QueryPlan},
};
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// Rows per page as the app asks for them: the default limit plus the row that says "more".
const PAGE: usize = 101;

/// The names SQLite's plans give the figures' tables: the flattened default relation
/// (`observations`), the revisions of a vintage's changed figures (`v`, and `cur`, the figures
/// they belong to), and `o` itself should it ever stop being flattened.
const FIGURE_TABLES: &[&str] = &["observations", "o", "cur", "v", "observation_revisions"];

/// What one documented filter does to the statements.
enum FilterCase {
    /// Narrows the figures: a realistic value for it.
    Narrows(ObservationFilter),
    /// Picks which state of every figure is read (`as_of`), narrowing nothing.
    Vintage(ObservationFilter),
    /// Reads what no filter reads: the bare list, or a parameter that changes how figures are
    /// presented, not which are read (`currency`, `scale`, `transform`, `lang`).
    Unfiltered,
}

/// A realistic value for each documented filter, from the article's data. A filter documented
/// without a case here fails the test: add its case, and the index it needs.
async fn filter_case(app: &TestApp, name: &str) -> FilterCase {
    let first =
        |entity| async move { vec![store::ids(&app.pool, entity).await.unwrap()[0].clone()] };
    let texts = |value: &str| vec![value.to_owned()];
    let filter = match name {
        "indicator" => ObservationFilter {
            indicators: first(Entity::Indicator).await,
            ..Default::default()
        },
        "region" => ObservationFilter {
            regions: first(Entity::Region).await,
            ..Default::default()
        },
        "cluster" => ObservationFilter {
            clusters: first(Entity::Cluster).await,
            ..Default::default()
        },
        "cluster_group" => ObservationFilter {
            cluster_groups: first(Entity::ClusterGroup).await,
            ..Default::default()
        },
        "company" => ObservationFilter {
            companies: first(Entity::Company).await,
            ..Default::default()
        },
        "city_plan" => ObservationFilter {
            city_plans: first(Entity::CityPlan).await,
            ..Default::default()
        },
        "speaker" => ObservationFilter {
            speakers: first(Entity::Speaker).await,
            ..Default::default()
        },
        "source" => ObservationFilter {
            sources: first(Entity::Source).await,
            ..Default::default()
        },
        "concept" => ObservationFilter {
            concepts: texts("operating_revenue"),
            ..Default::default()
        },
        "topic" => ObservationFilter {
            topics: texts("innovation"),
            ..Default::default()
        },
        "unit" => ObservationFilter {
            units: texts("usd"),
            ..Default::default()
        },
        "qualifier" => ObservationFilter {
            qualifiers: texts("about"),
            ..Default::default()
        },
        // `primary`: the role that keeps nearly every figure, as a unit does.
        "role" => ObservationFilter {
            roles: vec![FigureRole::Primary],
            ..Default::default()
        },
        "year" => ObservationFilter {
            years: vec![2023, 2024],
            ..Default::default()
        },
        "from" => ObservationFilter {
            from: Some(2020),
            ..Default::default()
        },
        "to" => ObservationFilter {
            to: Some(2020),
            ..Default::default()
        },
        "min" => ObservationFilter {
            min: Some(1e12),
            ..Default::default()
        },
        "max" => ObservationFilter {
            max: Some(100.0),
            ..Default::default()
        },
        // Everything inside Guangdong: its cities, and Hengqin inside Zhuhai.
        "within" => ObservationFilter {
            within: texts("guangdong"),
            ..Default::default()
        },
        // The figures changed since an import: a range of `recorded_at` (0011).
        "updated_after" => ObservationFilter {
            updated_after: Some("2025-03-01T00:00:00.000000Z".to_owned()),
            ..Default::default()
        },
        "as_of" => {
            return FilterCase::Vintage(ObservationFilter {
                as_of: Some("2025-03-01T00:00:00.000000Z".to_owned()),
                ..Default::default()
            })
        }
        // Presentation, and what reads beside the page (facets: `every_facet_counts_through_an_
        // index`) or the whole filtered table in memory (transform, latest): none narrows the
        // page's or the total's statement; `bom` only starts a CSV body.
        "currency" | "scale" | "transform" | "lang" | "bom" | "facets" | "latest" => {
            return FilterCase::Unfiltered
        }
        other => panic!(
            "the observation lists document a filter `{other}` that this test does not know: \
             add a case for it to `filter_case` (and an index in a migration if it needs one)"
        ),
    };
    FilterCase::Narrows(filter)
}

/// A keyset value of the right type for a sort key.
fn keyset_value(sort: &str) -> Value {
    match sort {
        "value" => json!(1e9),
        "period" => json!("2024"),
        _ => json!("guangdong"),
    }
}

/// A page of `PAGE` figures sorted by `keys`: the first (`before: None`), or after (or
/// before) a cursor holding [`keyset_value`]s.
fn page_at(keys: &[(&'static str, bool)], before: Option<bool>) -> ObservationOrder {
    ObservationOrder {
        keys: keys.to_vec(),
        keyset: before.map(|before| Keyset {
            values: keys.iter().map(|(name, _)| keyset_value(name)).collect(),
            position: 10,
            before,
        }),
        limit: Some(PAGE),
        ..Default::default()
    }
}

/// Parameters every list shares; the rest of a list's query parameters are its filters.
const SHARED_PARAMETERS: &[&str] = &["sort", "limit", "cursor", "fields", "format"];

/// The filters and sort keys that /openapi.json documents for the lists of observations.
fn documented_filters_and_sorts(document: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut filters, mut sorts) = (BTreeSet::new(), BTreeSet::new());
    for (path, item) in document["paths"].as_object().expect("paths") {
        let operation = &item["get"];
        // Figures, whole or trimmed by `fields=`.
        let items = &operation["responses"]["200"]["content"]["application/json"]["schema"]
            ["properties"]["data"]["items"]["anyOf"][0]["$ref"];
        if items != "#/components/schemas/Observation" {
            continue;
        }
        for parameter in operation["parameters"].as_array().expect("parameters") {
            let name = parameter["name"].as_str().expect("a name");
            if parameter["in"] != "query" {
                continue;
            }
            if name == "sort" {
                // The keys, each ascending and descending (`-`).
                let keys = parameter["schema"]["items"]["enum"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{path}: the sort keys are enumerated"));
                sorts.extend(
                    keys.iter()
                        .filter_map(Value::as_str)
                        .filter(|key| !key.starts_with('-'))
                        .map(str::to_owned),
                );
            } else if !SHARED_PARAMETERS.contains(&name) {
                filters.insert(name.to_owned());
            }
        }
    }
    (filters, sorts)
}

/// Every page order: source order, and each sort key ascending and descending; each as a
/// first page, after a cursor and before one.
fn page_orders(sorts: &BTreeSet<String>) -> Vec<(String, ObservationOrder)> {
    let mut keys: Vec<Vec<(&'static str, bool)>> = vec![Vec::new()];
    for sort in sorts {
        assert!(
            store::figures::observation_sort_column(sort).is_some(),
            "sort `{sort}` is documented but the store has no column for it"
        );
        // `ObservationOrder` holds the names the app's parser hands it, which are 'static.
        let name: &'static str = Box::leak(sort.clone().into_boxed_str());
        keys.push(vec![(name, false)]);
        keys.push(vec![(name, true)]);
    }
    let mut orders = Vec::new();
    for keys in keys {
        let sort = match keys.first() {
            None => "source order".to_owned(),
            Some((name, descending)) => {
                format!("sort={}{name}", if *descending { "-" } else { "" })
            }
        };
        for before in [None, Some(false), Some(true)] {
            let keyset = before.map(|before| Keyset {
                values: keys.iter().map(|(name, _)| keyset_value(name)).collect(),
                position: 10,
                before,
            });
            let page = match before {
                None => "first page",
                Some(false) => "after a cursor",
                Some(true) => "before a cursor",
            };
            orders.push((
                format!("{sort}, {page}"),
                ObservationOrder {
                    keys: keys.clone(),
                    keyset,
                    limit: Some(PAGE),
                    ..Default::default()
                },
            ));
        }
    }
    orders
}

/// The steps that read the figures' tables, and whether each is a SCAN (a walk from the start)
/// rather than a SEARCH (a seek).
fn figure_reads(plan: &QueryPlan) -> Vec<(&str, bool)> {
    plan.steps
        .iter()
        .map(|step| step.trim())
        .filter_map(|step| {
            let mut words = step.split_whitespace();
            let verb = words.next()?;
            let table = words.next()?;
            (matches!(verb, "SCAN" | "SEARCH") && FIGURE_TABLES.contains(&table))
                .then_some((step, verb == "SCAN"))
        })
        .collect()
}

/// Whether `o` was kept as a subquery (materialised or run as a co-routine) instead of being
/// flattened into the outer query, where its filters reach the indexes of `observations`. A
/// subquery of the small catalogue may be materialised (`within`'s walk of the regions,
/// `MATERIALIZE inside`): only `o`'s counts.
fn not_flattened(plan: &QueryPlan) -> bool {
    plan.steps.iter().any(|step| {
        let mut words = step.split_whitespace();
        matches!(words.next(), Some("MATERIALIZE" | "CO-ROUTINE" | "SCAN"))
            && words.next() == Some("o")
    })
}

/// Whether a temp B-tree sorts the whole result (not only the ties of an ordered prefix).
fn sorts_everything(plan: &QueryPlan) -> bool {
    plan.steps
        .iter()
        .any(|step| step.trim() == "USE TEMP B-TREE FOR ORDER BY")
}

/// Why a page's plan reads every figure, if it does.
fn page_reads_everything(plan: &QueryPlan, narrowed: bool, cursor: bool) -> Option<String> {
    if not_flattened(plan) {
        return Some("`o` is not flattened into the query".to_owned());
    }
    let reads = figure_reads(plan);
    if reads.is_empty() {
        return Some("no step reads the figures (unexpected plan shape)".to_owned());
    }
    for (step, scan) in reads {
        if scan && sorts_everything(plan) {
            return Some(format!("`{step}` feeds a sort of the whole result"));
        }
        if scan && cursor {
            return Some(format!(
                "`{step}` walks from the start instead of seeking the cursor"
            ));
        }
    }
    if sorts_everything(plan) && !narrowed {
        return Some("nothing narrows the figures before they are all sorted".to_owned());
    }
    None
}

/// Why a count's plan reads more than it counts, if it does.
fn count_reads_everything(plan: &QueryPlan, narrowed: bool) -> Option<String> {
    if not_flattened(plan) {
        return Some("`o` is not flattened into the query".to_owned());
    }
    let reads = figure_reads(plan);
    if reads.is_empty() {
        return Some("no step reads the figures (unexpected plan shape)".to_owned());
    }
    for (step, scan) in reads {
        if scan && narrowed {
            return Some(format!("`{step}`: a filtered count must seek its index"));
        }
        if scan && !step.contains("USING COVERING INDEX") {
            return Some(format!("`{step}` reads the table, not an index"));
        }
    }
    None
}

/// The steps under the first step named `name` (`LEFT`, `RIGHT`), unindented to its depth;
/// `None` when the plan has no such step.
fn subtree(plan: &QueryPlan, name: &str) -> Option<QueryPlan> {
    let depth = |step: &str| step.len() - step.trim_start().len();
    let start = plan.steps.iter().position(|step| step.trim() == name)?;
    let top = depth(&plan.steps[start]);
    let steps = plan.steps[start + 1..]
        .iter()
        .take_while(|step| depth(step) > top)
        .map(|step| step[top + 2..].to_owned())
        .collect();
    Some(QueryPlan {
        sql: plan.sql.clone(),
        steps,
    })
}

/// Why a page of a past vintage reads every figure, if it does. Such a page is a compound
/// SELECT of the vintage's two parts that SQLite merges, each in page order, and cuts to the
/// page (`LIMIT ?) o`): then the page's rows are joined to the catalogue and sorted again (a
/// handful; `SCAN o` reads them). Each part follows the rule of a page of the latest state:
/// the figures not changed since (`LEFT`) through the indexes of `observations`, the figures
/// changed since (`RIGHT`) through the partial indexes of superseded revisions (0012), which
/// hold none of the others.
fn vintage_page_reads_everything(plan: &QueryPlan, narrowed: bool, cursor: bool) -> Option<String> {
    if !plan
        .steps
        .iter()
        .any(|step| step.trim() == "MERGE (UNION ALL)")
    {
        return Some("the vintage's two parts are not merged".to_owned());
    }
    if !plan.sql.contains("LIMIT ?) o") {
        return Some("the merged parts are not cut to a page".to_owned());
    }
    let (Some(unchanged), Some(changed)) = (subtree(plan, "LEFT"), subtree(plan, "RIGHT")) else {
        return Some("the merge has no two parts (unexpected plan shape)".to_owned());
    };
    if let Some(why) = page_reads_everything(&unchanged, narrowed, cursor) {
        return Some(format!("the figures not changed since: {why}"));
    }
    let reads = figure_reads(&changed);
    if let Some((step, _)) = reads
        .iter()
        .find(|(step, _)| !step.contains(" INDEX observation_revisions_superseded"))
    {
        return Some(format!(
            "the figures changed since: `{step}` reads more than the superseded revisions"
        ));
    }
    if let Some(why) = page_reads_everything(&changed, narrowed, cursor) {
        return Some(format!("the figures changed since: {why}"));
    }
    None
}

/// The partial index of periods that span years (0014).
const SPANNING_INDEX: &str = "observations_spanning_period";

/// Why a page by period split at a year (`from`, `year`) reads every figure, if it does. Like a
/// vintage's page, a compound SELECT merged in page order and cut to the page: the figures
/// starting in the year or later (`LEFT`), a range of the sort key's index, and those that
/// started before and span into it (`RIGHT`), read off the partial index of spanning periods
/// and nothing else.
fn spanning_page_reads_everything(
    plan: &QueryPlan,
    narrowed: bool,
    cursor: bool,
) -> Option<String> {
    if !plan
        .steps
        .iter()
        .any(|step| step.trim() == "MERGE (UNION ALL)")
    {
        return Some("the two parts of the years are not merged".to_owned());
    }
    if !plan.sql.contains("LIMIT ?) o") {
        return Some("the merged parts are not cut to a page".to_owned());
    }
    let (Some(starting), Some(spanning)) = (subtree(plan, "LEFT"), subtree(plan, "RIGHT")) else {
        return Some("the merge has no two parts (unexpected plan shape)".to_owned());
    };
    if let Some(why) = page_reads_everything(&starting, narrowed, cursor) {
        return Some(format!("the periods starting in the year or later: {why}"));
    }
    let reads = figure_reads(&spanning);
    if let Some((step, _)) = reads
        .iter()
        .find(|(step, _)| !step.contains(SPANNING_INDEX))
    {
        return Some(format!(
            "the periods spanning into the year: `{step}` reads more than the spanning periods"
        ));
    }
    if let Some(why) = page_reads_everything(&spanning, narrowed, cursor) {
        return Some(format!("the periods spanning into the year: {why}"));
    }
    None
}

#[tokio::test]
async fn every_documented_filter_and_sort_reads_through_an_index() {
    let app = TestApp::spawn().await;
    let statistics: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE name GLOB 'sqlite_stat[0-9]*'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        statistics, 0,
        "the database has ANALYZE statistics: plans now depend on the data, so this test no \
         longer shows the plans of a large database"
    );
    let document = app.get_ok("/openapi.json").await;
    let (filters, sorts) = documented_filters_and_sorts(&document);
    assert!(
        filters.contains("region") && sorts.contains("period"),
        "no observation list found in the document: {filters:?} {sorts:?}"
    );

    let mut cases = vec![("no filter".to_owned(), FilterCase::Unfiltered)];
    for name in &filters {
        cases.push((format!("filter `{name}`"), filter_case(&app, name).await));
    }
    // Every filter of a past vintage too: each of its two parts reads through indexes.
    let vintage_moment = match filter_case(&app, "as_of").await {
        FilterCase::Vintage(vintage) => vintage.as_of,
        _ => unreachable!("as_of picks a vintage"),
    };
    let narrowing: Vec<(String, ObservationFilter)> = cases
        .iter()
        .filter_map(|(label, case)| match case {
            FilterCase::Narrows(filter) if filter.updated_after.is_none() => {
                Some((label.clone(), filter.clone()))
            }
            _ => None,
        })
        .collect();
    for (label, filter) in narrowing {
        cases.push((
            format!("{label} of a past vintage"),
            FilterCase::Narrows(ObservationFilter {
                as_of: vintage_moment.clone(),
                ..filter
            }),
        ));
    }
    let orders = page_orders(&sorts);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (label, case) in &cases {
        let (filter, narrowed) = match case {
            FilterCase::Narrows(filter) => (filter.clone(), true),
            FilterCase::Vintage(filter) => (filter.clone(), false),
            FilterCase::Unfiltered => (ObservationFilter::default(), false),
        };
        let vintage = filter.as_of.is_some();
        let count = store::query_plans::explain_observations(
            &app.pool,
            &filter,
            &ObservationOrder::default(),
            ObservationStatement::Count,
        )
        .await
        .unwrap();
        checked += 1;
        if let Some(why) = count_reads_everything(&count, narrowed) {
            failures.push(format!("{label}, count: {why}\n{count}"));
        }
        let page_check = |plan: &QueryPlan, cursor: bool| {
            if vintage {
                vintage_page_reads_everything(plan, narrowed, cursor)
            } else if plan.sql.contains(SPANNING_INDEX) {
                spanning_page_reads_everything(plan, narrowed, cursor)
            } else {
                page_reads_everything(plan, narrowed, cursor)
            }
        };
        for (order_label, order) in &orders {
            let plan = store::query_plans::explain_observations(
                &app.pool,
                &filter,
                order,
                ObservationStatement::List,
            )
            .await
            .unwrap();
            checked += 1;
            if let Some(why) = page_check(&plan, order.keyset.is_some()) {
                failures.push(format!("{label}, {order_label}: {why}\n{plan}"));
            }
            // The service counts a list's total first and reads its pages knowing it: a broad
            // filter's page walks the sort key's index, a narrow one's is found and sorted.
            // Both statements follow the rule too.
            for (total_label, total) in [("broad", 1_000_000), ("narrow", 10)] {
                let plan = store::query_plans::explain_page(&app.pool, &filter, order, total)
                    .await
                    .unwrap();
                checked += 1;
                if let Some(why) = page_check(&plan, order.keyset.is_some()) {
                    failures.push(format!(
                        "{label}, {order_label}, {total_label}: {why}\n{plan}"
                    ));
                }
            }
        }
    }
    const SHOWN: usize = 20;
    assert!(
        failures.is_empty(),
        "{} of {checked} plans read every figure (the first {SHOWN} shown):\n\n{}",
        failures.len(),
        failures[..failures.len().min(SHOWN)].join("\n")
    );
}

/// Every role and every pair of them, not only `primary`, reads through an index as the rule
/// above says: the links through their own indexes, the unlinked roles through the indicator
/// (a count) or, for `primary`, which keeps nearly everything, off it (a page walks its
/// order's index and checks each figure).
/// A facet's count reads an index, never the table: every entry of one when unfiltered (the
/// region's, the indicator's, the unit's...), and with a filter what the filter's index finds.
/// The years, unfiltered, walk the index of the years (0005) but SQLite counts an index of
/// virtual generated columns as no covering one, so it names the table: measured at a
/// million figures, that walk took as long as the regions' covering one (0.18 s and 0.15 s,
/// debug build), so it is let pass.
#[tokio::test]
async fn every_facet_counts_through_an_index() {
    let app = TestApp::spawn().await;
    let narrowed = ObservationFilter {
        regions: vec!["guangdong".to_owned()],
        ..Default::default()
    };
    let mut failures = Vec::new();
    for word in <Facet as Word>::WORDS {
        let facet = Facet::from_word(word).unwrap();
        if facet == Facet::Role {
            continue; // counted by the count statements, checked with every role below
        }
        for (filter, is_narrowed) in [
            (ObservationFilter::default(), false),
            (narrowed.clone(), true),
        ] {
            let plan = store::query_plans::explain_facet(&app.pool, &filter, facet)
                .await
                .unwrap();
            let years_walk = facet == Facet::Year
                && !is_narrowed
                && plan.steps.iter().any(|step| {
                    step.trim() == "SCAN observations USING INDEX observations_end_year"
                });
            if years_walk {
                continue;
            }
            if let Some(why) = count_reads_everything(&plan, is_narrowed) {
                failures.push(format!("{word} (filtered: {is_narrowed}): {why}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_role_reads_through_an_index() {
    let app = TestApp::spawn().await;
    let sorts: BTreeSet<String> = ["id", "period", "value", "indicator", "region"]
        .map(str::to_owned)
        .into();
    let roles = [
        FigureRole::Primary,
        FigureRole::Equivalent,
        FigureRole::Restatement,
        FigureRole::Threshold,
    ];
    let mut cases: Vec<Vec<FigureRole>> = roles.iter().map(|role| vec![*role]).collect();
    for (index, first) in roles.iter().enumerate() {
        for second in &roles[index + 1..] {
            cases.push(vec![*first, *second]);
        }
    }
    let mut failures = Vec::new();
    for roles in cases {
        let filter = ObservationFilter {
            roles: roles.clone(),
            ..Default::default()
        };
        let count = store::query_plans::explain_observations(
            &app.pool,
            &filter,
            &ObservationOrder::default(),
            ObservationStatement::Count,
        )
        .await
        .unwrap();
        if let Some(why) = count_reads_everything(&count, true) {
            failures.push(format!("{roles:?}, count: {why}\n{count}"));
        }
        // The unlinked roles alone are counted off the index of unlinked figures (0017), not
        // by reading each figure's row for its links.
        let unlinked = roles
            .iter()
            .all(|role| matches!(role, FigureRole::Primary | FigureRole::Threshold));
        if unlinked
            && !count
                .steps
                .iter()
                .any(|step| step.contains("INDEX observations_unlinked_indicator "))
        {
            failures.push(format!(
                "{roles:?}, count off the unlinked figures' index\n{count}"
            ));
        }
        for (order_label, order) in page_orders(&sorts) {
            let plan = store::query_plans::explain_observations(
                &app.pool,
                &filter,
                &order,
                ObservationStatement::List,
            )
            .await
            .unwrap();
            if let Some(why) = page_reads_everything(&plan, true, order.keyset.is_some()) {
                failures.push(format!("{roles:?}, {order_label}: {why}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page of printed equivalents or restatements, which the total says are few, finds them
/// through the links' indexes, alone or beside another role, in every order: walking every
/// figure for a handful took seconds on a million (a link's `IS NOT NULL` is a range SQLite
/// guesses keeps many, and one term of an `OR` never takes a partial index).
#[tokio::test]
async fn a_page_of_few_linked_figures_never_walks_every_figure() {
    let app = TestApp::spawn().await;
    let sorts: BTreeSet<String> = ["id", "period", "value", "indicator", "region"]
        .map(str::to_owned)
        .into();
    let cases = [
        vec![FigureRole::Equivalent],
        vec![FigureRole::Restatement],
        vec![FigureRole::Equivalent, FigureRole::Restatement],
        vec![FigureRole::Restatement, FigureRole::Threshold],
        vec![FigureRole::Equivalent, FigureRole::Threshold],
    ];
    let mut failures = Vec::new();
    for roles in cases {
        let filter = ObservationFilter {
            roles: roles.clone(),
            ..Default::default()
        };
        for (order_label, order) in page_orders(&sorts) {
            let plan = store::query_plans::explain_page(&app.pool, &filter, &order, 10)
                .await
                .unwrap();
            let walks: Vec<_> = figure_reads(&plan)
                .into_iter()
                .filter(|(_, scan)| *scan)
                .collect();
            if !walks.is_empty() {
                failures.push(format!("{roles:?}, {order_label}: {walks:?}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The dashboard's query, one indicator in one region by period, is read straight from one
/// index in page order, on every page: a cursor seeks, and nothing is sorted. Ties go in
/// source order both ways, so each direction has its index (0005, 0016), walked backwards
/// before a cursor.
#[tokio::test]
async fn a_series_by_period_pages_straight_off_one_index() {
    let app = TestApp::spawn().await;
    let filter = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        regions: vec!["guangdong".to_owned()],
        ..Default::default()
    };
    for descending in [false, true] {
        for before in [None, Some(false), Some(true)] {
            let order = ObservationOrder {
                keys: vec![("period", descending)],
                keyset: before.map(|before| Keyset {
                    values: vec![json!("2020")],
                    position: 10,
                    before,
                }),
                limit: Some(PAGE),
                ..Default::default()
            };
            let plan = store::query_plans::explain_observations(
                &app.pool,
                &filter,
                &order,
                ObservationStatement::List,
            )
            .await
            .unwrap();
            let reads = figure_reads(&plan);
            let index = if descending {
                "observations_indicator_region_period_desc"
            } else {
                "observations_indicator_region_period"
            };
            assert!(
                reads.len() == 1
                    && reads[0].0.starts_with(&format!(
                        "SEARCH observations USING INDEX {index} (indicator_id=? AND region_id=?"
                    ))
                    && !plan.steps.iter().any(|step| step.contains("TEMP B-TREE")),
                "descending {descending}, keyset {before:?}:\n{plan}"
            );
            if before.is_some() {
                assert!(
                    reads[0].0.contains("period_sort_key"),
                    "the cursor seeks: {plan}"
                );
            }
        }
    }
}

/// A page sorted by indicator (then, ascending, by period descending) is read straight off an
/// index in page order (0010, 0016), with or without a cursor: unfiltered, it walks the index;
/// for a broad concept or topic, it seeks each of their indicators' runs in the key's order
/// rather than walking every indicator's figures. Nothing is sorted.
#[tokio::test]
async fn pages_by_indicator_read_straight_off_an_index() {
    let app = TestApp::spawn().await;
    let filters = [
        ("no filter", ObservationFilter::default()),
        (
            "concept",
            ObservationFilter {
                concepts: vec!["operating_revenue".to_owned()],
                ..Default::default()
            },
        ),
        (
            "topic",
            ObservationFilter {
                topics: vec!["innovation".to_owned()],
                ..Default::default()
            },
        ),
    ];
    let sorts: [&[(&str, bool)]; 3] = [
        &[("indicator", false)],
        &[("indicator", true)],
        &[("indicator", false), ("period", true)],
    ];
    let mut failures = Vec::new();
    for (label, filter) in &filters {
        for keys in sorts {
            for before in [None, Some(false), Some(true)] {
                let order = page_at(keys, before);
                // A total above `BROAD`, as on a million figures.
                let plan = store::query_plans::explain_page(&app.pool, filter, &order, 100_000)
                    .await
                    .unwrap();
                let reads = figure_reads(&plan);
                let seeks_its_indicators = filter.concepts.is_empty() && filter.topics.is_empty()
                    || reads.len() == 1 && reads[0].0.contains("(indicator_id=?");
                let sorted = plan.steps.iter().any(|step| step.contains("TEMP B-TREE"));
                if reads.len() != 1 || !seeks_its_indicators || sorted {
                    failures.push(format!(
                        "{label}, {keys:?}, keyset {before:?}: {reads:?}\n{plan}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A broad concept or topic sorted by id alone seeks each of its indicators' first ids after
/// the cursor on `(indicator_id, id)` (0015), up to a bound found on that index too, and sorts
/// those few: the walk of the id order read every other indicator's run between them. No step
/// scans the figures, with or without a cursor, either direction.
#[tokio::test]
async fn pages_by_id_through_a_concept_seek_each_indicators_first_ids() {
    let app = TestApp::spawn().await;
    let filters = [
        ObservationFilter {
            concepts: vec!["operating_revenue".to_owned()],
            ..Default::default()
        },
        ObservationFilter {
            topics: vec!["innovation".to_owned()],
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    for filter in &filters {
        for descending in [false, true] {
            for before in [None, Some(false), Some(true)] {
                let order = page_at(&[("id", descending)], before);
                let plan = store::query_plans::explain_page(&app.pool, filter, &order, 100_000)
                    .await
                    .unwrap();
                let reads = figure_reads(&plan);
                let seeks = reads
                    .iter()
                    .filter(|(step, _)| step.contains("observations_indicator_id (indicator_id=?"))
                    .count();
                // The page's own rows (the bound reads the index alone).
                let page_seeks_ids = plan.steps.iter().any(|step| {
                    step.contains("USING INDEX observations_indicator_id (indicator_id=? AND id")
                });
                if !page_seeks_ids || seeks < 2 || reads.iter().any(|(_, scan)| *scan) {
                    failures.push(format!(
                        "{filter:?}, descending {descending}, keyset {before:?}: {reads:?}\n{plan}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page by period and then by amount descending (`sort=period,-value`) reads 0019's index in
/// page order, unfiltered or from a year on (where the periods spanning into the year, few,
/// are merged in from their own index), first page or at a cursor: no period's figures are
/// sorted by amount.
#[tokio::test]
async fn pages_by_period_then_amount_read_off_one_index() {
    let app = TestApp::spawn().await;
    let filters = [
        ObservationFilter::default(),
        ObservationFilter {
            from: Some(2020),
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    for filter in &filters {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&[("period", false), ("value", true)], before);
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, 1_000_000)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            let by_index = reads
                .iter()
                .any(|(step, _)| step.contains("observations_period_value_desc"));
            // The spanning periods' part sorts its few; the page's own read never does.
            let sorted = plan
                .steps
                .iter()
                .filter(|s| s.contains("TEMP B-TREE FOR LAST"))
                .count();
            let allowed = usize::from(filter.from.is_some());
            if !by_index || sorted > allowed {
                failures.push(format!(
                    "{:?}, keyset {before:?}: {reads:?}\n{plan}",
                    filter.from
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The analytics (the exchange rate behind every `?currency=`, the consistency report, the
/// derived figures) read the figures that link to others, the figures they link to, and
/// figures named by id or indicator: every one found through an index, none by a walk of the
/// table, so they cost the same on the article's figures as on a million.
#[tokio::test]
async fn the_analytics_find_their_figures_through_indexes() {
    let app = TestApp::spawn().await;
    let equivalents = RelatedFigures {
        equivalents: true,
        ..Default::default()
    };
    let everything = RelatedFigures {
        equivalents: true,
        restatements: true,
        ids: vec!["hengqin-gdp-span-start".to_owned()],
        indicators: vec!["trillion-yuan-cluster-count".to_owned()],
    };
    for (label, related, indexes) in [
        (
            "the exchange rate",
            equivalents,
            &["observations_equivalent_of"][..],
        ),
        (
            "the consistency report",
            everything,
            &["observations_equivalent_of", "observations_restates"],
        ),
    ] {
        let plan = store::query_plans::explain_related_observations(&app.pool, &related)
            .await
            .unwrap()
            .expect("a statement to run");
        let reads = figure_reads(&plan);
        assert!(
            !reads.is_empty() && reads.iter().all(|(_, scan)| !scan),
            "{label} reads every figure:\n{plan}"
        );
        for index in indexes {
            assert!(
                plan.steps.iter().any(|step| step.contains(index)),
                "{label} does not use {index}:\n{plan}"
            );
        }
    }
    let nothing =
        store::query_plans::explain_related_observations(&app.pool, &RelatedFigures::default())
            .await
            .unwrap();
    assert!(nothing.is_none(), "nothing asked for, nothing run");
}

/// An import finds the figures it copies into their revisions, corrects and retracts by key
/// (the id's UNIQUE index, the revisions' primary key), and setting the secondary indexes aside
/// for a bulk load changes none of its plans: none of them used those indexes. (Adding a
/// figure plans a read of the tables that point at it, `equivalent_of` and `restates`, which
/// SQLite runs only while a deferred foreign key is unresolved: a file whose figure points at
/// one further down. Those links' indexes are partial, so they never served it.)
#[tokio::test]
async fn an_import_writes_by_key_with_the_secondary_indexes_set_aside() {
    let app = TestApp::spawn().await;
    let writer = store::database::open_and_migrate(&app.db_url)
        .await
        .unwrap();
    let mut connection = writer.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *connection).await.unwrap();
    let indexed = store::query_plans::explain_import_writes(&mut tx)
        .await
        .unwrap();
    let aside = store::bulk_load::set_aside(&mut tx).await.unwrap();
    assert!(store::bulk_load::secondary_indexes(&mut tx)
        .await
        .unwrap()
        .is_empty());
    let plans = store::query_plans::explain_import_writes(&mut tx)
        .await
        .unwrap();
    assert_eq!(plans, indexed);
    // After the insert: the copy to the revisions, the corrections (their numbers, the figures
    // and their new state) and the retraction (its revision, then the figure), each by key.
    let by_key = |plan: &QueryPlan, needle: &str| plan.steps.iter().any(|s| s.contains(needle));
    let id = "INDEX sqlite_autoindex_observations_1 (id=?)";
    let revision = "USING PRIMARY KEY (observation_id=?";
    assert!(by_key(&plans[1], id), "{}", plans[1]);
    assert!(by_key(&plans[2], revision), "{}", plans[2]);
    assert!(
        by_key(&plans[3], id) && by_key(&plans[3], revision),
        "{}",
        plans[3]
    );
    assert!(by_key(&plans[4], id), "{}", plans[4]);
    assert!(by_key(&plans[5], id), "{}", plans[5]);
    for plan in &plans[1..] {
        let scan = |step: &String| {
            let step = step.trim_start();
            FIGURE_TABLES
                .iter()
                .any(|table| step == format!("SCAN {table}"))
        };
        assert!(!plan.steps.iter().any(scan), "{plan}");
    }
    store::bulk_load::rebuild(&mut tx, aside).await.unwrap();
    tx.rollback().await.unwrap();
}

/// Money compared in another currency (`?currency=` with `sort=value`, `min` or `max`) is
/// converted and rounded, which no index holds: a page sorted by it finds its candidates unit
/// by unit on `(unit, value_in_units)` (0013) and sorts only those, and a bound finds its
/// figures on `value_in_units` within the rounding's margin. No step walks every figure, on
/// the first page or at a cursor, whatever the total.
#[tokio::test]
async fn money_in_another_currency_is_found_through_indexes() {
    use gd_indicators::domain::analytics::conversion::{Currency, Exchange};
    let app = TestApp::spawn().await;
    let mut failures = Vec::new();
    for to in [Currency::Usd, Currency::Cny] {
        let exchange = Some(Exchange {
            to,
            cny_per_usd: 7.2,
        });
        let filters = [
            ObservationFilter {
                exchange,
                ..Default::default()
            },
            ObservationFilter {
                exchange,
                min: Some(1e12),
                ..Default::default()
            },
            ObservationFilter {
                exchange,
                min: Some(-5.0),
                max: Some(1e6),
                units: vec!["cny".to_owned(), "count".to_owned()],
                ..Default::default()
            },
        ];
        let sorts: BTreeSet<String> = ["value", "period", "id"].map(str::to_owned).into();
        for filter in &filters {
            let bounded = filter.min.is_some();
            for (order_label, order) in page_orders(&sorts) {
                let by_value = order.keys.first().is_some_and(|(name, _)| *name == "value");
                if !by_value && !bounded {
                    continue;
                }
                // A bound keeps few of a million figures (a trillion dollars and up), or many.
                for total in [10, 1_000_000] {
                    if !by_value && total > 10 {
                        continue;
                    }
                    let plan = store::query_plans::explain_page(&app.pool, filter, &order, total)
                        .await
                        .unwrap();
                    let label = format!("{to:?} {filter:?}, {order_label}, total {total}");
                    let walks: Vec<_> = figure_reads(&plan)
                        .into_iter()
                        .filter(|(_, scan)| *scan)
                        .collect();
                    if !walks.is_empty() || not_flattened(&plan) {
                        failures.push(format!("{label}: {walks:?}\n{plan}"));
                    }
                    if by_value
                        && !plan
                            .steps
                            .iter()
                            .any(|step| step.contains("observations_unit_value (unit=?"))
                    {
                        failures.push(format!("{label}: not by unit and value\n{plan}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Sorted by region and then by money in another currency (`currency=USD&sort=-region,value,id`),
/// a page finds its first region's candidates in two groups, the other currency's figures and
/// the rest, each a seek into that region's amounts on 0018's index, which holds the unit,
/// rather than sorting every figure of the region by the amount presented: first page or at a
/// cursor, either direction.
#[tokio::test]
async fn a_region_by_money_in_another_currency_seeks_its_candidates_in_that_region() {
    use gd_indicators::domain::analytics::conversion::{Currency, Exchange};
    let app = TestApp::spawn().await;
    let filter = ObservationFilter {
        exchange: Some(Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.2,
        }),
        ..Default::default()
    };
    let seek = "observations_region_desc_value_unit (region_id=?";
    let mut failures = Vec::new();
    for keys in [
        vec![("region", true), ("value", false), ("id", false)],
        vec![("region", false), ("value", true)],
    ] {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&keys, before);
            let plan = store::query_plans::explain_page(&app.pool, &filter, &order, 1_000_000)
                .await
                .unwrap();
            // Each group's `limit`-th amount, then its candidates up to it: four seeks.
            let seeks = plan.steps.iter().filter(|step| step.contains(seek)).count();
            if seeks < 4 || not_flattened(&plan) {
                failures.push(format!("{keys:?}, keyset {before:?}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A broad filter that holds values of its own size, sorted by value (a unit, an indicator),
/// and the multi-key sort `-region,value`: each read in page order off a composite index of
/// 0013, never a walk of `value_in_units` that checks each figure nor a sort of a region's.
#[tokio::test]
async fn value_order_within_a_unit_an_indicator_or_a_region_is_read_off_an_index() {
    let app = TestApp::spawn().await;
    let indicator = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        ..Default::default()
    };
    let unit = ObservationFilter {
        units: vec!["cny".to_owned()],
        ..Default::default()
    };
    let cases = [
        (
            &indicator,
            vec![("value", false)],
            "observations_indicator_value",
        ),
        (
            &indicator,
            vec![("value", true)],
            "observations_indicator_value",
        ),
        (&unit, vec![("value", false)], "observations_unit_value"),
        (&unit, vec![("value", true)], "observations_unit_value"),
        (
            &unit,
            vec![("region", true), ("value", false), ("id", false)],
            "observations_region_desc_value_unit",
        ),
    ];
    let mut failures = Vec::new();
    for (filter, keys, index) in cases {
        for before in [None, Some(false), Some(true)] {
            let order = page_at(&keys, before);
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, 1_000_000)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            let through_index = reads.len() == 1 && reads[0].0.contains(index);
            if !through_index || sorts_everything(&plan) {
                failures.push(format!("{keys:?}, keyset {before:?}: {reads:?}\n{plan}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page by period of the figures from a year on (`from`, `year`, several years), either
/// direction, first page or after a cursor, its total unknown or broad: the figures starting
/// in the first year or later are a range of the sort key's own index (seeked from the year,
/// never walked from the oldest period), merged with the periods that started before and span
/// into it, off their partial index (0014). Neither part sorts all it reads.
#[tokio::test]
async fn a_years_figures_by_period_are_a_range_of_the_sort_key_and_the_spanning_periods() {
    let app = TestApp::spawn().await;
    let filters = [
        ObservationFilter {
            from: Some(2020),
            ..Default::default()
        },
        ObservationFilter {
            years: vec![2020],
            ..Default::default()
        },
        ObservationFilter {
            years: vec![2019, 2021],
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    for filter in &filters {
        for descending in [false, true] {
            for before in [None, Some(false), Some(true)] {
                let order = ObservationOrder {
                    keys: vec![("period", descending)],
                    keyset: before.map(|before| Keyset {
                        values: vec![json!("2020")],
                        position: 10,
                        before,
                    }),
                    limit: Some(PAGE),
                    ..Default::default()
                };
                for total in [None, Some(1_000_000)] {
                    let plan = match total {
                        None => store::query_plans::explain_observations(
                            &app.pool,
                            filter,
                            &order,
                            ObservationStatement::List,
                        )
                        .await
                        .unwrap(),
                        Some(total) => {
                            store::query_plans::explain_page(&app.pool, filter, &order, total)
                                .await
                                .unwrap()
                        }
                    };
                    let starting = subtree(&plan, "LEFT")
                        .map(|part| {
                            figure_reads(&part)
                                .iter()
                                .map(|(step, _)| step.to_string())
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    let seeks_the_year = starting.len() == 1
                        && starting[0]
                            .starts_with("SEARCH observations USING INDEX observations_period")
                        && starting[0].contains("period_sort_key>");
                    let why = spanning_page_reads_everything(&plan, true, before.is_some());
                    if !seeks_the_year || why.is_some() {
                        failures.push(format!(
                            "{:?} {:?}, descending {descending}, keyset {before:?}, total {total:?}: \
                             {why:?} {starting:?}\n{plan}",
                            filter.from, filter.years
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page of one series (one indicator in one region) sorted by amount, as stored or as money
/// in another currency, whose total says it keeps few: the series' index finds them and only
/// they are sorted, never a walk of one region's amounts checking the indicator (30,000 of a
/// million figures), nor each unit's range of `(unit, value_in_units)`, which repeated the
/// filter per unit and read a unit holding none of its figures whole.
#[tokio::test]
async fn a_few_figures_sorted_by_amount_are_found_by_their_filter() {
    use gd_indicators::domain::analytics::conversion::{Currency, Exchange};
    let app = TestApp::spawn().await;
    let series = ObservationFilter {
        indicators: vec!["technology-contract-value".to_owned()],
        regions: vec!["guangdong".to_owned()],
        ..Default::default()
    };
    let in_dollars = ObservationFilter {
        exchange: Some(Exchange {
            to: Currency::Usd,
            cny_per_usd: 7.2,
        }),
        ..series.clone()
    };
    let sorts: BTreeSet<String> = ["value"].map(str::to_owned).into();
    let mut failures = Vec::new();
    for (order_label, order) in page_orders(&sorts) {
        for filter in [&series, &in_dollars] {
            if order.keys.first().is_none_or(|(name, _)| *name != "value") {
                continue;
            }
            let plan = store::query_plans::explain_page(&app.pool, filter, &order, 10)
                .await
                .unwrap();
            let reads = figure_reads(&plan);
            // Either of the series' indexes (0005, 0016).
            let by_the_filter = reads.len() == 1
                && reads[0].0.starts_with(
                    "SEARCH observations USING INDEX observations_indicator_region_period",
                )
                && reads[0].0.contains(" (indicator_id=? AND region_id=?");
            if !by_the_filter || plan.sql.contains("o.position IN (") {
                failures.push(format!(
                    "{order_label}, {:?}: {reads:?}\n{plan}",
                    filter.exchange
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
