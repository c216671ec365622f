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
    /// Footer lines: the source, then the key to the qualifier marks.
    pub attribution: &'a [String],
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
        let count = bars.len().max(1) as u32;
        let mut chart = ChartBuilder::on(&plot)
            .caption(spec.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            // A segmented range a..b has b - a + 1 segments: one per bar.
            .build_cartesian_2d((0u32..count - 1).into_segmented(), 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(spec.unit_label)
            .x_desc("period")
            .x_labels(bars.len().max(1))
            .x_label_formatter(&|segment| match segment {
                SegmentValue::CenterOf(index) => bars
                    .get(*index as usize)
                    .map(|bar| bar.label.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(scaled.iter().enumerate().map(|(index, value)| {
                let index = index as u32;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(index), 0.0),
                        (SegmentValue::Exact(index + 1), *value),
                    ],
                    RGBColor(31, 119, 180).filled(),
                );
                bar.set_margin(0, 0, 12, 12);
                bar
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
                            (SegmentValue::CenterOf(index as u32), *value + top * 0.02),
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
