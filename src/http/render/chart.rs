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

/// Renders a bar per period, each labelled with its value and qualifier mark.
pub fn bar_chart(spec: &ChartSpec<'_>, bars: &[Bar]) -> Result<String, String> {
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

        let scaled: Vec<f64> = bars.iter().map(|b| b.value / spec.divisor).collect();
        let top = scaled.iter().cloned().fold(0.0_f64, f64::max) * 1.2;
        let top = if top > 0.0 { top } else { 1.0 };
        // One unit of x per bar, bar i centred on x = i, so that the axis's whole-number ticks
        // fall under the bars whatever their number (a single bar included).
        let count = bars.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&plot)
            .caption(spec.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..count - 0.5, 0.0..top)
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
                        Text::new(
                            format!("{}{}", bar.mark, trim(*value)),
                            (index as f64, *value + top * 0.02),
                            ("sans-serif", 14)
                                .into_font()
                                .into_text_style(&plot)
                                .pos(Pos::new(HPos::Center, VPos::Bottom)),
                        )
                    }),
            )
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A value as a person reads it on a bar: at most three decimals, no trailing zeros.
fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}
