use proptest::prelude::*;

use super::{transform_series, Transform};
use crate::domain::analytics::fixtures::{in_period, qualified, yearly};
use crate::domain::analytics::series::{place, Frequency, Subject};
use crate::domain::figure::{Interval, Observation, PeriodKind, Qualifier, Unit};

/// Robots made: 100 in 2020, 110 in 2021 and 121 in 2023 (no 2022 figure).
fn robots() -> Vec<Observation> {
    vec![
        yearly("robots-2023", "robots", "2023", 121.0, Unit::Count),
        yearly("robots-2020", "robots", "2020", 100.0, Unit::Count),
        yearly("robots-2021", "robots", "2021", 110.0, Unit::Count),
    ]
}

fn values(derived: &[Observation]) -> Vec<f64> {
    derived.iter().map(|d| d.value).collect()
}

/// A month's figure of `indicator`: a span of one month.
fn monthly(id: &str, indicator: &str, month: &str, value: f64) -> Observation {
    let figure = yearly(id, indicator, &month[..4], value, Unit::Count);
    Observation {
        period_sort_key: month.to_owned(),
        ..in_period(figure, PeriodKind::Span, month, month)
    }
}

#[test]
fn change_is_the_difference_between_consecutive_periods() {
    let derived = transform_series(&robots(), Transform::Change).figures;
    assert_eq!(values(&derived), [10.0, 11.0]);
    let first = &derived[0];
    assert_eq!(first.id, "robots-change-guangdong-2020-2021");
    assert_eq!(first.indicator_id, "robots");
    assert_eq!(first.region_id, "guangdong");
    assert_eq!(first.stated, "change of the robots from 2020 to 2021");
    assert_eq!(first.formula.as_deref(), Some("110 - 100"));
    assert_eq!(first.unit, Unit::Count);
    assert_eq!(first.qualifier, Qualifier::Exact);
    assert_eq!(first.bounds(), Interval::point(10.0));
    assert_eq!(first.period_kind, PeriodKind::Span);
    assert_eq!(first.period_label, "2020 to 2021");
    assert_eq!(
        (first.period_start.as_deref(), first.period_end.as_deref()),
        (Some("2020"), Some("2021"))
    );
    assert_eq!(
        first.derived_from,
        Some(vec!["robots-2020".to_owned(), "robots-2021".to_owned()])
    );
    assert_eq!(derived[1].id, "robots-change-guangdong-2021-2023");
}

#[test]
fn percent_change_and_cagr_spread_growth_over_the_years_between() {
    let pct = transform_series(&robots(), Transform::PctChange).figures;
    assert_eq!(values(&pct), [10.0, 10.0], "110/100 and 121/110");
    assert_eq!(pct[1].formula.as_deref(), Some("(121 / 110 - 1) × 100"));
    assert_eq!(pct[1].unit, Unit::Percent);
    // Over two years, 10% in all is 4.88% a year: (1.1^(1/2) - 1) × 100.
    let cagr = transform_series(&robots(), Transform::Cagr).figures;
    assert_eq!(values(&cagr), [10.0, 4.88088482]);
    assert_eq!(
        cagr[1].formula.as_deref(),
        Some("((121 / 110)^(1/2) - 1) × 100")
    );
    assert_eq!(cagr[1].id, "robots-cagr-guangdong-2021-2023");
}

#[test]
fn cagr_counts_the_real_time_between_months() {
    // 100 in January, 101 in February: 1% in a month is 12.68% a year.
    let months = [
        monthly("m-01", "output", "2024-01", 100.0),
        monthly("m-02", "output", "2024-02", 101.0),
    ];
    let cagr = transform_series(&months, Transform::Cagr).figures;
    assert_eq!(values(&cagr), [12.6825030]);
    assert_eq!(
        cagr[0].formula.as_deref(),
        Some("((101 / 100)^(12/1) - 1) × 100")
    );
    assert_eq!(cagr[0].period_label, "2024-01 to 2024-02");
}

#[test]
fn a_monthly_figure_never_pairs_with_a_yearly_one() {
    // The case: December 1995, then the year 1996.
    let figures = [
        monthly("gdp-1995-12", "gdp", "1995-12", 10.0),
        yearly("gdp-1996", "gdp", "1996", 97.6, Unit::Count),
    ];
    let transformed = transform_series(&figures, Transform::PctChange);
    assert!(transformed.figures.is_empty());
    let note = &transformed.notes[0];
    assert_eq!(note.figures, ["gdp-1995-12", "gdp-1996"]);
    assert_eq!(
        note.note,
        "gdp in guangdong: gdp-1995-12 (monthly, 1995-12), gdp-1996 (yearly, 1996) are of \
         different frequencies, none with another of its own."
    );
}

#[test]
fn the_change_of_a_percentage_is_in_percentage_points() {
    let shares = [
        yearly("share-2023", "share", "2023", 40.0, Unit::Percent),
        yearly("share-2024", "share", "2024", 44.0, Unit::Percent),
    ];
    let derived = transform_series(&shares, Transform::Change).figures;
    assert_eq!(values(&derived), [4.0]);
    assert_eq!(derived[0].unit, Unit::PercentagePoints);
}

