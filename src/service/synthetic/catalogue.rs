//! What the synthetic data is about: China's 31 provincial-level regions, the 40 subjects
//! measured in each, the eight measures of a subject, the years covered, and the catalogue
//! entities (source, regions, indicators) the figures refer to.

use crate::store::catalogue::{RegionRow, SourceRow};
use crate::store::synthetic::{IndicatorDefinition, SyntheticCatalogue};

/// The source every synthetic figure names.
pub const SOURCE_ID: &str = "synthetic";
pub(super) const FIRST_YEAR: i32 = 1995;
pub(super) const LAST_YEAR: i32 = 2024;

/// The simulation starts five years early, so growth over one and five years exists in 1995.
pub(super) const SIMULATION_START: i32 = FIRST_YEAR - 5;
pub(super) const SIMULATED_YEARS: usize = (LAST_YEAR - SIMULATION_START + 1) as usize;
pub(super) const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

/// Figures of one subject in one region: two monthly measures (12 months and the year, each
/// year) and six annual ones.
pub(super) const FIGURES_PER_SUBJECT_REGION: usize = 2 * 13 * YEARS + 6 * YEARS;

/// Every figure the generator can make; `--observations` takes the first ones.
pub const MAX_OBSERVATIONS: usize = SUBJECTS.len() * REGIONS.len() * FIGURES_PER_SUBJECT_REGION;

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A provincial-level region: its 2023 GDP (trillion yuan) and population (millions) size
/// its synthetic figures.
pub(super) struct RegionSpec {
    pub(super) slug: &'static str,
    pub(super) name: &'static str,
    pub(super) level: RegionLevel,
    pub(super) gdp: f64,
    pub(super) population: f64,
    pub(super) coastal: bool,
}

#[derive(Clone, Copy)]
pub(super) enum RegionLevel {
    Province,
    Municipality,
    AutonomousRegion,
}

pub(super) const fn region(
    slug: &'static str,
    name: &'static str,
    level: RegionLevel,
    gdp: f64,
    population: f64,
    coastal: bool,
) -> RegionSpec {
    RegionSpec {
        slug,
        name,
        level,
        gdp,
        population,
        coastal,
    }
}

use RegionLevel::{AutonomousRegion, Municipality, Province};

#[rustfmt::skip]
pub(super) const REGIONS: [RegionSpec; 31] = [
    region("beijing", "Beijing", Municipality, 4.38, 21.9, false),
    region("tianjin", "Tianjin", Municipality, 1.67, 13.6, true),
    region("hebei", "Hebei", Province, 4.39, 74.0, true),
    region("shanxi", "Shanxi", Province, 2.57, 34.7, false),
    region("inner-mongolia", "Inner Mongolia", AutonomousRegion, 2.46, 23.9, false),
    region("liaoning", "Liaoning", Province, 3.02, 41.8, true),
    region("jilin", "Jilin", Province, 1.35, 23.4, false),
    region("heilongjiang", "Heilongjiang", Province, 1.59, 30.3, false),
    region("shanghai", "Shanghai", Municipality, 4.72, 24.9, true),
    region("jiangsu", "Jiangsu", Province, 12.82, 85.3, true),
    region("zhejiang", "Zhejiang", Province, 8.26, 66.3, true),
    region("anhui", "Anhui", Province, 4.71, 61.2, false),
    region("fujian", "Fujian", Province, 5.44, 41.8, true),
    region("jiangxi", "Jiangxi", Province, 3.22, 45.2, false),
    region("shandong", "Shandong", Province, 9.21, 101.2, true),
    region("henan", "Henan", Province, 5.91, 98.2, false),
    region("hubei", "Hubei", Province, 5.58, 58.4, false),
    region("hunan", "Hunan", Province, 5.00, 65.7, false),
    region("guangdong", "Guangdong", Province, 13.57, 127.1, true),
    region("guangxi", "Guangxi", AutonomousRegion, 2.72, 50.3, true),
    region("hainan", "Hainan", Province, 0.76, 10.4, true),
    region("chongqing", "Chongqing", Municipality, 3.01, 31.9, false),
    region("sichuan", "Sichuan", Province, 6.01, 83.7, false),
    region("guizhou", "Guizhou", Province, 2.09, 38.7, false),
    region("yunnan", "Yunnan", Province, 3.00, 46.7, false),
    region("xizang", "Xizang (Tibet)", AutonomousRegion, 0.24, 3.65, false),
    region("shaanxi", "Shaanxi", Province, 3.38, 39.5, false),
    region("gansu", "Gansu", Province, 1.19, 24.7, false),
    region("qinghai", "Qinghai", Province, 0.38, 5.9, false),
    region("ningxia", "Ningxia", AutonomousRegion, 0.53, 7.3, false),
    region("xinjiang", "Xinjiang", AutonomousRegion, 1.91, 26.3, false),
];

