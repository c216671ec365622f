//! A figure's bounds: the interval its true value lies in. A stated figure's comes from its
//! qualifier ([`Interval::stated`]); a derived figure's from the bounds of its inputs (interval
//! arithmetic, in [`crate::domain::analytics::interval`]), and its qualifier from the interval
//! ([`Interval::qualifier`]). Bounds are in the figure's own `scale` and `unit`, as `value` is.

use serde::Serialize;

use super::Qualifier;

/// One end of a figure's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Bound {
    #[serde(serialize_with = "super::serialize_number")]
    pub value: f64,
    pub inclusive: bool,
}

/// An interval of the real line; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Interval {
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
}

impl Bound {
    pub fn inclusive(value: f64) -> Bound {
        Bound {
            value,
            inclusive: true,
        }
    }

    pub fn exclusive(value: f64) -> Bound {
        Bound {
            value,
            inclusive: false,
        }
    }
}

impl Interval {
    /// Nothing is known: the whole real line.
    pub const UNBOUNDED: Interval = Interval {
        lower: None,
        upper: None,
    };

    /// One value, known exactly.
    pub fn point(value: f64) -> Interval {
        Interval {
            lower: Some(Bound::inclusive(value)),
            upper: Some(Bound::inclusive(value)),
        }
    }

    /// What a figure stated as `value` with `qualifier` says of its true value:
    /// - `exact`: the value itself;
    /// - `at_least`: the value or more; `over`: more than the value;
    /// - `about`: the value ± [`about_tolerance`] (half a unit of its last significant digit);
    /// - `nearly`: up to the value, from the value less that tolerance;
    /// - `less_than`: less than the value;
    /// - `indeterminate`: nothing.
    pub fn stated(qualifier: Qualifier, value: f64) -> Interval {
        let tolerance = about_tolerance(value);
        let (lower, upper) = match qualifier {
            Qualifier::Exact => return Interval::point(value),
            Qualifier::AtLeast => (Some(Bound::inclusive(value)), None),
            Qualifier::Over => (Some(Bound::exclusive(value)), None),
            Qualifier::About => (
                Some(Bound::inclusive(value - tolerance)),
                Some(Bound::inclusive(value + tolerance)),
            ),
            Qualifier::Nearly => (
                Some(Bound::inclusive(value - tolerance)),
                Some(Bound::inclusive(value)),
            ),
            Qualifier::LessThan => (None, Some(Bound::exclusive(value))),
            Qualifier::Indeterminate => (None, None),
        };
        Interval { lower, upper }
    }

    /// The qualifier that says what the interval knows of `value`: `exact` for the point
    /// itself; `about` for any interval bounded on both sides; `at_least` or `over` when the
    /// value is its lower bound and there is no upper one; `less_than` when the value is its
    /// exclusive upper bound and there is no lower one; otherwise `indeterminate` (the
    /// interval does not bound the value on one side or both).
    pub fn qualifier(&self, value: f64) -> Qualifier {
        match (self.lower, self.upper) {
            (Some(lower), Some(upper))
                if lower.value == value && upper.value == value && lower.inclusive =>
            {
                Qualifier::Exact
            }
            (Some(_), Some(_)) => Qualifier::About,
            (Some(lower), None) if lower.value == value => {
                if lower.inclusive {
                    Qualifier::AtLeast
                } else {
                    Qualifier::Over
                }
            }
            (None, Some(upper)) if upper.value == value && !upper.inclusive => Qualifier::LessThan,
            _ => Qualifier::Indeterminate,
        }
    }

    /// Whether `value` lies in the interval.
    pub fn contains(&self, value: f64) -> bool {
        let above = self
            .lower
            .is_none_or(|lower| value > lower.value || (lower.inclusive && value == lower.value));
        let below = self
            .upper
            .is_none_or(|upper| value < upper.value || (upper.inclusive && value == upper.value));
        above && below
    }

    /// Each bound passed through `f`, which must be increasing: a change of scale, a rounding.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Interval {
        let end = |bound: Option<Bound>| {
            bound.map(|b| Bound {
                value: f(b.value),
                inclusive: b.inclusive,
            })
        };
        Interval {
            lower: end(self.lower),
            upper: end(self.upper),
        }
    }

    /// The interval in words, for a note: "at least 45", "more than -100 and at most 5",
    /// "unbounded".
    pub fn describe(&self, show: impl Fn(f64) -> String) -> String {
        let lower = self.lower.map(|b| {
            let word = if b.inclusive { "at least" } else { "more than" };
            format!("{word} {}", show(b.value))
        });
        let upper = self.upper.map(|b| {
            let word = if b.inclusive { "at most" } else { "less than" };
            format!("{word} {}", show(b.value))
        });
        match (lower, upper) {
            (Some(lower), Some(upper)) => format!("{lower} and {upper}"),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => "unbounded".to_owned(),
        }
    }
}