#[test]
fn undefined_arithmetic_and_the_level_give_nothing_and_say_why() {
    let from_zero = [
        yearly("a-2023", "a", "2023", 0.0, Unit::Count),
        yearly("a-2024", "a", "2024", 5.0, Unit::Count),
    ];
    let pct = transform_series(&from_zero, Transform::PctChange);
    assert!(pct.figures.is_empty());
    assert_eq!(
        pct.notes[0].note,
        "a in guangdong: no pct_change from a-2023 to a-2024: the earlier value is 0."
    );
    let cagr = transform_series(&from_zero, Transform::Cagr);
    assert!(cagr.notes[0].note.contains("between positive values only"));
    assert_eq!(
        values(&transform_series(&from_zero, Transform::Change).figures),
        [5.0]
    );
    let level = transform_series(&robots(), Transform::Level);
    assert!(level.figures.is_empty() && level.notes.is_empty());
    // Two figures of one year are no change over time.
    let same_year = [
        yearly("b-1", "b", "2024", 1.0, Unit::Count),
        yearly("b-2", "b", "2024", 2.0, Unit::Count),
    ];
    let same = transform_series(&same_year, Transform::Change);
    assert!(same.figures.is_empty());
    assert_eq!(
        same.notes[0].note,
        "b in guangdong: b-1 and b-2 state the same yearly period (2024), so neither is paired."
    );
}

#[test]
fn only_dated_stated_figures_are_points_of_a_series_and_the_others_are_named() {
    let mut figures = robots();
    let target = in_period(
        yearly("robots-target", "robots", "2027", 500.0, Unit::Count),
        PeriodKind::Target,
        "2022",
        "2027",
    );
    let mut undated = yearly("robots-undated", "robots", "2022", 1.0, Unit::Count);
    undated.period_kind = PeriodKind::Unspecified;
    let repeat = Observation {
        restates: Some("robots-2021".to_owned()),
        ..yearly("robots-caption", "robots", "2022", 2.0, Unit::Count)
    };
    figures.extend([target, undated, repeat]);
    let transformed = transform_series(&figures, Transform::Change);
    assert_eq!(values(&transformed.figures), [10.0, 11.0]);
    let note = &transformed.notes[0];
    assert_eq!(
        note.figures,
        ["robots-target", "robots-undated", "robots-caption"]
    );
    assert_eq!(
        note.note,
        "robots in guangdong: robots-caption repeats another figure (a caption or an \
         infographic); robots-target is a target, not a period of a series; robots-undated \
         carries no years, or a period without a start or an end."
    );
}

#[test]
fn each_subject_is_its_own_series_and_ids_name_it() {
    let in_region = |id: &str, region: &str, year: &str, value: f64| {
        let mut figure = yearly(id, "output", year, value, Unit::Count);
        figure.region_id = region.to_owned();
        figure
    };
    let mut automotive = in_region("gd-auto-2024", "guangdong", "2024", 7.0);
    automotive.cluster_id = Some("automotive".to_owned());
    let figures = [
        in_region("sz-2023", "shenzhen", "2023", 1.0),
        in_region("sz-2024", "shenzhen", "2024", 3.0),
        in_region("gd-2023", "guangdong", "2023", 100.0),
        automotive,
        in_region("gd-2024", "guangdong", "2024", 150.0),
    ];
    let transformed = transform_series(&figures, Transform::Change);
    let ids: Vec<&str> = transformed.figures.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "output-change-guangdong-2023-2024",
            "output-change-shenzhen-2023-2024"
        ]
    );
    assert_eq!(transformed.notes.len(), 1);
    assert_eq!(
        transformed.notes[0].note,
        "output in guangdong (cluster automotive): gd-auto-2024 (yearly, 2024) is the only \
         figure of its frequency."
    );
}

#[test]
fn qualifiers_become_bounds_and_the_bounds_a_qualifier() {
    // Over 340 to over 440: the change and the growth are indeterminate.
    let over = [
        qualified(
            yearly("t-2020", "t", "2020", 340.0, Unit::Count),
            Qualifier::Over,
        ),
        qualified(
            yearly("t-2023", "t", "2023", 440.0, Unit::Count),
            Qualifier::Over,
        ),
    ];
    let change = &transform_series(&over, Transform::Change).figures[0];
    assert_eq!(change.qualifier, Qualifier::Indeterminate);
    assert_eq!(change.bounds(), Interval::UNBOUNDED);
    assert!(change.note.as_deref().unwrap().starts_with("Unbounded: "));
    let pct = &transform_series(&over, Transform::PctChange).figures[0];
    assert_eq!(pct.qualifier, Qualifier::Indeterminate);
    assert_eq!(
        (pct.lower_bound, pct.lower_bound_inclusive, pct.upper_bound),
        (Some(-100.0), Some(false), None),
        "a ratio of two values over something is more than 0"
    );
    // Exact 100 to at least 150: a change of at least 50.
    let floor = [
        yearly("f-2023", "f", "2023", 100.0, Unit::Count),
        qualified(
            yearly("f-2024", "f", "2024", 150.0, Unit::Count),
            Qualifier::AtLeast,
        ),
    ];
    let change = &transform_series(&floor, Transform::Change).figures[0];
    assert_eq!(change.qualifier, Qualifier::AtLeast);
    assert_eq!((change.lower_bound, change.upper_bound), (Some(50.0), None));
    // About 510 to about 440: from 435 - 515 = -80 to 445 - 505 = -60.
    let about = [
        qualified(
            yearly("a-2023", "a", "2023", 510.0, Unit::Count),
            Qualifier::About,
        ),
        qualified(
            yearly("a-2024", "a", "2024", 440.0, Unit::Count),
            Qualifier::About,
        ),
    ];
    let change = &transform_series(&about, Transform::Change).figures[0];
    assert_eq!(change.qualifier, Qualifier::About);
    assert_eq!(
        (change.value, change.lower_bound, change.upper_bound),
        (-70.0, Some(-80.0), Some(-60.0))
    );
}

