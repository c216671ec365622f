//! Interval arithmetic on figures' bounds ([`Interval`]): what the bounds of the inputs say
//! of a difference, a quotient or an increasing function of one, each end open or closed, and
//! unbounded where an input is. Derived figures take their bounds (and so their qualifier)
//! from these.

use crate::domain::figure::{Bound, Interval};

/// One end of an interval as an extended real: ±infinity where unbounded, and whether the
/// value is attained.
#[derive(Debug, Clone, Copy)]
struct End {
    value: f64,
    attained: bool,
}

fn lower_end(interval: Interval) -> End {
    interval.lower.map_or(
        End {
            value: f64::NEG_INFINITY,
            attained: false,
        },
        |b| End {
            value: b.value,
            attained: b.inclusive,
        },
    )
}

fn upper_end(interval: Interval) -> End {
    interval.upper.map_or(
        End {
            value: f64::INFINITY,
            attained: false,
        },
        |b| End {
            value: b.value,
            attained: b.inclusive,
        },
    )
}

/// A finite end as a bound; an infinite one is no bound.
fn bound(end: End) -> Option<Bound> {
    end.value.is_finite().then_some(Bound {
        value: end.value,
        inclusive: end.attained,
    })
}

/// `y - x`: from the least `y` less the most `x` to the most `y` less the least `x`.
pub fn difference(y: Interval, x: Interval) -> Interval {
    let end = |a: End, b: End| End {
        value: a.value - b.value,
        attained: a.attained && b.attained,
    };
    Interval {
        lower: bound(end(lower_end(y), upper_end(x))),
        upper: bound(end(upper_end(y), lower_end(x))),
    }
}

/// `y / x` where every `x` is positive; `None` when `x`'s bounds reach 0 or below (or leave
/// it unbounded below), where the quotient is not bounded by anything.
pub fn quotient(y: Interval, x: Interval) -> Option<Interval> {
    let least = x.lower?;
    if least.value < 0.0 || (least.value == 0.0 && least.inclusive) {
        return None;
    }
    // y / x is monotone in each of y and x (x > 0), so its extremes are at the corners of
    // the box, as limits where an end is open or infinite.
    let corner = |y: End, x: End| -> Option<End> {
        if y.value == 0.0 {
            // 0 / x is 0 for every x: attained with y's end.
            return Some(End {
                value: 0.0,
                attained: y.attained,
            });
        }
        if x.value.is_infinite() {
            // y / x tends to 0 as x grows; infinity over infinity is covered by the corners
            // on either side of it.
            return y.value.is_finite().then_some(End {
                value: 0.0,
                attained: false,
            });
        }
        if x.value == 0.0 {
            return Some(End {
                value: y.value.signum() * f64::INFINITY,
                attained: false,
            });
        }
        Some(End {
            value: y.value / x.value,
            attained: y.attained && x.attained,
        })
    };
    let corners: Vec<End> = [lower_end(y), upper_end(y)]
        .into_iter()
        .flat_map(|y_end| [lower_end(x), upper_end(x)].map(|x_end| corner(y_end, x_end)))
        .flatten()
        .collect();
    let extreme = |pick: fn(f64, f64) -> f64| {
        let value = corners.iter().map(|c| c.value).fold(corners[0].value, pick);
        End {
            value,
            attained: corners.iter().any(|c| c.value == value && c.attained),
        }
    };
    Some(Interval {
        lower: bound(extreme(f64::min)),
        upper: bound(extreme(f64::max)),
    })
}

/// `f` of every value in the interval, for `f` increasing and continuous on it.
pub fn increasing(interval: Interval, f: impl Fn(f64) -> f64) -> Interval {
    interval.map(f)
}

/// The interval times a positive factor known to lie from `least` to `most` (a rate of
/// exchange known to a range): each end moves to its farthest.
pub fn scaled(interval: Interval, least: f64, most: f64) -> Interval {
    let lower = interval.lower.map(|b| Bound {
        value: b.value * if b.value >= 0.0 { least } else { most },
        inclusive: b.inclusive,
    });
    let upper = interval.upper.map(|b| Bound {
        value: b.value * if b.value >= 0.0 { most } else { least },
        inclusive: b.inclusive,
    });
    Interval { lower, upper }
}

