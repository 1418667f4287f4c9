//! Charts as inline SVG, made at build time: horizontal bars of percentage shares. They carry
//! `<title>` and `<desc>` for screen readers, take their colours from the theme's CSS classes
//! (`chart-bar`, `chart-bar-top`, `chart-label`, `chart-value`, `chart-axis`), print as they
//! are, and need no JavaScript.

use std::fmt::Write;

use super::format;
use super::highlight::escape;

/// One bar: a label and a share in percent.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Shown left of the bar.
    pub label: String,
    /// Percent, 0-100.
    pub share: f64,
}

// Whole numbers, written as such (`640`): `height` too is a whole number of them.
const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 180.0;
const VALUE_WIDTH: f64 = 64.0;
const BAR_HEIGHT: f64 = 20.0;
const GAP: f64 = 8.0;

/// A horizontal bar chart of shares. `id` must be unique on the page; the first bar is drawn
/// as the top one.
///
/// Written piece by piece rather than through `write!`: a chart is made for every
/// production table each time it is shown (page, print document, annex), and formatting
/// machinery was most of its cost.
pub fn share_bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let height = ((bars.len().max(1) as f64) * (BAR_HEIGHT + GAP) + GAP) as i64;
    let scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / 100.0;
    let id = escape(id);
    let mut svg = String::with_capacity(400 + bars.len() * 260);
    svg.push_str("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    push_int(&mut svg, WIDTH as i64);
    svg.push(' ');
    push_int(&mut svg, height);
    svg.push_str("\" width=\"100%\" role=\"img\" aria-labelledby=\"");
    svg.push_str(&id);
    svg.push_str("-title ");
    svg.push_str(&id);
    svg.push_str("-desc\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"");
    svg.push_str(&id);
    svg.push_str("-title\">");
    svg.push_str(&escape(title));
    svg.push_str("</title><desc id=\"");
    svg.push_str(&id);
    svg.push_str("-desc\">");
    svg.push_str(&escape(desc));
    svg.push_str("</desc><line class=\"chart-axis\" x1=\"");
    push_int(&mut svg, LABEL_WIDTH as i64);
    svg.push_str("\" y1=\"0\" x2=\"");
    push_int(&mut svg, LABEL_WIDTH as i64);
    svg.push_str("\" y2=\"");
    push_int(&mut svg, height);
    svg.push_str("\"/>");
    for (i, bar) in bars.iter().enumerate() {
        let y = GAP + i as f64 * (BAR_HEIGHT + GAP);
        let w = (bar.share.clamp(0.0, 100.0) * scale).max(if bar.share > 0.0 { 1.0 } else { 0.0 });
        let class = if i == 0 {
            "chart-bar chart-bar-top"
        } else {
            "chart-bar"
        };
        let text_y = y + BAR_HEIGHT * 0.72;
        svg.push_str("<text class=\"chart-label\" x=\"");
        push_int(&mut svg, LABEL_WIDTH as i64 - 8);
        svg.push_str("\" y=\"");
        push_tenths(&mut svg, text_y);
        svg.push_str("\" text-anchor=\"end\">");
        svg.push_str(&escape(&truncate(&bar.label, 26)));
        svg.push_str("</text><rect class=\"");
        svg.push_str(class);
        svg.push_str("\" x=\"");
        push_int(&mut svg, LABEL_WIDTH as i64);
        svg.push_str("\" y=\"");
        push_tenths(&mut svg, y);
        svg.push_str("\" width=\"");
        push_tenths(&mut svg, w);
        svg.push_str("\" height=\"");
        push_int(&mut svg, BAR_HEIGHT as i64);
        svg.push_str("\"/><text class=\"chart-value\" x=\"");
        push_tenths(&mut svg, LABEL_WIDTH + w + 6.0);
        svg.push_str("\" y=\"");
        push_tenths(&mut svg, text_y);
        svg.push_str("\">");
        svg.push_str(&format::percent(bar.share, 1));
        svg.push_str("</text>");
    }
    svg.push_str("</svg>");
    svg
}

/// Appends `value` in decimal.
fn push_int(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Appends a coordinate with one decimal (`22.4`, `8.0`). Rounded through an integer rather
/// than by `{:.1}`, whose exact decimal expansion costs more than the rest of a chart: the
/// two differ only for a value within a rounding error of a half-tenth, invisible in a
/// drawing.
fn push_tenths(out: &mut String, value: f64) {
    let tenths = (value * 10.0).round();
    if !tenths.is_finite() || tenths.abs() > 1e15 {
        let _ = write!(out, "{value:.1}");
        return;
    }
    let tenths = tenths as i64;
    if tenths < 0 {
        out.push('-');
    }
    let abs = tenths.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(abs / 10));
    out.push('.');
    out.push(char::from(b'0' + (abs % 10) as u8));
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_accessible_and_escaped() {
        let svg = share_bars(
            "g-1",
            "Gallium <refinery>",
            "China 98.7%",
            &[
                Bar {
                    label: "China".into(),
                    share: 98.684,
                },
                Bar {
                    label: "A&B".into(),
                    share: 1.0,
                },
            ],
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("<title id=\"g-1-title\">Gallium &lt;refinery&gt;</title>"));
        assert!(svg.contains("<desc id=\"g-1-desc\">China 98.7%</desc>"));
        assert!(svg.contains("A&amp;B"));
        assert!(svg.contains(">98.7%</text>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("chart-bar chart-bar-top"));
    }

    fn tenths(x: f64) -> String {
        let mut out = String::new();
        push_tenths(&mut out, x);
        out
    }

    #[test]
    fn coordinates_have_one_decimal() {
        for (x, text) in [
            (8.0, "8.0"),
            (22.4, "22.4"),
            (8.0 + 20.0 * 0.72, "22.4"),
            (1234.56, "1234.6"),
            (0.04, "0.0"),
            (-3.26, "-3.3"),
            (-0.04, "0.0"),
        ] {
            assert_eq!(tenths(x), text, "{x}");
        }
        // Away from half-tenths, the same as `{:.1}`.
        for n in 0..20_000 {
            let x = n as f64 * 0.0731 + 0.013;
            if ((x * 10.0).fract() - 0.5).abs() > 1e-6 {
                assert_eq!(tenths(x), format!("{x:.1}"), "{x}");
            }
        }
    }
}
