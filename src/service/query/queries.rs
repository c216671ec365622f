//! The typed queries: what each family of endpoints reads from its parameters. Here a
//! parameter is bound to its meaning, one field each, read through its declaration: `region`
//! sets `ObservationFilter::regions` on the figure lists and `ChartQuery::regions` on the
//! chart; `currency` sets `PresentationQuery::currency`, a `Currency` from then on; `width`
//! sets `ChartQuery::width`, in its range. A catalogue list's own filters are matched in
//! memory, by the path its spec gives each.

use super::page::ItemFilter;
use super::params::Format;
use super::params::{
    ParamValue, Since, AS_OF, CITY_PLAN, CLUSTER, CLUSTER_GROUP, COMPANY, CONCEPT, CURRENCY,
    FACETS, FROM, HEIGHT, INDICATOR, LANG, LATEST, MAX, MIN, Q, QUALIFIER, REGION, ROLE, SCALE,
    SOURCE, SPEAKER, TO, TOPIC, TRANSFORM, UNIT, UPDATED_AFTER, WIDTH, WITHIN, YEAR,
};
use super::parse::{Accepts, FromParsed, ListControls, Parsed};
use super::spec::{QuerySpec, Shape};
use crate::domain::analytics::conversion::Currency;
use crate::domain::analytics::transforms::Transform;
use crate::domain::figure::Scale;
use crate::domain::language::Language;
use crate::store::figures::{Facet, ObservationFilter};

/// `currency`, `scale` and `lang`: how the figures and names of an answer are to be
/// presented.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PresentationQuery {
    pub currency: Option<Currency>,
    pub scale: Option<Scale>,
    pub language: Language,
}

impl PresentationQuery {
    fn of(parsed: &Parsed) -> Self {
        PresentationQuery {
            currency: parsed.get(&CURRENCY),
            scale: parsed.get(&SCALE),
            language: parsed.list.language,
        }
    }
}

/// A figure list (`/v1/observations`, revenues, patents, a series, the export): which
/// figures, presented how, transformed or not, and which page.
#[derive(Debug)]
pub struct FigureListQuery {
    pub filter: ObservationFilter,
    pub presentation: PresentationQuery,
    pub transform: Option<Transform>,
    /// The columns whose values a page counts its figures by (`facets=`).
    pub facets: Vec<Facet>,
    /// How many of the last figures of each series to keep (`latest=`), if asked.
    pub latest: Option<u32>,
    /// The point after which figures changed (`updated_after=`), before the database says
    /// which moment it is: the service resolves it into `filter.updated_after`.
    pub updated_after: Option<Since>,
    pub list: ListControls,
}

impl FromParsed for FigureListQuery {
    fn from_parsed(parsed: Parsed) -> Self {
        let filter = ObservationFilter {
            indicators: parsed.get(&INDICATOR),
            regions: parsed.get(&REGION),
            clusters: parsed.get(&CLUSTER),
            cluster_groups: parsed.get(&CLUSTER_GROUP),
            companies: parsed.get(&COMPANY),
            city_plans: parsed.get(&CITY_PLAN),
            speakers: parsed.get(&SPEAKER),
            sources: parsed.get(&SOURCE),
            concepts: parsed.get(&CONCEPT),
            topics: parsed.get(&TOPIC),
            units: parsed.get(&UNIT),
            qualifiers: parsed.get(&QUALIFIER),
            roles: parsed.get(&ROLE),
            years: parsed.get(&YEAR),
            from: parsed.get(&FROM),
            to: parsed.get(&TO),
            min: parsed.get(&MIN),
            max: parsed.get(&MAX),
            as_of: parsed.get(&AS_OF),
            within: parsed.get(&WITHIN),
            ..Default::default()
        };
        FigureListQuery {
            filter,
            presentation: PresentationQuery::of(&parsed),
            transform: parsed.get(&TRANSFORM),
            facets: parsed.get(&FACETS),
            latest: parsed.get(&LATEST),
            updated_after: parsed.get(&UPDATED_AFTER),
            list: parsed.list,
        }
    }
}

/// One figure: as known at `as_of`, presented as asked.
#[derive(Debug)]
pub struct FigureQuery {
    pub as_of: Option<String>,
    pub presentation: PresentationQuery,
    pub format: Option<Format>,
}

