//! The simulation behind the figures: seeded random streams, and each subject's annual and
//! monthly path in every region (trend, regional drift, national shocks, seasonality, noise).
//! Only IEEE arithmetic (no libm functions), so every platform computes the same values.

use super::catalogue::{Subject, REGIONS, SIMULATED_YEARS, SIMULATION_START};

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough for synthetic data.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly standard normal (Irwin-Hall: twelve uniforms), from additions alone.
    pub(super) fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

/// A stream of its own for each (seed, purpose, number), independent of batch sizes.
pub(super) fn stream(seed: u64, purpose: u64, number: u64) -> Rng {
    let mut mixer = Rng::new(seed ^ purpose.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let key = mixer.next_u64() ^ number.wrapping_mul(0xA076_1D64_78BD_642F);
    Rng::new(Rng::new(key).next_u64())
}

pub(super) const SUBJECT_PATHS: u64 = 1;
pub(super) const QUALIFIERS: u64 = 2;
pub(super) const CORRECTED: u64 = 3;
pub(super) const CORRECTION: u64 = 4;
pub(super) const RETRACTED: u64 = 5;

/// x^(1/5) by Newton's method from above (arithmetic only, so identical everywhere).
pub(super) fn fifth_root(a: f64) -> f64 {
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

/// One subject simulated in every region: annual totals from 1990 and monthly values.
pub(super) struct SubjectPaths {
    /// [region][year since 1990]
    pub(super) annual: Vec<[f64; SIMULATED_YEARS]>,
    /// [region][month since January 1990]
    pub(super) monthly: Vec<Vec<f64>>,
}

/// Growth every subject shares in a year: the crisis of 2009 and the pandemic.
pub(super) fn national_shock(year: i32) -> f64 {
    match year {
        2009 => -0.04,
        2020 => -0.05,
        2021 => 0.03,
        2022 => -0.02,
        _ => 0.0,
    }
}

pub(super) fn simulate(subject: &Subject, seed: u64, number: usize) -> SubjectPaths {
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