/// What a subject counts.
#[derive(Clone, Copy)]
pub(super) enum Quantity {
    Yuan,
    /// Things, with their plural noun.
    Count(&'static str),
    Hectares,
}

/// Monthly shape of a year's total (relative weights; normalised).
pub(super) type Season = [f64; 12];
pub(super) const PRODUCTION: Season = [
    0.85, 0.7, 1.0, 0.98, 1.0, 1.04, 0.98, 0.99, 1.03, 1.0, 1.07, 1.36,
];
pub(super) const CONSUMPTION: Season = [
    1.1, 0.95, 0.9, 0.88, 0.93, 0.97, 0.92, 0.95, 1.0, 1.1, 1.1, 1.2,
];
pub(super) const INVESTMENT: Season = [
    0.55, 0.55, 0.9, 0.95, 1.05, 1.25, 0.95, 1.0, 1.2, 1.0, 1.1, 1.5,
];
pub(super) const LEISURE: Season = [1.2, 1.6, 0.7, 0.75, 0.9, 0.9, 1.2, 1.3, 0.8, 1.2, 0.7, 0.75];
pub(super) const GRADUATION: Season = [0.3, 0.3, 0.3, 0.3, 0.5, 5.0, 3.5, 0.5, 0.3, 0.3, 0.3, 0.3];
pub(super) const ENROLMENT: Season = [0.2, 0.2, 0.3, 0.2, 0.2, 0.2, 0.3, 1.0, 8.0, 0.6, 0.2, 0.2];
pub(super) const FLAT: Season = [1.0; 12];

/// Something measured in every region: its national annual total in 2024 and its nominal
/// annual growth, which moves linearly from `growth_1990` to `growth_2024`.
pub(super) struct Subject {
    pub(super) slug: &'static str,
    pub(super) name: &'static str,
    pub(super) topic: &'static str,
    pub(super) quantity: Quantity,
    pub(super) national_2024: f64,
    pub(super) growth_1990: f64,
    pub(super) growth_2024: f64,
    pub(super) season: Season,
    /// Mostly a coastal region's business.
    pub(super) marine: bool,
}

#[allow(clippy::too_many_arguments)]
pub(super) const fn subject(
    slug: &'static str,
    name: &'static str,
    topic: &'static str,
    quantity: Quantity,
    national_2024: f64,
    growth_1990: f64,
    growth_2024: f64,
    season: Season,
    marine: bool,
) -> Subject {
    Subject {
        slug,
        name,
        topic,
        quantity,
        national_2024,
        growth_1990,
        growth_2024,
        season,
        marine,
    }
}

use Quantity::{Count, Hectares, Yuan};

#[rustfmt::skip]
pub(super) const SUBJECTS: [Subject; 40] = [
    subject("gross-domestic-product", "Gross domestic product", "industry", Yuan, 134.9e12, 0.16, 0.045, PRODUCTION, false),
    subject("industrial-value-added", "Industrial value added", "industry", Yuan, 40.5e12, 0.17, 0.05, PRODUCTION, false),
    subject("retail-sales", "Retail sales of consumer goods", "industry", Yuan, 48.8e12, 0.14, 0.035, CONSUMPTION, false),
    subject("fixed-asset-investment", "Fixed-asset investment", "industry", Yuan, 51.4e12, 0.22, 0.03, INVESTMENT, false),
    subject("exports", "Exports of goods", "industry", Yuan, 25.5e12, 0.18, 0.07, PRODUCTION, false),
    subject("imports", "Imports of goods", "industry", Yuan, 18.4e12, 0.16, 0.02, PRODUCTION, false),
    subject("tertiary-industry-value-added", "Value added of the tertiary industry", "industry", Yuan, 76.6e12, 0.17, 0.05, FLAT, false),
    subject("real-estate-investment", "Real-estate development investment", "industry", Yuan, 10.0e12, 0.25, -0.1, INVESTMENT, false),
    subject("motor-vehicles-produced", "Motor vehicles produced", "industry", Count("vehicles"), 31.3e6, 0.15, 0.04, PRODUCTION, false),
    subject("new-energy-vehicles-produced", "New-energy vehicles produced", "industry", Count("vehicles"), 12.9e6, 0.3, 0.3, PRODUCTION, false),
    subject("industrial-robots-produced", "Industrial robots produced", "industry", Count("robots"), 0.556e6, 0.3, 0.14, PRODUCTION, false),
    subject("mobile-phones-produced", "Mobile phones produced", "industry", Count("handsets"), 1.67e9, 0.3, 0.08, PRODUCTION, false),
    subject("electricity-sales-revenue", "Revenue from electricity sales", "industry", Yuan, 6.2e12, 0.12, 0.05, PRODUCTION, false),
    subject("rd-expenditure", "Research and development expenditure", "innovation", Yuan, 3.61e12, 0.22, 0.08, INVESTMENT, false),
    subject("basic-research-expenditure", "Basic research expenditure", "innovation", Yuan, 0.25e12, 0.2, 0.1, INVESTMENT, false),
    subject("invention-patents-granted", "Invention patents granted", "innovation", Count("patents"), 1.04e6, 0.25, 0.12, FLAT, false),
    subject("patent-applications", "Patent applications", "innovation", Count("applications"), 5.2e6, 0.25, 0.05, FLAT, false),
    subject("trademark-registrations", "Trademark registrations", "innovation", Count("trademarks"), 4.5e6, 0.25, -0.05, FLAT, false),
    subject("technology-contract-turnover", "Turnover of technology contracts", "innovation", Yuan, 6.8e12, 0.25, 0.11, INVESTMENT, false),
    subject("high-tech-manufacturing-value-added", "Value added of high-tech manufacturing", "innovation", Yuan, 6.3e12, 0.22, 0.09, PRODUCTION, false),
    subject("high-tech-product-exports", "Exports of high-tech products", "innovation", Yuan, 7.0e12, 0.25, 0.05, PRODUCTION, false),
    subject("marine-gross-product", "Gross ocean product", "marine_economy", Yuan, 10.5e12, 0.16, 0.05, PRODUCTION, true),
    subject("port-container-throughput", "Container throughput of ports", "marine_economy", Count("TEU"), 332e6, 0.18, 0.07, PRODUCTION, true),
    subject("fishery-output-value", "Output value of fisheries", "marine_economy", Yuan, 1.6e12, 0.12, 0.04, FLAT, true),
    subject("coastal-tourism-revenue", "Revenue of coastal tourism", "marine_economy", Yuan, 1.9e12, 0.15, 0.08, LEISURE, true),
    subject("sea-area-approved", "Sea area approved for use", "marine_economy", Hectares, 2.5e5, 0.1, -0.02, FLAT, true),
    subject("shipbuilding-completions", "Ships completed", "marine_economy", Count("deadweight tonnes"), 48e6, 0.2, 0.13, PRODUCTION, true),
    subject("higher-education-graduates", "Graduates of higher education", "talent", Count("graduates"), 10.6e6, 0.12, 0.03, GRADUATION, false),
    subject("postgraduate-enrolment", "Postgraduate students enrolled", "talent", Count("students"), 1.36e6, 0.18, 0.04, ENROLMENT, false),
    subject("new-urban-jobs", "New urban jobs", "talent", Count("jobs"), 12.6e6, 0.05, 0.0, FLAT, false),
    subject("urban-wage-bill", "Total wages of urban employees", "talent", Yuan, 22e12, 0.15, 0.06, PRODUCTION, false),
    subject("vocational-training-participants", "People in vocational training", "talent", Count("trainees"), 18e6, 0.08, 0.02, FLAT, false),
    subject("skilled-workers-certified", "Skilled workers certified", "talent", Count("workers"), 12e6, 0.1, 0.06, FLAT, false),
    subject("new-enterprises-registered", "Newly registered enterprises", "companies", Count("enterprises"), 8.0e6, 0.15, 0.02, FLAT, false),
    subject("industrial-enterprise-revenue", "Operating revenue of industrial enterprises above designated size", "companies", Yuan, 137e12, 0.18, 0.02, PRODUCTION, false),
    subject("industrial-enterprise-profits", "Profits of industrial enterprises above designated size", "companies", Yuan, 7.43e12, 0.2, -0.03, PRODUCTION, false),
    subject("foreign-direct-investment", "Foreign direct investment actually used", "companies", Yuan, 0.83e12, 0.1, -0.1, INVESTMENT, false),
    subject("online-retail-sales", "Online retail sales", "companies", Yuan, 15.5e12, 0.3, 0.07, CONSUMPTION, false),
    subject("cinema-box-office", "Cinema box office", "media", Yuan, 42.5e9, 0.2, -0.05, LEISURE, false),
    subject("broadcasting-revenue", "Revenue of radio and television", "media", Yuan, 1.4e12, 0.15, 0.05, FLAT, false),
];

/// The eight ways each subject is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Measure {
    /// Monthly figures and the year's total.
    Level,
    /// Growth on the same month (or year) a year earlier.
    YearOnYear,
    PerResident,
    NationalShare,
    NationalRank,
    AnnualChange,
    NationalShareChange,
    /// Average annual growth over the five years to the year.
    FiveYearGrowth,
}

