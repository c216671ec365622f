//! `gd-indicators generate`: a large, realistic, deterministic synthetic dataset, written
//! through the import path real corrections take, beside the article's figures.
//!
//! The data: China's 31 provincial-level regions (real names, sized on their economies), 40
//! subjects each measured 8 ways (320 indicators), monthly and annual figures over 30 years
//! (1995 to 2024). Levels follow a trend with regional drift, national shocks (2009, 2020),
//! seasonality and noise; growth rates, shares, ranks and changes are computed from the levels,
//! so the figures agree with one another. Every id starts with `synthetic-` and every figure
//! names the `synthetic` source; the article's entities and figures are not touched.
//!
//! Same arguments, same figures: the numbers come from SplitMix64 streams keyed by the seed,
//! and only IEEE arithmetic (no libm functions) turns them into values, so every platform
//! computes the same ones.
//!
//! The figures go to [`import::import_rows`] in batches, each one import (one transaction,
//! recorded in `imports` under a name saying which run and which figures); then a second pass
//! corrects `--revisions-percent` of them (revision 2) and retracts one in 10,000. A batch
//! already recorded under its name is skipped, so a second run with the same arguments adds
//! nothing and an interrupted run resumes. Synthetic figures made with other arguments are
//! refused rather than corrected into these.

use std::collections::VecDeque;
use std::time::Instant;

use sqlx::SqlitePool;

use crate::config::GenerateArgs;
use crate::import::{self, ImportFailure, Row};
use crate::store::{
    self,
    catalogue::{RegionRow, SourceRow},
    imports::FigureRecord,
    synthetic::IndicatorDefinition,
};

/// The source every synthetic figure names.
pub const SOURCE_ID: &str = "synthetic";
const FIRST_YEAR: i32 = 1995;
const LAST_YEAR: i32 = 2024;
/// The simulation starts five years early, so growth over one and five years exists in 1995.
const SIMULATION_START: i32 = FIRST_YEAR - 5;
const SIMULATED_YEARS: usize = (LAST_YEAR - SIMULATION_START + 1) as usize;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
/// Figures of one subject in one region: two monthly measures (12 months and the year, each
/// year) and six annual ones.
const FIGURES_PER_SUBJECT_REGION: usize = 2 * 13 * YEARS + 6 * YEARS;
/// Every figure the generator can make; `--observations` takes the first ones.
pub const MAX_OBSERVATIONS: usize = SUBJECTS.len() * REGIONS.len() * FIGURES_PER_SUBJECT_REGION;
/// One figure in this many is retracted by the revision pass (at least one).
const RETRACTED_ONE_IN: usize = 10_000;

