//! Analytics over the stored figures, one file per job: the exchange rate the source itself
//! implies, currency and scale conversion, FRED-style transforms of a series, figures implied
//! by relative statements, and the consistency report that checks the source against itself.
//! Pure functions over [`Observation`](crate::domain::figure::Observation)s: the service loads
//! the handful of figures each one reads, the handlers and the `check` command render.

/// Inconsistencies known and accepted (`check --accept`), and a report judged against them.
pub mod accepted;
/// What a report checks: every claim the other figures can check, with a verdict.
pub mod consistency;
/// Money figures re-expressed in another currency or scale.
pub mod conversion;
/// The figure computed from stated ones, shared by transforms and relations.
pub mod derived;
/// The yuan-per-dollar rate the source's printed pairs imply.
pub mod exchange_rate;
/// Figures for the unit tests.
#[cfg(test)]
mod fixtures;
/// Interval arithmetic on figures' bounds.
pub mod interval;
/// Rounding, scales and enum names the analyses share.
pub mod numbers;
/// Figures stated relatively, and the figures they imply.
pub mod relations;
/// The report as terminal text.
pub mod report_text;
/// What makes figures one series: a subject at one frequency.
pub mod series;
/// Change, percent change and CAGR of a series.
pub mod transforms;