impl FromParsed for FigureQuery {
    fn from_parsed(parsed: Parsed) -> Self {
        FigureQuery {
            as_of: parsed.get(&AS_OF),
            presentation: PresentationQuery::of(&parsed),
            format: parsed.list.format,
        }
    }
}

/// A list held in memory (the catalogue, a figure's revisions, the derived figures): its
/// filters by path, the presentation of the figures its items carry, and the list controls.
#[derive(Debug)]
pub struct CatalogueQuery {
    pub filters: Vec<ItemFilter>,
    pub presentation: PresentationQuery,
    pub list: ListControls,
}

impl FromParsed for CatalogueQuery {
    fn from_parsed(parsed: Parsed) -> Self {
        CatalogueQuery {
            filters: item_filters(&parsed),
            presentation: PresentationQuery::of(&parsed),
            list: parsed.list,
        }
    }
}

/// A search: its words, the kinds of hit kept, and the page (with the language of names).
#[derive(Debug)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub filters: Vec<ItemFilter>,
    pub list: ListControls,
}

impl FromParsed for SearchQuery {
    fn from_parsed(parsed: Parsed) -> Self {
        SearchQuery {
            q: parsed.get(&Q),
            filters: item_filters(&parsed),
            list: parsed.list,
        }
    }
}

/// A chart's width and height when none is asked for.
pub const CHART_WIDTH: u32 = 640;
pub const CHART_HEIGHT: u32 = 400;

/// An indicator's chart: whose figures, in which currency, how large.
#[derive(Debug)]
pub struct ChartQuery {
    pub regions: Vec<String>,
    /// A chart chooses its own scale; only the currency is asked for.
    pub presentation: PresentationQuery,
    pub width: u32,
    pub height: u32,
}

impl FromParsed for ChartQuery {
    fn from_parsed(parsed: Parsed) -> Self {
        ChartQuery {
            regions: parsed.get(&REGION),
            presentation: PresentationQuery {
                currency: parsed.get(&CURRENCY),
                scale: None,
                language: parsed.list.language,
            },
            width: parsed.get(&WIDTH).unwrap_or(CHART_WIDTH),
            height: parsed.get(&HEIGHT).unwrap_or(CHART_HEIGHT),
        }
    }
}

/// A single resource: its representation, and (where it carries figures) their presentation.
#[derive(Debug)]
pub struct SingleQuery {
    pub presentation: PresentationQuery,
    pub format: Option<Format>,
}

impl FromParsed for SingleQuery {
    fn from_parsed(parsed: Parsed) -> Self {
        SingleQuery {
            presentation: PresentationQuery::of(&parsed),
            format: parsed.list.format,
        }
    }
}

/// A single resource: `lang` and `format=json` and nothing else, so that any other parameter
/// is a 400 rather than silently ignored.
pub struct One;

impl Accepts for One {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[LANG.accept()],
        shape: Shape::One,
    };
    type Query = SingleQuery;
}

/// A document that names nothing (the index of `/v1`, the OpenAPI document, the probes):
/// `format=json` and nothing else, not even `lang`.
pub struct Document;

impl Accepts for Document {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[],
        shape: Shape::One,
    };
    type Query = SingleQuery;
}

/// A single resource that carries figures: `currency`, `scale`, `lang` and `format`.
pub struct OneWithFigures;

impl Accepts for OneWithFigures {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[CURRENCY.accept(), SCALE.accept(), LANG.accept()],
        shape: Shape::One,
    };
    type Query = SingleQuery;
}

/// A fixed text (the metrics): no parameter at all, so that any is a 400 rather than
/// silently ignored.
pub struct Bare;

impl Accepts for Bare {
    const SPEC: &'static QuerySpec = &QuerySpec {
        params: &[],
        shape: Shape::Image,
    };
    type Query = NoQuery;
}

/// The query of an endpoint that takes none.
#[derive(Debug)]
pub struct NoQuery;

impl FromParsed for NoQuery {
    fn from_parsed(_: Parsed) -> Self {
        NoQuery
    }
}

/// The in-memory filters of a list: each parameter its spec matches by a path, as given.
fn item_filters(parsed: &Parsed) -> Vec<ItemFilter> {
    parsed
        .spec()
        .params
        .iter()
        .filter_map(|accepted| {
            let path = accepted.path?;
            match parsed.value(accepted.param) {
                Some(ParamValue::Texts(values)) => Some(ItemFilter {
                    path,
                    values: values.clone(),
                }),
                _ => None,
            }
        })
        .collect()
}
