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
pub fn share_bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    let height = (bars.len().max(1) as f64) * (BAR_HEIGHT + GAP) + GAP;
    let scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / 100.0;
    let id = escape(id);
    let mut svg = String::with_capacity(400 + bars.len() * 260);
    let _ = write!(
        svg,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc),
        width = WIDTH as i64,
        height = height as i64,
    );
    let _ = write!(
        svg,
        "<line class=\"chart-axis\" x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{height}\"/>",
        x = LABEL_WIDTH as i64,
        height = height as i64,
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = GAP + i as f64 * (BAR_HEIGHT + GAP);
        let w = (bar.share.clamp(0.0, 100.0) * scale).max(if bar.share > 0.0 { 1.0 } else { 0.0 });
        let class = if i == 0 {
            "chart-bar chart-bar-top"
        } else {
            "chart-bar"
        };
        let text_y = Tenths(y + BAR_HEIGHT * 0.72);
        let _ = write!(
            svg,
            "<text class=\"chart-label\" x=\"{lx}\" y=\"{text_y}\" text-anchor=\"end\">{label}</text><rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"/><text class=\"chart-value\" x=\"{vx}\" y=\"{text_y}\">{value}</text>",
            lx = LABEL_WIDTH as i64 - 8,
            x = LABEL_WIDTH as i64,
            h = BAR_HEIGHT as i64,
            label = escape(&truncate(&bar.label, 26)),
            y = Tenths(y),
            w = Tenths(w),
            vx = Tenths(LABEL_WIDTH + w + 6.0),
            value = format::percent(bar.share, 1),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A coordinate written with one decimal (`22.4`, `8.0`). Rounded through an integer rather
/// than by `{:.1}`, whose exact decimal expansion costs more than the rest of a chart: the
/// two differ only for a value within a rounding error of a half-tenth, invisible in a
/// drawing.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if !tenths.is_finite() || tenths.abs() > 1e15 {
            return write!(f, "{:.1}", self.0);
        }
        let tenths = tenths as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", abs / 10, abs % 10)
    }
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
            assert_eq!(Tenths(x).to_string(), text, "{x}");
        }
        // Away from half-tenths, the same as `{:.1}`.
        for n in 0..20_000 {
            let x = n as f64 * 0.0731 + 0.013;
            if ((x * 10.0).fract() - 0.5).abs() > 1e-6 {
                assert_eq!(Tenths(x).to_string(), format!("{x:.1}"), "{x}");
            }
        }
    }
}