pub(super) const MEASURES: [Measure; 8] = [
    Measure::Level,
    Measure::YearOnYear,
    Measure::PerResident,
    Measure::NationalShare,
    Measure::NationalRank,
    Measure::AnnualChange,
    Measure::NationalShareChange,
    Measure::FiveYearGrowth,
];

impl Measure {
    pub(super) fn monthly(self) -> bool {
        matches!(self, Measure::Level | Measure::YearOnYear)
    }

    pub(super) fn suffix(self, quantity: Quantity) -> &'static str {
        match (self, quantity) {
            (Measure::Level, _) => "",
            (Measure::YearOnYear, _) => "-yoy-growth",
            (Measure::PerResident, Yuan) => "-per-resident",
            (Measure::PerResident, _) => "-per-10000-residents",
            (Measure::NationalShare, _) => "-national-share",
            (Measure::NationalRank, _) => "-national-rank",
            (Measure::AnnualChange, _) => "-annual-change",
            (Measure::NationalShareChange, _) => "-national-share-change",
            (Measure::FiveYearGrowth, _) => "-five-year-growth",
        }
    }

    /// The schema's `measure` word.
    pub(super) fn word(self, quantity: Quantity) -> &'static str {
        match (self, quantity) {
            (Measure::Level, Count(_)) => "count",
            (Measure::Level | Measure::PerResident, _) => "level",
            (Measure::YearOnYear | Measure::FiveYearGrowth, _) => "growth_rate",
            (Measure::NationalShare, _) => "share",
            (Measure::NationalRank, _) => "rank",
            (Measure::AnnualChange | Measure::NationalShareChange, _) => "change",
        }
    }

    pub(super) fn unit(self, quantity: Quantity) -> &'static str {
        match self {
            Measure::Level | Measure::PerResident | Measure::AnnualChange => match quantity {
                Yuan => "cny",
                Count(_) => "count",
                Hectares => "hectares",
            },
            Measure::YearOnYear | Measure::NationalShare | Measure::FiveYearGrowth => "percent",
            Measure::NationalShareChange => "percentage_points",
            Measure::NationalRank => "rank",
        }
    }

    pub(super) fn name(self, subject: &Subject) -> String {
        let what = subject.name;
        let per = match subject.quantity {
            Yuan => "per resident",
            _ => "per 10,000 residents",
        };
        match self {
            Measure::Level => format!("{what} (synthetic)"),
            Measure::YearOnYear => format!("{what}, year-on-year growth (synthetic)"),
            Measure::PerResident => format!("{what} {per} (synthetic)"),
            Measure::NationalShare => format!("{what}, share of the national total (synthetic)"),
            Measure::NationalRank => format!("{what}, rank among provincial regions (synthetic)"),
            Measure::AnnualChange => format!("{what}, change on the previous year (synthetic)"),
            Measure::NationalShareChange => {
                format!("{what}, change in the share of the national total (synthetic)")
            }
            Measure::FiveYearGrowth => {
                format!("{what}, average annual growth over five years (synthetic)")
            }
        }
    }

    pub(super) fn description(self, subject: &Subject) -> String {
        let what = subject.name.to_lowercase();
        let detail = match self {
            Measure::Level => format!("Monthly and annual {what} of a provincial-level region"),
            Measure::YearOnYear => {
                format!("Growth of {what} on the same month, or year, a year earlier, in percent")
            }
            Measure::PerResident => format!("Annual {what} divided by the resident population"),
            Measure::NationalShare => {
                format!("A region's share of the national total of annual {what}, in percent")
            }
            Measure::NationalRank => {
                format!("A region's rank by annual {what} among the 31 provincial-level regions")
            }
            Measure::AnnualChange => format!("Annual {what} less the previous year's"),
            Measure::NationalShareChange => format!(
                "Change in a region's share of national {what} on the previous year, in points"
            ),
            Measure::FiveYearGrowth => {
                format!("Compound average annual growth of {what} over five years, in percent")
            }
        };
        format!("{detail}. Synthetic figures from gd-indicators generate; not real data.")
    }

    /// Decimals a value is stated with.
    pub(super) fn decimals(self, subject: &Subject) -> usize {
        match self {
            Measure::Level | Measure::AnnualChange => match level_scale(subject) {
                "unit" => 0,
                _ => 2,
            },
            Measure::PerResident => {
                let typical = per_resident(subject, subject.national_2024, 1_410.0);
                if typical >= 1_000.0 {
                    0
                } else if typical >= 10.0 {
                    1
                } else {
                    2
                }
            }
            Measure::YearOnYear | Measure::FiveYearGrowth => 1,
            Measure::NationalShare | Measure::NationalShareChange => 2,
            Measure::NationalRank => 0,
        }
    }
}

