//! Numbers for people: four significant digits, whole numbers whole, never `-0`.
//!
//! What the terminal summary of `lamas run`, the tables of `lamas credit` and the HTML reports
//! print. Files for programs (JSON, CSV, parquet) keep every digit.
//!
//! The rules, in order: an undefined value (NaN, ±∞) is `n/a`; a value that rounds to zero is
//! `0`; a whole number below 10^15 in magnitude is written whole (`1820`, `123456`); a value of
//! magnitude 10^4 or more is rounded to a whole number (`12346`: more than four digits, but no
//! digit is made up); one of magnitude 10^-3 or more has four significant digits with the
//! trailing zeros dropped (`1145`, `0.1667`, `0.5`); a smaller one is written in scientific
//! notation with four significant digits (`1.235e-4`).

/// `v` with four significant digits (see the module's rules).
pub fn sig4(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let text = if v.fract() == 0.0 && a < 1e15 {
        format!("{v:.0}")
    } else if a >= 1e4 {
        fixed(v, 0)
    } else if a >= 1e-3 {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        trim(&fixed(v, decimals))
    } else {
        let s = format!("{v:.3e}");
        match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim(m)),
            None => s,
        }
    };
    no_negative_zero(text)
}

/// `v` with `d` decimals, a tie rounded away from zero (`1144.5` → `1145`), as JavaScript's
/// `toFixed` does, so that the reports' script writes the numbers the terminal writes. Rust's
/// own formatting rounds a tie to even; a tie is found on the exact decimal expansion of `v`.
fn fixed(v: f64, d: usize) -> String {
    let exact = format!("{:.1100}", v.abs());
    let Some((whole, frac)) = exact.split_once('.') else {
        return format!("{v:.d$}");
    };
    let tail = &frac[d..];
    let tie = tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0');
    if !tie {
        return format!("{v:.d$}");
    }
    // The digits kept, increased by one in the last place.
    let mut digits: Vec<u8> = whole.bytes().chain(frac[..d].bytes()).collect();
    let mut i = digits.len();
    loop {
        if i == 0 {
            digits.insert(0, b'1');
            break;
        }
        i -= 1;
        if digits[i] == b'9' {
            digits[i] = b'0';
        } else {
            digits[i] += 1;
            break;
        }
    }
    let split = digits.len() - d;
    let mut out = String::from(if v < 0.0 { "-" } else { "" });
    out.push_str(std::str::from_utf8(&digits[..split]).unwrap_or("0"));
    if d > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(&digits[split..]).unwrap_or(""));
    }
    out
}

/// Drops the trailing zeros of a decimal fraction, and the point if nothing follows it.
fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// `-0`, `-0.0`… written as `0`.
fn no_negative_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => "0".into(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::sig4;

    #[test]
    fn four_significant_digits() {
        for (v, want) in [
            (1820.0, "1820"),
            (1144.5, "1145"),
            (123456.0, "123456"),
            (12345.6, "12346"),
            (0.166_666_666_666_666_63, "0.1667"),
            (0.5, "0.5"),
            (2.0 / 3.0, "0.6667"),
            (-2.0 / 3.0, "-0.6667"),
            (9.99996, "10"),
            (0.000_123_4, "1.234e-4"),
            (-0.000_123_456, "-1.235e-4"),
            (1e-3, "0.001"),
            (3.141_49, "3.141"),
            (99.999_99, "100"),
            (-1144.5, "-1145"),
            (9999.5, "10000"),
            (0.125_05, "0.125"),
            (12.345, "12.35"),
            (2.5e-3, "0.0025"),
        ] {
            assert_eq!(sig4(v), want, "{v}");
        }
    }

    #[test]
    fn never_negative_zero_and_undefined_is_na() {
        assert_eq!(sig4(-0.0), "0");
        assert_eq!(sig4(0.0), "0");
        assert_eq!(sig4(-1e-300), "-1e-300");
        assert_eq!(sig4(-0.000_000_4), "-4e-7");
        assert_eq!(sig4(f64::NAN), "n/a");
        assert_eq!(sig4(f64::INFINITY), "n/a");
        for v in [-0.00004, -0.4, -4e-9, -0.0] {
            assert_ne!(sig4(v), "-0");
        }
    }
}
