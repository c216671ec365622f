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

mod beside_lists;
mod documented;
mod money;
mod orders;

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
        // With the place of the last figure added by then, which the service finds with the
        // vintage and every page of it bounds its parts by.
        "as_of" => {
            let moment = "2025-03-01T00:00:00.000000Z";
            let times = store::figures::vintage(&app.pool, moment).await.unwrap();
            return FilterCase::Vintage(ObservationFilter {
                as_of: Some(moment.to_owned()),
                added_through: Some(times.added_through),
                ..Default::default()
            });
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

/// How SQLite would run the statement of `filter`'s list in `order`, told no total.
async fn list_plan(
    app: &TestApp,
    filter: &ObservationFilter,
    order: &ObservationOrder,
) -> QueryPlan {
    store::query_plans::explain_observations(&app.pool, filter, order, ObservationStatement::List)
        .await
        .unwrap()
}

/// How SQLite would count `filter`'s figures.
async fn count_plan(app: &TestApp, filter: &ObservationFilter) -> QueryPlan {
    let order = ObservationOrder::default();
    store::query_plans::explain_observations(&app.pool, filter, &order, ObservationStatement::Count)
        .await
        .unwrap()
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
    // A part read by place past the cursor must also stop at the last figure the moment had
    // added: a vintage's last page leaves fewer than a page there, and SQLite would walk every
    // figure (or superseded revision) added since to find that none is left.
    let open = |step: &&String| {
        [
            ("rowid>", "rowid<"),
            ("figure_position>", "figure_position<"),
        ]
        .iter()
        .any(|(from, to)| step.contains(from) && !step.contains(to))
    };
    for (part, reads) in [("not changed", &unchanged), ("changed", &changed)] {
        if let Some(step) = reads.steps.iter().find(open) {
            return Some(format!(
                "the figures {part} since: `{}` reads to the last place, not to the moment's",
                step.trim()
            ));
        }
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
