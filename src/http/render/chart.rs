//! Server-rendered SVG charts of an indicator's series, drawn with plotters' SVG backend.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One bar: the period label, the value in plain units, and the qualifier mark ("≥", "≈"...).
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub mark: &'static str,
}

pub struct ChartSpec<'a> {
    pub title: &'a str,
    /// Axis description of the values, e.g. "billion yuan".
    pub unit_label: &'a str,
    /// Divide values by this to plot them in `unit_label`.
    pub divisor: f64,
    /// Footer lines: the source, the key to the qualifier marks, any key to the bars.
    pub attribution: &'a [String],
    /// What the x axis shows ("period", or "figure" when bars are keyed in the footer).
    pub x_description: &'a str,
    pub width: u32,
    pub height: u32,
}

/// The largest size a bar may have in the unit drawn. The axis's range is computed from its
/// bars (with a fifth more room), and plotters spins or overflows on a range near the
/// largest double: 1.6e308 drew for ever. Figures an import takes are at most 1e30 in plain
/// units, converted at most 1e90; beyond this only data written otherwise can go.
pub const DRAWABLE: f64 = 1e300;

/// Whether a bar of `value` (in the unit drawn) can be drawn: finite and at most [`DRAWABLE`]
/// in size.
pub fn drawable(value: f64) -> bool {
    value.is_finite() && value.abs() <= DRAWABLE
}

/// Renders a bar per period, each labelled with its value and qualifier mark. A bar that is
/// not [`drawable`] is refused (the caller says why first).
pub fn bar_chart(spec: &ChartSpec<'_>, bars: &[Bar]) -> Result<String, String> {
    let scaled: Vec<f64> = bars.iter().map(|b| b.value / spec.divisor).collect();
    if let Some(value) = scaled.iter().find(|value| !drawable(**value)) {
        return Err(format!("a bar of {value:e} cannot be drawn"));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (spec.width, spec.height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let footer_height = 16 * spec.attribution.len() as u32 + 8;
        let (plot, footer) = root.split_vertically(spec.height.saturating_sub(footer_height));
        for (line, text) in spec.attribution.iter().enumerate() {
            footer
                .draw_text(
                    text,
                    &TextStyle::from(("sans-serif", 12).into_font()).color(&BLACK.mix(0.7)),
                    (8, 4 + 16 * line as i32),
                )
                .map_err(|e| e.to_string())?;
        }

        // From 0 to the largest bar, and down to the smallest when it is negative, with a
        // fifth more room each way; drawable bars keep both ends finite.
        let top = scaled.iter().cloned().fold(0.0_f64, f64::max) * 1.2;
        let bottom = scaled.iter().cloned().fold(0.0_f64, f64::min) * 1.2;
        let top = if top > 0.0 || bottom < 0.0 { top } else { 1.0 };
        let height = top - bottom;
        // One unit of x per bar, bar i centred on x = i, so that the axis's whole-number ticks
        // fall under the bars whatever their number (a single bar included).
        let count = bars.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&plot)
            .caption(spec.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..count - 0.5, bottom..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(spec.unit_label)
            .x_desc(spec.x_description)
            .x_labels(bars.len().max(1))
            .x_label_formatter(&|x| {
                let index = x.round();
                if (x - index).abs() > 1e-6 || index < 0.0 {
                    return String::new();
                }
                bars.get(index as usize)
                    .map(|bar| bar.label.clone())
                    .unwrap_or_default()
            })
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(scaled.iter().enumerate().map(|(index, value)| {
                let centre = index as f64;
                Rectangle::new(
                    [(centre - 0.38, 0.0), (centre + 0.38, *value)],
                    RGBColor(31, 119, 180).filled(),
                )
            }))
            .map_err(|e| e.to_string())?
            .label(spec.unit_label);
        chart
            .draw_series(
                bars.iter()
                    .zip(&scaled)
                    .enumerate()
                    .map(|(index, (bar, value))| {
                        // Above a bar that rises, below one that falls.
                        let (at, anchor) = if *value >= 0.0 {
                            (*value + height * 0.02, VPos::Bottom)
                        } else {
                            (*value - height * 0.02, VPos::Top)
                        };
                        Text::new(
                            format!("{}{}", bar.mark, trim(*value)),
                            (index as f64, at),
                            ("sans-serif", 14)
                                .into_font()
                                .into_text_style(&plot)
                                .pos(Pos::new(HPos::Center, anchor)),
                        )
                    }),
            )
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A value as a person reads it on a bar: at most three decimals, no trailing zeros; one too
/// large or too small for that, in scientific notation.
fn trim(value: f64) -> String {
    if value != 0.0 && !(0.001..1e15).contains(&value.abs()) {
        return format!("{value:.3e}");
    }
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `values` on a thread of its own; `None` when it is still drawing after 10 s
    /// (or its thread died).
    fn render_within_deadline(values: &[f64]) -> Option<Result<String, String>> {
        let values = values.to_vec();
        let (done, outcome) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let bars: Vec<Bar> = values
                .iter()
                .enumerate()
                .map(|(index, value)| Bar {
                    label: index.to_string(),
                    value: *value,
                    mark: "",
                })
                .collect();
            let attribution = ["Source".to_owned()];
            let spec = ChartSpec {
                title: "extreme",
                unit_label: "percent",
                divisor: 1.0,
                attribution: &attribution,
                x_description: "period",
                width: 640,
                height: 400,
            };
            let _ = done.send(bar_chart(&spec, &bars));
        });
        outcome
            .recv_timeout(std::time::Duration::from_secs(10))
            .ok()
    }

    /// Issue 13, D3: extreme bars are drawn or refused at once; 1.6e308 (whose axis
    /// overflowed) drew for ever, and a large negative bar overflowed plotters' arithmetic.
    #[test]
    fn extreme_bars_are_drawn_or_refused_at_once() {
        for values in [
            &[1e300][..],
            &[1e30],
            &[-1e30],
            &[-1e300],
            &[1e300, -1e300],
            &[1e-300, 1e300],
            &[1e-30],
            &[1e-320],
            &[-5.0, 3.0],
            &[0.0],
        ] {
            let outcome = render_within_deadline(values);
            let svg = outcome.unwrap_or_else(|| panic!("{values:?}: no answer"));
            let svg = svg.unwrap_or_else(|error| panic!("{values:?}: {error}"));
            assert!(svg.starts_with("<svg"), "{values:?}");
        }
        for values in [
            &[1.6e308][..],
            &[f64::MAX],
            &[-1e308],
            &[f64::INFINITY],
            &[f64::NAN],
            &[1.0, f64::NEG_INFINITY],
        ] {
            let outcome = render_within_deadline(values);
            let refused = outcome.unwrap_or_else(|| panic!("{values:?}: no answer"));
            assert!(refused.is_err(), "{values:?}");
        }
    }

    #[test]
    fn values_read_as_a_person_writes_them() {
        assert_eq!(trim(510.0), "510");
        assert_eq!(trim(0.285), "0.285");
        assert_eq!(trim(-3.5), "-3.5");
        assert_eq!(trim(1.6e300), "1.600e300");
        assert_eq!(trim(1e-30), "1.000e-30");
        assert_eq!(trim(0.0), "0");
    }
}