const MONTHS: [&str; 12] = [
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

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly standard normal (Irwin-Hall: twelve uniforms), from additions alone.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

/// A stream of its own for each (seed, purpose, number), independent of batch sizes.
fn stream(seed: u64, purpose: u64, number: u64) -> Rng {
    let mut mixer = Rng::new(seed ^ purpose.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let key = mixer.next_u64() ^ number.wrapping_mul(0xA076_1D64_78BD_642F);
    Rng::new(Rng::new(key).next_u64())
}

const SUBJECT_PATHS: u64 = 1;
const QUALIFIERS: u64 = 2;
const CORRECTED: u64 = 3;
const CORRECTION: u64 = 4;
const RETRACTED: u64 = 5;

/// x^(1/5) by Newton's method from above (arithmetic only, so identical everywhere).
fn fifth_root(a: f64) -> f64 {
    // Bernoulli: (1 + (a - 1)/5)^5 >= a, so the iteration falls monotonically to the root.
    let mut x = 1.0 + (a - 1.0) / 5.0;
    for _ in 0..200 {
        let x4 = x * x * x * x;
        let next = x - (x4 * x - a) / (5.0 * x4);
        if next >= x {
            break;
        }
        x = next;
    }
    x
}

/// A provincial-level region: its 2023 GDP (trillion yuan) and population (millions) size
/// its synthetic figures.
struct RegionSpec {
    slug: &'static str,
    name: &'static str,
    level: RegionLevel,
    gdp: f64,
    population: f64,
    coastal: bool,
}

#[derive(Clone, Copy)]
enum RegionLevel {
    Province,
    Municipality,
    AutonomousRegion,
}

const fn region(
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
const REGIONS: [RegionSpec; 31] = [
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
enum Quantity {
    Yuan,
    /// Things, with their plural noun.
    Count(&'static str),
    Hectares,
}

/// Monthly shape of a year's total (relative weights; normalised).
type Season = [f64; 12];
const PRODUCTION: Season = [
    0.85, 0.7, 1.0, 0.98, 1.0, 1.04, 0.98, 0.99, 1.03, 1.0, 1.07, 1.36,
];
const CONSUMPTION: Season = [
    1.1, 0.95, 0.9, 0.88, 0.93, 0.97, 0.92, 0.95, 1.0, 1.1, 1.1, 1.2,
];
const INVESTMENT: Season = [
    0.55, 0.55, 0.9, 0.95, 1.05, 1.25, 0.95, 1.0, 1.2, 1.0, 1.1, 1.5,
];
const LEISURE: Season = [1.2, 1.6, 0.7, 0.75, 0.9, 0.9, 1.2, 1.3, 0.8, 1.2, 0.7, 0.75];
const GRADUATION: Season = [0.3, 0.3, 0.3, 0.3, 0.5, 5.0, 3.5, 0.5, 0.3, 0.3, 0.3, 0.3];
const ENROLMENT: Season = [0.2, 0.2, 0.3, 0.2, 0.2, 0.2, 0.3, 1.0, 8.0, 0.6, 0.2, 0.2];
const FLAT: Season = [1.0; 12];

/// Something measured in every region: its national annual total in 2024 and its nominal
/// annual growth, which moves linearly from `growth_1990` to `growth_2024`.
struct Subject {
    slug: &'static str,
    name: &'static str,
    topic: &'static str,
    quantity: Quantity,
    national_2024: f64,
    growth_1990: f64,
    growth_2024: f64,
    season: Season,
    /// Mostly a coastal region's business.
    marine: bool,
}

#[allow(clippy::too_many_arguments)]
const fn subject(
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
const SUBJECTS: [Subject; 40] = [
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
enum Measure {
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

const MEASURES: [Measure; 8] = [
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
    fn monthly(self) -> bool {
        matches!(self, Measure::Level | Measure::YearOnYear)
    }

    fn suffix(self, quantity: Quantity) -> &'static str {
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
    fn word(self, quantity: Quantity) -> &'static str {
        match (self, quantity) {
            (Measure::Level, Count(_)) => "count",
            (Measure::Level | Measure::PerResident, _) => "level",
            (Measure::YearOnYear | Measure::FiveYearGrowth, _) => "growth_rate",
            (Measure::NationalShare, _) => "share",
            (Measure::NationalRank, _) => "rank",
            (Measure::AnnualChange | Measure::NationalShareChange, _) => "change",
        }
    }

    fn unit(self, quantity: Quantity) -> &'static str {
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

    fn name(self, subject: &Subject) -> String {
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

    fn description(self, subject: &Subject) -> String {
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
    fn decimals(self, subject: &Subject) -> usize {
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
fn level_scale(subject: &Subject) -> &'static str {
    let typical = subject.national_2024 / 12.0 / REGIONS.len() as f64;
    match subject.quantity {
        Yuan if typical >= 1e9 => "billion",
        Yuan => "million",
        _ if typical < 1e5 => "unit",
        _ if typical < 1e7 => "thousand",
        _ => "million",
    }
}

fn scale_factor(scale: &str) -> f64 {
    match scale {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        _ => 1.0,
    }
}

/// Yuan per resident, or things per 10,000 residents.
fn per_resident(subject: &Subject, total: f64, population_millions: f64) -> f64 {
    let residents = population_millions * 1e6;
    match subject.quantity {
        Yuan => total / residents,
        _ => total / residents * 1e4,
    }
}

/// A region's population in `year`, in millions: its 2023 figure, growing half a percent a
/// year before.
fn population(region: &RegionSpec, year: i32) -> f64 {
    region.population * (1.0 - 0.005 * f64::from(2023 - year))
}

fn indicator_id(subject: &Subject, measure: Measure) -> String {
    format!(
        "synthetic-{}{}",
        subject.slug,
        measure.suffix(subject.quantity)
    )
}

fn region_id(region: &RegionSpec) -> String {
    format!("synthetic-{}", region.slug)
}

/// The entities synthetic figures need: the source, a synthetic China with the 31 regions,
/// and the 320 indicators.
pub fn catalogue() -> store::synthetic::SyntheticCatalogue {
    let source = SourceRow {
        id: SOURCE_ID.to_owned(),
        publication: "gd-indicators".to_owned(),
        page: "generate".to_owned(),
        headline: "Synthetic figures generated by gd-indicators generate (not real data)"
            .to_owned(),
        byline: None,
        published: format!("{}-12", LAST_YEAR),
        document: "none: computed from a seed, not read from a document".to_owned(),
        description: "Synthetic figures for trying the API at scale: not real data. \
                      `gd-indicators generate` computes them from a seed (trend, seasonality \
                      and noise on each region's real size) and writes them through the import \
                      path, with corrections and retractions as revisions."
            .to_owned(),
    };
    let root = RegionRow {
        id: "synthetic-china".to_owned(),
        name: "China (synthetic)".to_owned(),
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
    store::synthetic::SyntheticCatalogue {
        source,
        regions,
        indicators,
    }
}

/// One subject simulated in every region: annual totals from 1990 and monthly values.
struct SubjectPaths {
    /// [region][year since 1990]
    annual: Vec<[f64; SIMULATED_YEARS]>,
    /// [region][month since January 1990]
    monthly: Vec<Vec<f64>>,
}

/// Growth every subject shares in a year: the crisis of 2009 and the pandemic.
fn national_shock(year: i32) -> f64 {
    match year {
        2009 => -0.04,
        2020 => -0.05,
        2021 => 0.03,
        2022 => -0.02,
        _ => 0.0,
    }
}

fn simulate(subject: &Subject, seed: u64, number: usize) -> SubjectPaths {
    let mut rng = stream(seed, SUBJECT_PATHS, number as u64);
    let weights: Vec<f64> = REGIONS
        .iter()
        .map(|region| {
            let reach = if subject.marine && !region.coastal {
                0.03
            } else {
                1.0
            };
            region.gdp * reach * (1.0 + 0.2 * rng.normal()).max(0.3)
        })
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let mut annual = Vec::with_capacity(REGIONS.len());
    let mut monthly = Vec::with_capacity(REGIONS.len());
    for weight in &weights {
        let drift = 0.01 * rng.normal();
        let mut shock = 0.0;
        let mut levels = [1.0; SIMULATED_YEARS];
        let mut growth = [0.0; SIMULATED_YEARS];
        for index in 1..SIMULATED_YEARS {
            let year = SIMULATION_START + index as i32;
            let trend = subject.growth_1990
                + (subject.growth_2024 - subject.growth_1990) * (index as f64)
                    / (SIMULATED_YEARS - 1) as f64;
            shock = 0.5 * shock + 0.02 * rng.normal();
            growth[index] = (trend + drift + national_shock(year) + shock).max(-0.5);
            levels[index] = levels[index - 1] * (1.0 + growth[index]);
        }
        // Anchored on the region's share of the national total in 2024.
        let anchor = subject.national_2024 * weight / weight_sum / levels[SIMULATED_YEARS - 1];
        levels.iter_mut().for_each(|level| *level *= anchor);
        let mut months = Vec::with_capacity(SIMULATED_YEARS * 12);
        for (index, total) in levels.iter().enumerate() {
            let year = SIMULATION_START + index as i32;
            let raw: Vec<f64> = (0..12)
                .map(|month| {
                    let within_year = 1.0 + growth[index] * (month as f64 - 5.5) / 12.0;
                    let pandemic = match (year, month) {
                        (2020, 1) => 0.75,
                        (2020, 2) => 0.9,
                        _ => 1.0,
                    };
                    subject.season[month]
                        * within_year
                        * pandemic
                        * (1.0 + 0.015 * rng.normal()).max(0.5)
                })
                .collect();
            let raw_sum: f64 = raw.iter().sum();
            months.extend(raw.iter().map(|part| total * part / raw_sum));
        }
        annual.push(levels);
        monthly.push(months);
    }
    SubjectPaths { annual, monthly }
}

/// When a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Month(i32, usize),
    Year(i32),
    /// The five years to this one.
    FiveYears(i32),
}

/// A figure before it is written: where it belongs and its unrounded value.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    /// Its place in the generated sequence, from 0.
    pub index: usize,
    subject: usize,
    region: usize,
    measure: Measure,
    when: When,
    raw: f64,
}

/// The figures of a run, in order: subject by subject, region by region, measure by measure,
/// each series in time order (a year's months, then the year).
pub struct Figures {
    seed: u64,
    limit: usize,
    next_index: usize,
    subject: usize,
    region: usize,
    paths: Option<SubjectPaths>,
    buffer: VecDeque<Draft>,
}

impl Figures {
    pub fn new(seed: u64, limit: usize) -> Figures {
        Figures {
            seed,
            limit: limit.min(MAX_OBSERVATIONS),
            next_index: 0,
            subject: 0,
            region: 0,
            paths: None,
            buffer: VecDeque::new(),
        }
    }

    /// Fills the buffer with the next subject-region's figures.
    fn refill(&mut self) {
        if self.region == REGIONS.len() {
            self.subject += 1;
            self.region = 0;
            self.paths = None;
        }
        let Some(subject) = SUBJECTS.get(self.subject) else {
            return;
        };
        let paths = self
            .paths
            .get_or_insert_with(|| simulate(subject, self.seed, self.subject));
        let region = self.region;
        let annual = &paths.annual[region];
        let monthly = &paths.monthly[region];
        let offset = |year: i32| (year - SIMULATION_START) as usize;
        let total = |year: i32| {
            paths
                .annual
                .iter()
                .map(|levels| levels[offset(year)])
                .sum::<f64>()
        };
        let share = |year: i32| 100.0 * annual[offset(year)] / total(year);
        let mut index = self.next_index + self.buffer.len();
        let mut push = |measure: Measure, when: When, raw: f64| {
            self.buffer.push_back(Draft {
                index,
                subject: self.subject,
                region,
                measure,
                when,
                raw,
            });
            index += 1;
        };
        for measure in MEASURES {
            for year in FIRST_YEAR..=LAST_YEAR {
                let this = annual[offset(year)];
                let last = annual[offset(year - 1)];
                if measure.monthly() {
                    for month in 0..12 {
                        let at = offset(year) * 12 + month;
                        let raw = match measure {
                            Measure::Level => monthly[at],
                            _ => (monthly[at] / monthly[at - 12] - 1.0) * 100.0,
                        };
                        push(measure, When::Month(year, month), raw);
                    }
                }
                let (when, raw) = match measure {
                    Measure::Level => (When::Year(year), this),
                    Measure::YearOnYear => (When::Year(year), (this / last - 1.0) * 100.0),
                    Measure::PerResident => (
                        When::Year(year),
                        per_resident(subject, this, population(&REGIONS[region], year)),
                    ),
                    Measure::NationalShare => (When::Year(year), share(year)),
                    Measure::NationalRank => {
                        let larger = paths
                            .annual
                            .iter()
                            .filter(|levels| levels[offset(year)] > this)
                            .count();
                        (When::Year(year), (larger + 1) as f64)
                    }
                    Measure::AnnualChange => (When::Year(year), this - last),
                    Measure::NationalShareChange => {
                        (When::Year(year), share(year) - share(year - 1))
                    }
                    Measure::FiveYearGrowth => (
                        When::FiveYears(year),
                        (fifth_root(this / annual[offset(year - 5)]) - 1.0) * 100.0,
                    ),
                };
                push(measure, when, raw);
            }
        }
        self.region += 1;
    }

    /// The figure a draft stands for, its value `raw` (the draft's, or a revised one).
    pub fn render(&self, draft: &Draft, raw: f64) -> FigureRecord {
        render(self.seed, draft, raw)
    }
}

impl Iterator for Figures {
    type Item = Draft;

    fn next(&mut self) -> Option<Draft> {
        if self.next_index >= self.limit {
            return None;
        }
        if self.buffer.is_empty() {
            self.refill();
        }
        let draft = self.buffer.pop_front()?;
        self.next_index += 1;
        Some(draft)
    }
}

fn round_to(value: f64, decimals: usize) -> f64 {
    let factor = [1.0, 10.0, 100.0][decimals.min(2)];
    (value * factor).round() / factor
}

/// `value` with `decimals` and thousands separated: 12,345.67.
fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if value < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        out.push('-');
    }
    for (position, digit) in whole.chars().enumerate() {
        if position > 0 && (whole.len() - position) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

fn render(seed: u64, draft: &Draft, raw: f64) -> FigureRecord {
    let subject = &SUBJECTS[draft.subject];
    let region = &REGIONS[draft.region];
    let measure = draft.measure;
    let decimals = measure.decimals(subject);
    let scale = match measure {
        Measure::Level | Measure::AnnualChange => level_scale(subject),
        _ => "unit",
    };
    let value = round_to(raw / scale_factor(scale), decimals);
    let number = grouped(value, decimals);
    let scale_words = match scale {
        "unit" => String::new(),
        other => format!(" {other}"),
    };
    let mut stated = match (measure.unit(subject.quantity), subject.quantity) {
        ("cny", _) => format!("{number}{scale_words} yuan"),
        ("count", Count(noun)) => format!("{number}{scale_words} {noun}"),
        ("hectares", _) => format!("{number}{scale_words} hectares"),
        ("percent", _) => format!("{number} percent"),
        ("percentage_points", _) => format!("{number} percentage points"),
        _ => format!("No. {number} of {}", REGIONS.len()),
    };
    if measure == Measure::PerResident && !matches!(subject.quantity, Yuan) {
        stated.push_str(" per 10,000 residents");
    }
    // A few figures are printed as approximate, as real bulletins do.
    let about = measure != Measure::NationalRank
        && stream(seed, QUALIFIERS, draft.index as u64).unit() < 0.03;
    if about {
        stated.insert_str(0, "about ");
    }
    let (period_kind, start, end, label, id_period) = match draft.when {
        When::Month(year, month) => {
            let month_text = format!("{year}-{:02}", month + 1);
            (
                "span",
                month_text.clone(),
                month_text.clone(),
                format!("{} {year}", MONTHS[month]),
                month_text,
            )
        }
        When::Year(year) => (
            "year",
            year.to_string(),
            year.to_string(),
            year.to_string(),
            year.to_string(),
        ),
        When::FiveYears(year) => (
            "span",
            (year - 5).to_string(),
            year.to_string(),
            format!("{} to {year}", year - 5),
            year.to_string(),
        ),
    };
    let indicator = indicator_id(subject, measure);
    FigureRecord {
        id: format!("{indicator}-{}-{id_period}", region.slug),
        indicator_id: indicator,
        region_id: region_id(region),
        cluster_id: None,
        cluster_group_id: None,
        company_id: None,
        city_plan_id: None,
        value,
        scale: scale.to_owned(),
        unit: measure.unit(subject.quantity).to_owned(),
        qualifier: if about { "about" } else { "exact" }.to_owned(),
        stated,
        period_kind: period_kind.to_owned(),
        period_start: Some(start),
        period_end: Some(end),
        period_label: label,
        equivalent_of: None,
        restates: None,
        source_id: SOURCE_ID.to_owned(),
        section: subject.name.to_owned(),
        speaker_id: None,
        cited_source: None,
        note: None,
    }
}

/// What the revision pass does to a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Revision {
    Correct,
    Retract,
}

/// Which figures the revision pass corrects or retracts: each figure by a draw of its own, so
/// the choice does not depend on batch sizes.
struct RevisionChoice {
    seed: u64,
    corrected_fraction: f64,
    /// Figures are retracted one per `stride`, at a seeded place within it.
    stride: usize,
}

impl RevisionChoice {
    fn new(seed: u64, observations: usize, revisions_percent: f64) -> RevisionChoice {
        let retractions = if revisions_percent > 0.0 {
            observations.div_ceil(RETRACTED_ONE_IN)
        } else {
            0
        };
        RevisionChoice {
            seed,
            corrected_fraction: revisions_percent / 100.0,
            stride: observations.checked_div(retractions).unwrap_or(0),
        }
    }

    fn of(&self, index: usize) -> Option<Revision> {
        if let Some(block) = index.checked_div(self.stride) {
            let place = stream(self.seed, RETRACTED, block as u64).next_u64() % self.stride as u64;
            if (index % self.stride) as u64 == place {
                return Some(Revision::Retract);
            }
        }
        (stream(self.seed, CORRECTED, index as u64).unit() < self.corrected_fraction)
            .then_some(Revision::Correct)
    }
}

const CORRECTION_REASONS: [&str; 3] = [
    "revised with the annual statistical yearbook",
    "revised after the economic census",
    "corrected an error in the reporting unit's return",
];
const RETRACTION_REASON: &str = "withdrawn: the reporting unit's data failed verification";

/// A corrected value: a little off the first, and never the same once rounded.
fn corrected(seed: u64, draft: &Draft, original: &FigureRecord) -> FigureRecord {
    let mut rng = stream(seed, CORRECTION, draft.index as u64);
    let nudge = rng.normal();
    let raw = match draft.measure {
        Measure::Level | Measure::PerResident | Measure::AnnualChange => {
            draft.raw * (1.0 + 0.01 * nudge)
        }
        Measure::YearOnYear | Measure::FiveYearGrowth => draft.raw + 0.3 * nudge,
        Measure::NationalShare | Measure::NationalShareChange => draft.raw + 0.05 * nudge,
        Measure::NationalRank => {
            let last = REGIONS.len() as f64;
            let moved = if (nudge < 0.0 && draft.raw > 1.0) || draft.raw >= last {
                -1.0
            } else {
                1.0
            };
            draft.raw + moved
        }
    };
    let mut figure = render(seed, draft, raw);
    if figure.value == original.value {
        // Below the printed precision: move it by one step of the last decimal instead.
        let subject = &SUBJECTS[draft.subject];
        let step =
            [1.0, 0.1, 0.01][draft.measure.decimals(subject).min(2)] * scale_factor(&figure.scale);
        let sign = if nudge < 0.0 && figure.value > 0.0 {
            -1.0
        } else {
            1.0
        };
        figure = render(
            seed,
            draft,
            (figure.value * scale_factor(&figure.scale)) + sign * step,
        );
    }
    figure
}

/// How a run ended.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    pub catalogue: store::synthetic::CatalogueAdded,
    pub added: usize,
    pub corrected: usize,
    pub retracted: usize,
    /// Imports this run recorded.
    pub imports: usize,
    /// Batches recorded by an earlier run with the same arguments, left alone.
    pub skipped: usize,
}

/// Why a run stopped.
#[derive(Debug)]
pub enum GenerateFailure {
    /// The arguments (from a caller other than the command line, which checks them) or the
    /// database do not allow the run; nothing was written.
    Refused(String),
    /// The database failed (batches recorded before the failure stay; a rerun resumes).
    Failed(String),
}

/// The arguments as they name the run's imports.
pub fn run_name(args: &GenerateArgs) -> String {
    format!(
        "generate --observations {} --seed {} --revisions-percent {} --batch-size {}",
        args.observations, args.seed, args.revisions_percent, args.batch_size
    )
}

/// What `generate` reports after each batch, written or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchReport<'a> {
    /// Rows of both passes (figures, then corrections and retractions) handled so far.
    pub done: usize,
    /// Rows of both passes in all.
    pub total: usize,
    /// What the batch did, as a line for a log.
    pub line: &'a str,
}

/// Writes the synthetic catalogue, then the figures and their revisions in batches through
/// the import path; `progress` hears of each batch.
pub async fn generate(
    pool: &SqlitePool,
    args: &GenerateArgs,
    progress: &mut dyn FnMut(BatchReport<'_>),
) -> Result<GenerateSummary, GenerateFailure> {
    let refuse = |message: String| Err(GenerateFailure::Refused(message));
    if args.observations == 0 || args.observations > MAX_OBSERVATIONS {
        return refuse(format!(
            "--observations must be between 1 and {MAX_OBSERVATIONS} (31 regions, {} \
             indicators, {YEARS} years)",
            SUBJECTS.len() * MEASURES.len()
        ));
    }
    if !(0.0..=100.0).contains(&args.revisions_percent) {
        return refuse("--revisions-percent must be between 0 and 100".to_owned());
    }
    if args.batch_size == 0 {
        return refuse("--batch-size must be at least 1".to_owned());
    }
    let database =
        |problem: sqlx::Error| GenerateFailure::Failed(format!("the database failed ({problem})"));
    let run = run_name(args);
    let prefix = format!("{run}: ");
    let recorded = store::synthetic::import_files_starting_with(pool, &prefix)
        .await
        .map_err(database)?;
    let existing = store::synthetic::figure_count_of_source(pool, SOURCE_ID)
        .await
        .map_err(database)?;
    if recorded.is_empty() && existing > 0 {
        return refuse(format!(
            "the database already holds {existing} synthetic figures made with other \
             arguments; generate into a fresh database (--database-url), or repeat the \
             arguments that made them (the `file` of their imports)"
        ));
    }
    let mut summary = GenerateSummary {
        catalogue: store::synthetic::add_synthetic_catalogue(pool, &catalogue())
            .await
            .map_err(database)?,
        ..Default::default()
    };
    let description = format!("Synthetic figures, not real data: gd-indicators {run}");
    let total = args.observations;
    // The second pass's figures, chosen up front so that progress knows every row to come.
    let choice = RevisionChoice::new(args.seed, total, args.revisions_percent);
    let revised: Vec<(usize, Revision)> = (0..total)
        .filter_map(|index| choice.of(index).map(|revision| (index, revision)))
        .collect();
    let mut batch = Batch {
        pool,
        recorded: &recorded,
        description: &description,
        summary: &mut summary,
        done: 0,
        total: total + revised.len(),
    };

    // Pass 1: every figure, added.
    let mut figures = Figures::new(args.seed, total);
    let mut done = 0;
    while done < total {
        let drafts: Vec<Draft> = figures.by_ref().take(args.batch_size).collect();
        let (first, last) = (done + 1, done + drafts.len());
        done = last;
        let name = format!("{prefix}figures {first}-{last} of {total}");
        let rows = || {
            drafts
                .iter()
                .enumerate()
                .map(|(line, draft)| Row::figure(line + 1, &figures.render(draft, draft.raw), None))
                .collect::<Vec<_>>()
        };
        batch
            .import(
                &name,
                drafts.len(),
                rows,
                progress,
                &format!("figures {last}/{total}"),
            )
            .await?;
    }

    // Pass 2: some figures corrected (revision 2), a few retracted.
    let batches = revised.len().div_ceil(args.batch_size);
    let mut figures = Figures::new(args.seed, total);
    for (number, chunk) in revised.chunks(args.batch_size).enumerate() {
        let name = format!("{prefix}revisions {} of {batches}", number + 1);
        let last_index = chunk.last().map_or(0, |(index, _)| *index);
        // The drafts of this chunk's figures, in order (the sequence is read once overall).
        let mut wanted = chunk.iter().peekable();
        let mut drafts = Vec::with_capacity(chunk.len());
        for draft in figures.by_ref() {
            if let Some((index, revision)) = wanted.next_if(|(index, _)| *index == draft.index) {
                debug_assert_eq!(*index, draft.index);
                drafts.push((draft, *revision));
            }
            if draft.index == last_index {
                break;
            }
        }
        let rows = || {
            drafts
                .iter()
                .enumerate()
                .map(|(line, (draft, revision))| {
                    let original = render(args.seed, draft, draft.raw);
                    match revision {
                        Revision::Retract => {
                            Row::retraction(line + 1, &original.id, RETRACTION_REASON)
                        }
                        Revision::Correct => {
                            let reason = CORRECTION_REASONS[draft.index % CORRECTION_REASONS.len()];
                            Row::figure(
                                line + 1,
                                &corrected(args.seed, draft, &original),
                                Some(reason),
                            )
                        }
                    }
                })
                .collect::<Vec<_>>()
        };
        batch
            .import(
                &name,
                drafts.len(),
                rows,
                progress,
                &format!("revisions {} of {batches}", number + 1),
            )
            .await?;
    }
    Ok(summary)
}

/// Imports one batch, unless an earlier run with the same arguments recorded it.
struct Batch<'a> {
    pool: &'a SqlitePool,
    recorded: &'a [String],
    description: &'a str,
    summary: &'a mut GenerateSummary,
    /// Rows handled so far and in all, for progress.
    done: usize,
    total: usize,
}

impl Batch<'_> {
    async fn import(
        &mut self,
        name: &str,
        size: usize,
        rows: impl FnOnce() -> Vec<Row>,
        progress: &mut dyn FnMut(BatchReport<'_>),
        label: &str,
    ) -> Result<(), GenerateFailure> {
        self.done += size;
        let (done, total) = (self.done, self.total);
        let mut report = |line: &str| progress(BatchReport { done, total, line });
        if self.recorded.iter().any(|file| file == name) {
            self.summary.skipped += 1;
            report(&format!("{label}: already recorded; skipped"));
            return Ok(());
        }
        let started = Instant::now();
        let rows = rows();
        let outcome = import::import_rows(
            self.pool,
            name,
            &rows,
            Some(self.description),
            false,
            &mut |_| {},
        )
        .await;
        drop(rows);
        match outcome {
            Ok((_, Some(receipt))) => {
                self.summary.added += receipt.counts.added;
                self.summary.corrected += receipt.counts.corrected;
                self.summary.retracted += receipt.counts.retracted;
                self.summary.imports += 1;
                report(&format!(
                    "{label}: {} (import {}, {:.1} s)",
                    receipt.counts,
                    receipt.id,
                    started.elapsed().as_secs_f64()
                ));
                Ok(())
            }
            Ok((_, None)) => {
                report(&format!(
                    "{label}: every figure already stored as generated"
                ));
                Ok(())
            }
            // Generated rows are valid by construction; a refusal is a bug worth its details.
            Err(ImportFailure::Invalid(errors)) => Err(GenerateFailure::Failed(format!(
                "{name}: the import path refused a generated row ({} problems; first: {})",
                errors.len(),
                errors.first().map(ToString::to_string).unwrap_or_default()
            ))),
            Err(ImportFailure::Failed(message)) => {
                Err(GenerateFailure::Failed(format!("{name}: {message}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_the_same_whatever_is_taken() {
        let all: Vec<FigureRecord> = {
            let figures = Figures::new(7, 3_000);
            let seed = figures.seed;
            figures.map(|d| render(seed, &d, d.raw)).collect()
        };
        let prefix: Vec<FigureRecord> = {
            let figures = Figures::new(7, 1_000);
            figures.map(|d| render(7, &d, d.raw)).collect()
        };
        assert_eq!(all.len(), 3_000);
        assert_eq!(&all[..1_000], &prefix[..]);
        let other: Vec<f64> = Figures::new(8, 1_000)
            .map(|d| render(8, &d, d.raw).value)
            .collect();
        assert_ne!(prefix.iter().map(|f| f.value).collect::<Vec<_>>(), other);
        let ids: std::collections::HashSet<&str> = all.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "ids are unique");
    }

    #[test]
    fn a_series_reads_like_statistics() {
        let figures: Vec<FigureRecord> = {
            let figures = Figures::new(1, FIGURES_PER_SUBJECT_REGION);
            figures.map(|d| render(1, &d, d.raw)).collect()
        };
        let first = &figures[0];
        assert_eq!(first.id, "synthetic-gross-domestic-product-beijing-1995-01");
        assert_eq!(
            (first.period_kind.as_str(), first.period_label.as_str()),
            ("span", "January 1995")
        );
        assert_eq!(
            (first.scale.as_str(), first.unit.as_str()),
            ("billion", "cny")
        );
        let year = &figures[12];
        assert_eq!(year.id, "synthetic-gross-domestic-product-beijing-1995");
        assert_eq!(year.period_kind, "year");
        // The year is the sum of its months (each rounded on its own).
        let months: f64 = figures[..12].iter().map(|f| f.value).sum();
        assert!(
            (months - year.value).abs() < 0.1,
            "{months} vs {}",
            year.value
        );
        // Beijing's GDP in 2024 is its share of the national total, near 4.9 trillion.
        let latest = figures
            .iter()
            .find(|f| f.id == "synthetic-gross-domestic-product-beijing-2024")
            .unwrap();
        assert!(
            (2_500.0..8_000.0).contains(&latest.value),
            "{}",
            latest.value
        );
        let rank = figures
            .iter()
            .find(|f| f.indicator_id.ends_with("-national-rank"))
            .unwrap();
        assert!(rank.stated.starts_with("No. ") && rank.stated.ends_with(" of 31"));
    }

    #[test]
    fn the_catalogue_covers_every_figure() {
        let catalogue = catalogue();
        assert_eq!(catalogue.regions.len(), 32);
        assert_eq!(catalogue.indicators.len(), 320);
        assert_eq!(
            MAX_OBSERVATIONS,
            40 * 31 * 960,
            "two monthly measures and six annual ones, 30 years"
        );
        let units: std::collections::HashMap<&str, &str> = catalogue
            .indicators
            .iter()
            .map(|i| (i.id.as_str(), i.unit.as_str()))
            .collect();
        let seed = 3;
        let mut figures = Figures::new(seed, MAX_OBSERVATIONS).step_by(997);
        for draft in figures.by_ref() {
            let figure = render(seed, &draft, draft.raw);
            assert_eq!(
                units[figure.indicator_id.as_str()],
                figure.unit,
                "{figure:?}"
            );
            assert!(figure.value.is_finite(), "{figure:?}");
        }
    }

    #[test]
    fn revisions_change_the_value_and_retractions_are_rare() {
        let choice = RevisionChoice::new(5, 100_000, 3.0);
        let chosen: Vec<Revision> = (0..100_000).filter_map(|i| choice.of(i)).collect();
        let retracted = chosen.iter().filter(|r| **r == Revision::Retract).count();
        assert_eq!(retracted, 10);
        let corrected = chosen.len() - retracted;
        assert!((2_500..3_500).contains(&corrected), "{corrected}");
        for draft in Figures::new(5, 2_000) {
            let original = render(5, &draft, draft.raw);
            assert_ne!(
                corrected_value(&draft, &original),
                original.value,
                "{original:?}"
            );
        }
    }

    fn corrected_value(draft: &Draft, original: &FigureRecord) -> f64 {
        corrected(5, draft, original).value
    }

    #[test]
    fn numbers_read_as_printed() {
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-0.001, 2), "0.00");
        assert_eq!(grouped(-1500.0, 0), "-1,500");
        assert!((fifth_root(32.0) - 2.0).abs() < 1e-12);
        assert!((fifth_root(0.5) - 0.870_550_563_296_124).abs() < 1e-12);
    }
}
