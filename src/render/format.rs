//! Number formatting for templates: the `num` and `pct` filters.

/// `1234567.891` -> `1,234,567.89` (at most `decimals` decimals, trailing zeros dropped).
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let fixed = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match fixed.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (fixed.as_str(), ""),
    };
    let mut out = String::with_capacity(fixed.len() + 4);
    let is_zero = int.bytes().all(|b| b == b'0') && frac.is_empty();
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    let digits = int.len();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// `74.25` -> `74.3%` with one decimal by default (kept even when zero: `50.0%`).
pub fn percent(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    format!("{:.*}%", decimals, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators_and_no_trailing_zeros() {
        assert_eq!(number(650000.0, 2), "650,000");
        assert_eq!(number(1234567.891, 2), "1,234,567.89");
        assert_eq!(number(0.5, 2), "0.5");
        assert_eq!(number(-1500.0, 0), "-1,500");
        assert_eq!(number(999.999, 2), "1,000");
        assert_eq!(number(-0.001, 2), "0");
    }

    #[test]
    fn percentages_keep_their_decimal() {
        assert_eq!(percent(74.25, 1), "74.2%");
        assert_eq!(percent(98.684, 1), "98.7%");
        assert_eq!(percent(50.0, 1), "50.0%");
    }
}
