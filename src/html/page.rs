//! The page: one HTML file with its style sheet, its script and its data inlined, so that it
//! opens offline in any browser and fetches nothing.
//!
//! The script (`assets/html/report.js`, lamas' own, no library) draws every chart as SVG from
//! the data, which sits in a `<script type="application/json">` element. Numbers in the data
//! are rounded to six significant digits (the page shows four), which keeps the report of a
//! 5,000-point design under 2 MB.

use serde_json::Value;

/// The style sheet, inlined into every report.
const STYLE: &str = include_str!("../../assets/html/report.css");
/// The script, inlined into every report.
const SCRIPT: &str = include_str!("../../assets/html/report.js");

/// The HTML of a report titled `title` over `data`.
pub fn page(title: &str, data: &Value) -> String {
    let json = serde_json::to_string(&rounded(data)).unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"lamas {version}\">\n<link rel=\"icon\" href=\"data:,\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <noscript>This report draws its charts and tables with JavaScript; the same numbers are \
         in the CSV, parquet and JSON files beside it.</noscript>\n\
         <main id=\"report\"></main>\n\
         <script type=\"application/json\" id=\"data\">{data}</script>\n\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        version = crate::manifest::VERSION,
        title = escape(title),
        data = script_safe(&json),
    )
}

/// `text` safe inside HTML text and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JSON safe inside a `<script>` element: no `<` can open `</script>` or a comment.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// `v` with every non-integer number rounded to six significant digits.
fn rounded(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .map(|f| {
                let r: f64 = format!("{f:.5e}").parse().unwrap_or(f);
                serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
            })
            .unwrap_or(Value::Null),
        Value::Array(a) => Value::Array(a.iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), rounded(v))).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_close_its_script_and_numbers_keep_six_digits() {
        let data = serde_json::json!({"a": "</script><!--", "x": 0.123456789, "n": 12345678901u64});
        let html = page("a <b> & \"c\"", &data);
        assert!(html.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(!html.contains("</script><!--"));
        assert!(html.contains("0.123457"), "{html}");
        assert!(html.contains("12345678901"));
        assert_eq!(html.matches("</script>").count(), 2);
    }
}
