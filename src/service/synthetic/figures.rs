//! The figures of a run in their fixed order, each rendered as an import row would state it:
//! id, value in its scale, the words a bulletin would print, period.

use std::collections::VecDeque;

use super::catalogue::{
    indicator_id, level_scale, per_resident, population, region_id, scale_factor, Measure,
    Quantity::{Count, Yuan},
    FIRST_YEAR, LAST_YEAR, MAX_OBSERVATIONS, MEASURES, MONTHS, REGIONS, SIMULATION_START,
    SOURCE_ID, SUBJECTS,
};
use super::simulate::{fifth_root, simulate, stream, SubjectPaths, QUALIFIERS};
use crate::domain::figure::column::Word;
use crate::domain::figure::FigureRecord;

/// When a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
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
    pub(super) subject: usize,
    pub(super) region: usize,
    pub(super) measure: Measure,
    pub(super) when: When,
    pub(super) raw: f64,
}

/// The figures of a run, in order: subject by subject, region by region, measure by measure,
/// each series in time order (a year's months, then the year).
pub struct Figures {
    pub(super) seed: u64,
    pub(super) limit: usize,
    pub(super) next_index: usize,
    pub(super) subject: usize,
    pub(super) region: usize,
    pub(super) paths: Option<SubjectPaths>,
    pub(super) buffer: VecDeque<Draft>,
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
    pub(super) fn refill(&mut self) {
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

pub(super) fn round_to(value: f64, decimals: usize) -> f64 {
    let factor = [1.0, 10.0, 100.0][decimals.min(2)];
    (value * factor).round() / factor
}

/// `value` with `decimals` and thousands separated: 12,345.67.
pub(super) fn grouped(value: f64, decimals: usize) -> String {
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

/// The figure a draft stands for, its value `raw` (the draft's, or a revised one).
pub(super) fn render(seed: u64, draft: &Draft, raw: f64) -> FigureRecord {
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
        value,
        scale: word(scale),
        unit: word(measure.unit(subject.quantity)),
        qualifier: word(if about { "about" } else { "exact" }),
        stated,
        period_kind: word(period_kind),
        period_start: Some(start),
        period_end: Some(end),
        period_label: label,
        equivalent_of: None,
        restates: None,
        source_id: SOURCE_ID.to_owned(),
        section: subject.name.to_owned(),
        // No cluster, company, city plan, link, speaker, citation or note.
        ..FigureRecord::default()
    }
}

/// The value of one of the words the generator writes (all of them known).
fn word<T: Word>(word: &str) -> T {
    T::from_word(word).unwrap_or_else(|| panic!("'{word}' is a word of its kind"))
}
