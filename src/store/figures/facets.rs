//! Facet counts: for a figure filter, how many figures each value of a column holds (each
//! region, indicator, unit, year...), the menu a dashboard builds its filters from. One
//! `GROUP BY` a facet, over the figures the filter keeps, its values bound as a count binds
//! them ([`push_observation_filters`]).

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::count::count_observations;
use super::filter::{push_observation_filters, FilterUse, ObservationFilter};
use super::relation::push_figures;
use crate::domain::figure::column::{words, Word};
use crate::domain::figure::FigureRole;
use crate::domain::figure::COLUMNS;
use crate::domain::language::Language;

words! {
    /// A column figures can be counted by (`facets=`); each value counted with its id and a
    /// label in the language asked.
    pub enum Facet {
        /// Regions (`region.id`), labelled with their names.
        Region = "region",
        /// Indicators (`indicator.id`), labelled with their names.
        Indicator = "indicator",
        /// Units (`unit`), labelled with the word itself.
        Unit = "unit",
        /// Calendar years a figure's period overlaps, as `year=` matches them: a figure of
        /// 2020-2024 counts in each of the five; a figure with no year in none.
        Year = "year",
        /// Qualifiers (`qualifier`), labelled with the word itself.
        Qualifier = "qualifier",
        /// Roles (`role`), labelled with the word itself; each counted as `role=` counts it.
        Role = "role",
        /// Sources (`provenance.source.id`), labelled with their headlines.
        Source = "source",
    }
}

/// One value of a facet: its id (what its filter takes: `region=guangdong`, `year=2024`), a
/// label a person reads, and how many of the filter's figures hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FacetValue {
    pub id: String,
    pub label: String,
    pub count: u64,
}

/// The years a facet counts: those `year=` accepts.
const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;

/// What a facet groups by, and where its label comes from: a catalogue's name column of the
/// figure schema (read as the figures' are, in the language asked) on the catalogue joined as
/// the schema's SQL names it, or the value itself.
struct Grouping {
    /// The grouped expression over `o` (and `i`, when `indicators` is joined).
    key: &'static str,
    /// The catalogue the label is read from, joined to the groups' ids, and the figure
    /// schema's column whose SQL reads the label from it.
    label: Option<(&'static str, &'static str)>,
    /// Whether `key` reads the indicator (`i`).
    needs_indicator: bool,
}

impl Facet {
    fn grouping(self) -> Grouping {
        let (key, label, needs_indicator) = match self {
            Facet::Region => ("o.region_id", Some(("regions r", "region_name")), false),
            Facet::Indicator => (
                "o.indicator_id",
                Some(("indicators i", "indicator_name")),
                false,
            ),
            Facet::Source => ("o.source_id", Some(("sources s", "source_headline")), false),
            Facet::Unit => ("o.unit", None, false),
            Facet::Qualifier => ("o.qualifier", None, false),
            Facet::Role => (role_sql(), None, true),
            // Years are grouped by the pair of years a period starts and ends in, and each
            // pair's figures are counted in each year between them (a handful of pairs).
            Facet::Year => ("o.period_start_year, o.period_end_year", None, false),
        };
        Grouping {
            key,
            label,
            needs_indicator,
        }
    }
}

/// The figure schema's column `name` read in `language`.
fn schema_sql(name: &str, language: Language) -> String {
    COLUMNS
        .iter()
        .find(|column| column.name == name)
        .and_then(|column| column.read_sql(language))
        .unwrap_or_else(|| panic!("the figure schema reads {name}"))
        .into_owned()
}

/// The role's SQL as the figure schema declares it.
fn role_sql() -> &'static str {
    static SQL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| schema_sql("role", Language::En));
    &SQL
}

/// The statement counting the figures `filter` keeps by `facet`, after `prefix` ("" or
/// "EXPLAIN QUERY PLAN "): rows of (id, label, count), most figures first, then by id.
pub fn facet_statement<'a>(
    prefix: &str,
    filter: &'a ObservationFilter,
    facet: Facet,
    language: Language,
) -> QueryBuilder<'a, Sqlite> {
    let grouping = facet.grouping();
    let mut query = QueryBuilder::<Sqlite>::new(prefix);
    let label = match grouping.label {
        Some((_, column)) => schema_sql(column, language),
        None => "f.id".to_owned(),
    };
    if facet == Facet::Year {
        query.push("SELECT f.start_year, f.end_year, f.n FROM (SELECT ");
        query.push(
            "o.period_start_year AS start_year, o.period_end_year AS end_year, COUNT(*) AS n",
        );
    } else {
        query.push(format_args!(
            "SELECT CAST(f.id AS TEXT), {label}, f.n FROM (SELECT {} AS id, COUNT(*) AS n",
            grouping.key
        ));
    }
    query.push(" FROM");
    push_figures(&mut query, filter);
    if grouping.needs_indicator {
        query.push(" JOIN indicators i ON i.id = o.indicator_id");
    }
    query.push(" WHERE 1 = 1");
    if facet == Facet::Year {
        query.push(" AND o.period_start_year IS NOT NULL");
    }
    push_observation_filters(&mut query, filter, FilterUse::Count);
    query.push(format_args!(" GROUP BY {}) f", grouping.key));
    if let Some((catalogue, _)) = grouping.label {
        let alias = catalogue.rsplit(' ').next().unwrap_or(catalogue);
        query.push(format_args!(" JOIN {catalogue} ON {alias}.id = f.id"));
    }
    if facet != Facet::Year {
        query.push(" ORDER BY f.n DESC, f.id");
    }
    query
}