/// The least interval holding both.
pub fn hull(a: Interval, b: Interval) -> Interval {
    let lower = match (a.lower, b.lower) {
        (Some(x), Some(y)) if x.value < y.value => Some(x),
        (Some(x), Some(y)) if y.value < x.value => Some(y),
        (Some(x), Some(y)) => Some(Bound {
            value: x.value,
            inclusive: x.inclusive || y.inclusive,
        }),
        _ => None,
    };
    let upper = match (a.upper, b.upper) {
        (Some(x), Some(y)) if x.value > y.value => Some(x),
        (Some(x), Some(y)) if y.value > x.value => Some(y),
        (Some(x), Some(y)) => Some(Bound {
            value: x.value,
            inclusive: x.inclusive || y.inclusive,
        }),
        _ => None,
    };
    Interval { lower, upper }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::figure::Qualifier;

    fn stated(qualifier: Qualifier, value: f64) -> Interval {
        Interval::stated(qualifier, value)
    }

    /// An end as (value, inclusive).
    type End = Option<(f64, bool)>;

    fn ends(interval: Interval) -> (End, End) {
        (
            interval.lower.map(|b| (b.value, b.inclusive)),
            interval.upper.map(|b| (b.value, b.inclusive)),
        )
    }

    #[test]
    fn differences_worked_by_hand() {
        // Exact 110 less exact 100: exactly 10.
        let exact = difference(
            stated(Qualifier::Exact, 110.0),
            stated(Qualifier::Exact, 100.0),
        );
        assert_eq!(ends(exact), (Some((10.0, true)), Some((10.0, true))));
        // Over 440 less over 340: two lower bounds bound nothing.
        let over = difference(
            stated(Qualifier::Over, 440.0),
            stated(Qualifier::Over, 340.0),
        );
        assert_eq!(ends(over), (None, None));
        // At least 150 less exact 100: at least 50.
        let floor = difference(
            stated(Qualifier::AtLeast, 150.0),
            stated(Qualifier::Exact, 100.0),
        );
        assert_eq!(ends(floor), (Some((50.0, true)), None));
        // Exact 150 less over 100: less than 50, open, as 100 is.
        let ceiling = difference(
            stated(Qualifier::Exact, 150.0),
            stated(Qualifier::Over, 100.0),
        );
        assert_eq!(ends(ceiling), (None, Some((50.0, false))));
        // About 510 (505 to 515) less about 440 (435 to 445): 60 to 80.
        let about = difference(
            stated(Qualifier::About, 510.0),
            stated(Qualifier::About, 440.0),
        );
        assert_eq!(ends(about), (Some((60.0, true)), Some((80.0, true))));
    }

    #[test]
    fn quotients_worked_by_hand() {
        // Over 440 / over 340: from 0 (340 growing without bound) up, unbounded.
        let over = quotient(
            stated(Qualifier::Over, 440.0),
            stated(Qualifier::Over, 340.0),
        );
        assert_eq!(ends(over.unwrap()), (Some((0.0, false)), None));
        // Exact 12 / about 4 (3.5 to 4.5): 12/4.5 to 12/3.5, closed.
        let about = quotient(
            stated(Qualifier::Exact, 12.0),
            stated(Qualifier::About, 4.0),
        );
        assert_eq!(
            ends(about.unwrap()),
            (Some((12.0 / 4.5, true)), Some((12.0 / 3.5, true)))
        );
        // Over 2 / about 0.2 (0.15 to 0.25): more than 8, unbounded above.
        let marine = quotient(stated(Qualifier::Over, 2.0), stated(Qualifier::About, 0.2));
        assert_eq!(ends(marine.unwrap()), (Some((8.0, false)), None));
        // Less than -3 / exact 2: less than -1.5.
        let negative = quotient(
            stated(Qualifier::LessThan, -3.0),
            stated(Qualifier::Exact, 2.0),
        );
        assert_eq!(ends(negative.unwrap()), (None, Some((-1.5, false))));
        // A divisor whose bounds reach 0 bounds nothing.
        assert!(quotient(stated(Qualifier::Exact, 1.0), stated(Qualifier::About, 0.0)).is_none());
        assert!(quotient(
            stated(Qualifier::Exact, 1.0),
            stated(Qualifier::LessThan, 5.0)
        )
        .is_none());
    }

    #[test]
    fn scaling_by_a_range_moves_each_end_to_its_farthest() {
        let about = stated(Qualifier::About, 510.0);
        assert_eq!(
            ends(scaled(about, 2.0, 3.0)),
            (Some((1010.0, true)), Some((1545.0, true)))
        );
        let negative = Interval::point(-10.0);
        assert_eq!(
            ends(scaled(negative, 2.0, 3.0)),
            (Some((-30.0, true)), Some((-20.0, true)))
        );
        assert_eq!(ends(scaled(Interval::UNBOUNDED, 2.0, 3.0)), (None, None));
    }

    #[test]
    fn a_hull_holds_both() {
        let joined = hull(Interval::point(1.0), stated(Qualifier::About, 2.0));
        assert_eq!(ends(joined), (Some((1.0, true)), Some((2.5, true))));
        assert_eq!(
            ends(hull(Interval::point(1.0), stated(Qualifier::Over, 0.0))),
            (Some((0.0, false)), None)
        );
    }

    fn qualifier() -> impl Strategy<Value = Qualifier> {
        use crate::domain::figure::column::Word;
        proptest::sample::select(Qualifier::WORDS).prop_map(|w| Qualifier::from_word(w).unwrap())
    }

    proptest! {
        /// The difference of two stated values is within the difference of their bounds, and
        /// of two exact values is exact.
        #[test]
        fn a_difference_holds_the_difference_of_any_values_within(
            (qy, y) in (qualifier(), 1.0f64..1e6),
            (qx, x) in (qualifier(), 1.0f64..1e6),
            (ty, tx) in (0.0f64..1.0, 0.0f64..1.0),
        ) {
            let (iy, ix) = (stated(qy, y), stated(qx, x));
            // A value within each interval: an end, or past it where it is unbounded.
            let pick = |i: Interval, t: f64, v: f64| match (i.lower, i.upper) {
                (Some(l), Some(u)) => l.value + t * (u.value - l.value),
                (Some(l), None) => l.value + t * v + 1e-6,
                (None, Some(u)) => u.value - t * v - 1e-6,
                (None, None) => v * (t - 0.5),
            };
            let (vy, vx) = (pick(iy, ty, y), pick(ix, tx, x));
            prop_assume!(iy.contains(vy) && ix.contains(vx));
            let d = difference(iy, ix);
            prop_assert!(d.lower.is_none_or(|l| l.value <= vy - vx + 1e-6));
            prop_assert!(d.upper.is_none_or(|u| u.value >= vy - vx - 1e-6));
            if qy == Qualifier::Exact && qx == Qualifier::Exact {
                prop_assert_eq!(d.qualifier(y - x), Qualifier::Exact);
            }
        }
    }
}
