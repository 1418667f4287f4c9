//! Number formatting for templates: the `num` and `pct` filters.

/// `1234567.891` -> `1,234,567.89` (at most `decimals` decimals, trailing zeros dropped).
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    // Whole numbers (most figures: tonnes, capacities) skip float formatting, whose exact
    // mode falls back to a slow big-number algorithm for them.
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return group_thousands(value as i64);
    }
    let fixed = fixed(value.abs(), decimals);
    let (int, frac) = match fixed.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (fixed.as_str(), ""),
    };
    let mut out = String::with_capacity(fixed.len() + 4);
    let is_zero = int.bytes().all(|b| b == b'0') && frac.is_empty();
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    push_grouped(&mut out, int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// `-1234567` -> `-1,234,567`.
fn group_thousands(value: i64) -> String {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(value.unsigned_abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    push_grouped(&mut out, digits);
    out
}

/// Appends the ASCII digits `digits` with a comma between groups of three.
fn push_grouped(out: &mut String, digits: &str) {
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
}

/// `74.25` -> `74.2%` with one decimal by default (kept even when zero: `50.0%`).
pub fn percent(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let mut out = fixed(value, decimals);
    out.push('%');
    out
}

/// `value` with `decimals` decimals, exactly as `format!("{:.*}", decimals, value)` writes
/// it, but without its exact decimal expansion (a big-number algorithm for many values, and
/// the largest cost of a production table) whenever the rounding is plain: `value` scaled to
/// a count of the last decimal is not within a millionth of a tie, nor within many times the
/// scaling's own rounding error (half a unit in the last place of the scaled value).
fn fixed(value: f64, decimals: usize) -> String {
    const POWERS: [f64; 5] = [1.0, 10.0, 100.0, 1_000.0, 10_000.0];
    let scaled = POWERS.get(decimals).map(|p| value.abs() * p);
    match scaled {
        Some(scaled)
            if scaled < 1e12 && (scaled.fract() - 0.5).abs() > 1e-6_f64.max(scaled * 1e-15) =>
        {
            let units = scaled.round() as u64;
            let mut out = String::with_capacity(24);
            if value.is_sign_negative() {
                out.push('-');
            }
            // Integers written by `itoa`, not `to_string`/`format!`: the `num` and `pct`
            // filters run for every cell of every table.
            let mut buffer = itoa::Buffer::new();
            out.push_str(buffer.format(units / 10u64.pow(decimals as u32)));
            if decimals > 0 {
                out.push('.');
                let frac = buffer.format(units % 10u64.pow(decimals as u32));
                for _ in frac.len()..decimals {
                    out.push('0');
                }
                out.push_str(frac);
            }
            out
        }
        _ => format!("{value:.decimals$}"),
    }
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
        assert_eq!(number(-0.0, 2), "0");
        assert_eq!(number(12.0, 0), "12");
        assert_eq!(number(-1234567.0, 2), "-1,234,567");
        assert_eq!(number(1e15, 0), "1,000,000,000,000,000");
        assert_eq!(number(123456789012345.0, 2), "123,456,789,012,345");
    }

    #[test]
    fn whole_numbers_read_as_the_float_path_writes_them() {
        let slow = |v: f64, d: usize| {
            let fixed = format!("{:.*}", d, v.abs());
            let int = fixed.split('.').next().unwrap().to_string();
            (v < 0.0 && int.bytes().any(|b| b != b'0'), int)
        };
        for v in [
            0.0, 1.0, 7.0, 999.0, 1000.0, 65536.0, -42.0, 98765432.0, 4.5e14,
        ] {
            let (negative, int) = slow(v, 2);
            let plain = number(v, 2).replace(',', "");
            assert_eq!(
                plain,
                format!("{}{int}", if negative { "-" } else { "" }),
                "{v}"
            );
        }
    }

    #[test]
    fn fixed_decimals_match_the_standard_formatting() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut values: Vec<f64> = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            -0.04,
            74.25,
            98.684,
            99.95,
            100.0,
            1e11,
            2.5,
            -2.5,
            1234567.891,
            0.125,
            0.0625,
        ];
        for _ in 0..200_000 {
            let raw = next();
            let magnitude = 10f64.powi((raw % 9) as i32 - 3);
            let v = (raw >> 11) as f64 / (1u64 << 53) as f64 * magnitude;
            values.push(if raw & 1 == 1 { -v } else { v });
            // Values with few decimals, as front matter holds them.
            values.push((raw % 1_000_000) as f64 / 100.0);
        }
        for v in values {
            for d in 0..=5 {
                assert_eq!(fixed(v, d), format!("{v:.d$}"), "{v} with {d} decimals");
            }
        }
    }

    #[test]
    fn percentages_keep_their_decimal() {
        assert_eq!(percent(74.25, 1), "74.2%");
        assert_eq!(percent(98.684, 1), "98.7%");
        assert_eq!(percent(50.0, 1), "50.0%");
    }
}