/// How many of the figures `filter` keeps hold each value of `facet`, labels in `language`:
/// most figures first, ties by id.
pub async fn facet_counts(
    connection: &mut SqliteConnection,
    filter: &ObservationFilter,
    facet: Facet,
    language: Language,
) -> sqlx::Result<Vec<FacetValue>> {
    if facet == Facet::Role {
        return role_counts(connection, filter).await;
    }
    let mut query = facet_statement("", filter, facet, language);
    if facet == Facet::Year {
        let spans: Vec<(i64, i64, i64)> = query.build_query_as().fetch_all(connection).await?;
        return Ok(years(&spans));
    }
    let rows: Vec<(String, String, i64)> = query.build_query_as().fetch_all(connection).await?;
    Ok(rows
        .into_iter()
        .map(|(id, label, count)| FacetValue {
            id,
            label,
            count: count as u64,
        })
        .collect())
}

/// The roles' counts, each as `role=` counts it: the links' roles and the thresholds are
/// found through their indexes, and the primary figures, nearly all of them, are the rest of
/// the total (a figure has exactly one role), which the filter's own index counts. Grouping by
/// the role's expression would read every figure's row (seconds at a million figures).
async fn role_counts(
    connection: &mut SqliteConnection,
    filter: &ObservationFilter,
) -> sqlx::Result<Vec<FacetValue>> {
    let asked: Vec<FigureRole> = if filter.roles.is_empty() {
        [
            FigureRole::Primary,
            FigureRole::Equivalent,
            FigureRole::Restatement,
            FigureRole::Threshold,
        ]
        .to_vec()
    } else {
        filter.roles.clone()
    };
    let mut rest = count_observations(&mut *connection, filter).await? as u64;
    let mut values = Vec::new();
    for role in asked.iter().filter(|role| **role != FigureRole::Primary) {
        let one = ObservationFilter {
            roles: vec![*role],
            ..filter.clone()
        };
        let count = count_observations(&mut *connection, &one).await? as u64;
        rest = rest.saturating_sub(count);
        values.push((role.word(), count));
    }
    if asked.contains(&FigureRole::Primary) {
        values.push((FigureRole::Primary.word(), rest));
    }
    let mut values: Vec<FacetValue> = values
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(word, count)| FacetValue {
            id: word.to_owned(),
            label: word.to_owned(),
            count,
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    Ok(values)
}

/// Counts by (first year, last year, figures) spread over each year between, within
/// [`YEARS`]; most figures first, ties by year.
fn years(spans: &[(i64, i64, i64)]) -> Vec<FacetValue> {
    let mut counts = std::collections::BTreeMap::<i64, u64>::new();
    for &(start, end, figures) in spans {
        let first = start.max(*YEARS.start());
        let last = end.min(*YEARS.end());
        for year in first..=last {
            *counts.entry(year).or_default() += figures as u64;
        }
    }
    let mut values: Vec<FacetValue> = counts
        .into_iter()
        .map(|(year, count)| FacetValue {
            id: year.to_string(),
            label: year.to_string(),
            count,
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    values
}

impl Facet {
    /// Its word in `facets=` and in `meta.facets`.
    pub fn name(self) -> &'static str {
        self.word()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_counts_in_every_year_it_overlaps() {
        let values = years(&[(2020, 2022, 2), (2021, 2021, 5), (1800, 1901, 1)]);
        let pairs: Vec<(&str, u64)> = values.iter().map(|v| (v.id.as_str(), v.count)).collect();
        assert_eq!(
            pairs,
            [
                ("2021", 7),
                ("2020", 2),
                ("2022", 2),
                ("1900", 1),
                ("1901", 1)
            ]
        );
    }

    #[test]
    fn every_facet_reads_what_the_schema_declares() {
        for word in <Facet as Word>::WORDS {
            let facet = Facet::from_word(word).unwrap();
            for language in Language::ALL {
                let filter = ObservationFilter::default();
                let sql = facet_statement("", &filter, facet, language).into_sql();
                assert!(sql.contains("GROUP BY"), "{sql}");
            }
        }
    }
}