#[test]
fn transforms_are_named_as_the_api_accepts_them() {
    for transform in [
        Transform::Level,
        Transform::Change,
        Transform::PctChange,
        Transform::Cagr,
    ] {
        assert_eq!(Transform::parse(transform.word()), Some(transform));
    }
    assert_eq!(Transform::parse("yoy"), None);
}

/// A figure of one of two indicators, two regions, three frequencies.
fn any_figure() -> impl Strategy<Value = Observation> {
    (
        0..2usize,
        0..2usize,
        0..3usize,
        2020..2024i32,
        1..=12i32,
        1.0f64..1000.0,
    )
        .prop_map(|(indicator, region, frequency, year, month, value)| {
            let indicator = ["gdp", "exports"][indicator];
            let id = format!("{indicator}-{region}-{frequency}-{year}-{month}");
            let mut figure = yearly(&id, indicator, &year.to_string(), value, Unit::Count);
            figure.region_id = ["guangdong", "shenzhen"][region].to_owned();
            match frequency {
                0 => figure,
                1 => {
                    let month = format!("{year}-{month:02}");
                    in_period(figure, PeriodKind::Span, &month, &month)
                }
                _ => in_period(
                    figure,
                    PeriodKind::Span,
                    &(year - 4).to_string(),
                    &year.to_string(),
                ),
            }
        })
}

proptest! {
    /// However mixed the input, a derived figure's two inputs are of one subject and one
    /// frequency, the later period after the earlier.
    #[test]
    fn a_transform_never_pairs_across_frequencies_or_subjects(
        figures in proptest::collection::vec(any_figure(), 0..40),
        transform in proptest::sample::select(vec![
            Transform::Change, Transform::PctChange, Transform::Cagr,
        ]),
    ) {
        let derived = transform_series(&figures, transform).figures;
        let mut ids = std::collections::HashSet::new();
        for figure in &derived {
            prop_assert!(ids.insert(figure.id.clone()), "{} twice", figure.id);
            let inputs = figure.derived_from.as_ref().unwrap();
            let find = |id: &String| figures.iter().find(|f| &f.id == id).unwrap();
            let (a, b) = (find(&inputs[0]), find(&inputs[1]));
            prop_assert_eq!(Subject::of(a), Subject::of(b));
            let (ma, mb) = (place(a).unwrap(), place(b).unwrap());
            prop_assert_eq!(Frequency::of(ma), Frequency::of(mb));
            prop_assert!(mb.first > ma.first);
        }
    }

    /// The change from x to y is y - x, exactly for exact figures.
    #[test]
    fn the_change_of_x_then_y_is_y_minus_x(x in -1e9f64..1e9, y in -1e9f64..1e9) {
        let figures = [
            yearly("v-2023", "v", "2023", x, Unit::Count),
            yearly("v-2024", "v", "2024", y, Unit::Count),
        ];
        let change = &transform_series(&figures, Transform::Change).figures[0];
        let expected = crate::domain::analytics::numbers::significant(y - x);
        prop_assert_eq!(change.value, expected);
        prop_assert_eq!(change.qualifier, Qualifier::Exact);
        prop_assert_eq!(change.bounds(), Interval::point(expected));
    }

    /// A constant series grows by 0 % a year, whatever the periods and the gaps between them.
    #[test]
    fn the_cagr_of_a_constant_series_is_zero(
        value in 0.001f64..1e12,
        years in proptest::collection::btree_set(1990..2030i32, 2..6),
    ) {
        let figures: Vec<Observation> = years
            .iter()
            .map(|year| yearly(&format!("c-{year}"), "c", &year.to_string(), value, Unit::Cny))
            .collect();
        let cagr = transform_series(&figures, Transform::Cagr).figures;
        prop_assert_eq!(cagr.len(), years.len() - 1);
        for figure in cagr {
            prop_assert_eq!(figure.value, 0.0);
            prop_assert_eq!(figure.qualifier, Qualifier::Exact);
        }
    }
}