/// The scale of a subject's levels, from a typical region's month.
pub(super) fn level_scale(subject: &Subject) -> &'static str {
    let typical = subject.national_2024 / 12.0 / REGIONS.len() as f64;
    match subject.quantity {
        Yuan if typical >= 1e9 => "billion",
        Yuan => "million",
        _ if typical < 1e5 => "unit",
        _ if typical < 1e7 => "thousand",
        _ => "million",
    }
}

pub(super) fn scale_factor(scale: &str) -> f64 {
    match scale {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        _ => 1.0,
    }
}

/// Yuan per resident, or things per 10,000 residents.
pub(super) fn per_resident(subject: &Subject, total: f64, population_millions: f64) -> f64 {
    let residents = population_millions * 1e6;
    match subject.quantity {
        Yuan => total / residents,
        _ => total / residents * 1e4,
    }
}

/// A region's population in `year`, in millions: its 2023 figure, growing half a percent a
/// year before.
pub(super) fn population(region: &RegionSpec, year: i32) -> f64 {
    region.population * (1.0 - 0.005 * f64::from(2023 - year))
}

pub(super) fn indicator_id(subject: &Subject, measure: Measure) -> String {
    format!(
        "synthetic-{}{}",
        subject.slug,
        measure.suffix(subject.quantity)
    )
}

