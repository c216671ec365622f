//! The SQL the figure reads push, checked against the domain it mirrors.

use std::hash::BuildHasher;

use sqlx::{QueryBuilder, Sqlite};

use super::{push_value, ObservationFilter};
use crate::domain::analytics::conversion::{presented_units, Currency, Exchange};
use crate::domain::figure::column::Word;
use crate::domain::figure::{Observation, Unit};

/// The SQL of a presented amount computes what the domain does, figure by figure: the
/// same digits counted, the same rounding (checked on a spread of values, signs, scales
/// and digit counts, the article's among them).
#[tokio::test]
async fn the_sql_of_a_presented_amount_is_the_domains() {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
    let mut values = vec![510.0, 1.0, 1.1, 137.97, 10.0, 100.0, 2.0, 275.86, 0.0, 14.5];
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..400 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let digits = (seed % 9) as i32;
        let magnitude = ((seed >> 8) % 16) as i32 - 4;
        let mantissa = (seed >> 16) % 10u64.pow(digits as u32 + 1);
        let sign = if seed & 1 == 0 { 1.0 } else { -1.0 };
        values.push(sign * mantissa as f64 * 10f64.powi(magnitude - digits));
    }
    for to in [Currency::Usd, Currency::Cny] {
        let exchange = Exchange {
            to,
            cny_per_usd: 7.250_054_375_407_815_5,
        };
        for (index, value) in values.iter().enumerate() {
            let unit = [Unit::Cny, Unit::Usd, Unit::Count][index % 3];
            let figure = Observation {
                value: *value,
                unit,
                value_in_units: value * 1e9,
                ..Observation::default()
            };
            let mut query = QueryBuilder::<Sqlite>::new("SELECT ");
            push_value(&mut query, Some(exchange));
            query
                .push(" FROM (SELECT ")
                .push_bind(unit.word())
                .push(" AS unit, ")
                .push_bind(figure.value)
                .push(" AS value, ")
                .push_bind(figure.value_in_units)
                .push(" AS value_in_units) o");
            let sql: f64 = query.build_query_scalar().fetch_one(&pool).await.unwrap();
            let rust = presented_units(&figure, Some(exchange));
            assert_eq!(sql, rust, "{value} {unit:?} to {to:?}");
        }
    }
}

fn filter(min: Option<f64>) -> ObservationFilter {
    ObservationFilter {
        regions: vec!["guangdong".to_owned()],
        years: vec![2024],
        min,
        ..Default::default()
    }
}

#[test]
fn filters_with_the_same_fields_are_one_key() {
    let hasher = std::collections::hash_map::RandomState::new();
    let (a, b) = (filter(Some(1e12)), filter(Some(1e12)));
    assert_eq!(a, b);
    assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
    let nan = filter(Some(f64::NAN));
    assert_eq!(nan, nan.clone(), "a key always equals itself");
}

#[test]
fn filters_that_differ_in_any_field_are_two_keys() {
    let base = filter(Some(1e12));
    assert_ne!(base, filter(Some(2e12)));
    assert_ne!(base, filter(None));
    let other_year = ObservationFilter {
        years: vec![2023],
        ..base.clone()
    };
    assert_ne!(base, other_year);
    // The same words in another field select other figures.
    let as_unit = ObservationFilter {
        regions: Vec::new(),
        units: vec!["guangdong".to_owned()],
        ..base.clone()
    };
    assert_ne!(base, as_unit);
    let at_a_time = ObservationFilter {
        as_of: Some("2025-01-01T00:00:00Z".to_owned()),
        ..base.clone()
    };
    assert_ne!(base, at_a_time);
}