/// How far an `about` figure may be from its true value: half a unit of the last significant
/// digit of its value as stated (trailing zeros of a whole number are not significant). About
/// 510 (billion) is 505 to 515; about 77,000 is 76,500 to 77,500; about 70.3 is 70.25 to 70.35.
pub fn about_tolerance(value: f64) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    // Rust writes the shortest digits that read back as the value, never in exponent form.
    let digits = format!("{}", value.abs());
    let exponent = match digits.split_once('.') {
        Some((_, decimals)) => -(decimals.len() as i32),
        None if value == 0.0 => 0,
        None => digits.bytes().rev().take_while(|&b| b == b'0').count() as i32,
    };
    0.5 * 10f64.powi(exponent)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::figure::column::Word;

    #[test]
    fn the_tolerance_of_about_is_half_the_last_significant_digit() {
        assert_eq!(about_tolerance(510.0), 5.0);
        assert_eq!(about_tolerance(77_000.0), 500.0);
        assert_eq!(about_tolerance(20.0), 5.0);
        assert_eq!(about_tolerance(7.0), 0.5);
        assert!((about_tolerance(70.3) - 0.05).abs() < 1e-15);
        assert!((about_tolerance(-1.25) - 0.005).abs() < 1e-15);
        assert_eq!(about_tolerance(0.0), 0.5);
    }

    #[test]
    fn each_qualifier_states_its_interval() {
        let bounds = |q| {
            let i = Interval::stated(q, 510.0);
            (
                i.lower.map(|b| (b.value, b.inclusive)),
                i.upper.map(|b| (b.value, b.inclusive)),
            )
        };
        assert_eq!(
            bounds(Qualifier::Exact),
            (Some((510.0, true)), Some((510.0, true)))
        );
        assert_eq!(bounds(Qualifier::AtLeast), (Some((510.0, true)), None));
        assert_eq!(bounds(Qualifier::Over), (Some((510.0, false)), None));
        assert_eq!(
            bounds(Qualifier::About),
            (Some((505.0, true)), Some((515.0, true)))
        );
        assert_eq!(
            bounds(Qualifier::Nearly),
            (Some((505.0, true)), Some((510.0, true)))
        );
        assert_eq!(bounds(Qualifier::LessThan), (None, Some((510.0, false))));
        assert_eq!(bounds(Qualifier::Indeterminate), (None, None));
    }

    #[test]
    fn an_interval_describes_itself() {
        let show = |v: f64| v.to_string();
        assert_eq!(Interval::UNBOUNDED.describe(show), "unbounded");
        assert_eq!(
            Interval::stated(Qualifier::Over, 3.0).describe(show),
            "more than 3"
        );
        assert_eq!(
            Interval::stated(Qualifier::About, 20.0).describe(show),
            "at least 15 and at most 25"
        );
        assert_eq!(
            Interval::stated(Qualifier::LessThan, 1.0).describe(show),
            "less than 1"
        );
    }

    fn qualifier() -> impl Strategy<Value = Qualifier> {
        proptest::sample::select(Qualifier::WORDS).prop_map(|w| Qualifier::from_word(w).unwrap())
    }

    /// Values as sources print them: up to two decimals.
    fn printed() -> impl Strategy<Value = f64> {
        (-100_000_000_000i64..100_000_000_000).prop_map(|cents| cents as f64 / 100.0)
    }

    proptest! {
        /// A stated figure's value is within its bounds, but where a qualifier excludes it.
        #[test]
        fn the_value_is_within_its_bounds_unless_excluded(
            q in qualifier(),
            value in printed(),
        ) {
            let interval = Interval::stated(q, value);
            let excluded = matches!(q, Qualifier::Over | Qualifier::LessThan);
            prop_assert_eq!(interval.contains(value), !excluded);
        }

        /// What a qualifier states, the interval says back (but `nearly`, which is `about`
        /// once it is only an interval).
        #[test]
        fn an_interval_gives_back_the_qualifier_it_was_stated_with(
            q in qualifier(),
            value in printed(),
        ) {
            let back = Interval::stated(q, value).qualifier(value);
            let expected = if q == Qualifier::Nearly { Qualifier::About } else { q };
            prop_assert_eq!(back, expected);
        }
    }
}