pub(super) fn region_id(region: &RegionSpec) -> String {
    format!("synthetic-{}", region.slug)
}

/// The entities synthetic figures need: the source, a synthetic China with the 31 regions,
/// and the 320 indicators.
pub fn catalogue() -> SyntheticCatalogue {
    let source = SourceRow {
        id: SOURCE_ID.to_owned(),
        publication: "gd-indicators".to_owned(),
        page: "generate".to_owned(),
        headline: "Synthetic figures generated by gd-indicators generate (not real data)"
            .to_owned(),
        headline_en: None,
        byline: None,
        published: format!("{}-12", LAST_YEAR),
        description: "Synthetic figures for trying the API at scale: not real data. \
                      `gd-indicators generate` computes them from a seed (trend, seasonality \
                      and noise on each region's real size) and writes them through the import \
                      path, with corrections and retractions as revisions."
            .to_owned(),
    };
    let root = RegionRow {
        id: "synthetic-china".to_owned(),
        name: "China (synthetic)".to_owned(),
        name_en: None,
        kind: "country".to_owned(),
        parent_id: None,
        description: "Root of the synthetic regions; synthetic figures only, not real data."
            .to_owned(),
    };
    let regions = std::iter::once(root)
        .chain(REGIONS.iter().map(|region| {
            let (kind, level) = match region.level {
                Province => ("province", "Province"),
                Municipality => ("city", "Provincial-level municipality"),
                AutonomousRegion => ("province", "Autonomous region"),
            };
            RegionRow {
                id: region_id(region),
                name: format!("{} (synthetic)", region.name),
                name_en: None,
                kind: kind.to_owned(),
                parent_id: Some("synthetic-china".to_owned()),
                description: format!(
                    "{level} of China, with synthetic figures only (gd-indicators generate); \
                     not real data."
                ),
            }
        }))
        .collect();
    let indicators = SUBJECTS
        .iter()
        .flat_map(|subject| {
            MEASURES.iter().map(move |&measure| IndicatorDefinition {
                id: indicator_id(subject, measure),
                name: measure.name(subject),
                topic: subject.topic.to_owned(),
                concept: format!("synthetic_{}", subject.slug.replace('-', "_")),
                measure: measure.word(subject.quantity).to_owned(),
                unit: measure.unit(subject.quantity).to_owned(),
                description: measure.description(subject),
            })
        })
        .collect();
    SyntheticCatalogue {
        source,
        source_document: "none: computed from a seed, not read from a document".to_owned(),
        regions,
        indicators,
    }
}
