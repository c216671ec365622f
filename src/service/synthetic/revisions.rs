//! The revision pass: which figures a run corrects or retracts (each by a draw of its own),
//! and the corrected figure, always different once rounded.

use super::catalogue::{scale_factor, Measure, REGIONS, SUBJECTS};
use super::figures::{render, Draft};
use super::simulate::{stream, CORRECTED, CORRECTION, RETRACTED};
use crate::domain::figure::column::Word;
use crate::domain::figure::FigureRecord;

/// One figure in this many is retracted by the revision pass (at least one).
pub(super) const RETRACTED_ONE_IN: usize = 10_000;

/// What the revision pass does to a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Revision {
    Correct,
    Retract,
}

/// Which figures the revision pass corrects or retracts: each figure by a draw of its own, so
/// the choice does not depend on batch sizes.
pub(super) struct RevisionChoice {
    pub(super) seed: u64,
    pub(super) corrected_fraction: f64,
    /// Figures are retracted one per `stride`, at a seeded place within it.
    pub(super) stride: usize,
}

impl RevisionChoice {
    pub(super) fn new(seed: u64, observations: usize, revisions_percent: f64) -> RevisionChoice {
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

    pub(super) fn of(&self, index: usize) -> Option<Revision> {
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

pub(super) const CORRECTION_REASONS: [&str; 3] = [
    "revised with the annual statistical yearbook",
    "revised after the economic census",
    "corrected an error in the reporting unit's return",
];
pub(super) const RETRACTION_REASON: &str =
    "withdrawn: the reporting unit's data failed verification";

/// A corrected value: a little off the first, and never the same once rounded.
pub(super) fn corrected(seed: u64, draft: &Draft, original: &FigureRecord) -> FigureRecord {
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
        let step = [1.0, 0.1, 0.01][draft.measure.decimals(subject).min(2)]
            * scale_factor(figure.scale.word());
        let sign = if nudge < 0.0 && figure.value > 0.0 {
            -1.0
        } else {
            1.0
        };
        figure = render(
            seed,
            draft,
            (figure.value * scale_factor(figure.scale.word())) + sign * step,
        );
    }
    figure
}
