//! Reading a parquet file of items into rows (polars): each row a JSON object of its non-null
//! columns, strings, numbers and lists of strings, for [`super::file`] to check like a JSONL line.

use std::path::Path;

use polars::prelude::*;

/// The rows of the parquet file at `path`; an error says why it cannot be read.
pub fn rows(path: &Path) -> Result<Vec<serde_json::Value>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| format!("not a readable parquet file: {e}"))?;
    let columns = df.columns();
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut row = serde_json::Map::new();
        for c in columns {
            let v = c.get(i).map_err(|e| e.to_string())?;
            if let Some(json) = json_of(&v).map_err(|t| {
                format!(
                    "column `{}` has type {t}, which an item cannot hold",
                    c.name()
                )
            })? {
                row.insert(c.name().to_string(), json);
            }
        }
        rows.push(serde_json::Value::Object(row));
    }
    Ok(rows)
}

/// A cell as JSON (`None` for null); `Err` names an unsupported type.
fn json_of(v: &AnyValue<'_>) -> Result<Option<serde_json::Value>, String> {
    use serde_json::Value as J;
    Ok(Some(match v {
        AnyValue::Null => return Ok(None),
        AnyValue::String(s) => J::from(*s),
        AnyValue::StringOwned(s) => J::from(s.as_str()),
        AnyValue::Boolean(b) => J::from(*b),
        AnyValue::Int8(x) => J::from(*x),
        AnyValue::Int16(x) => J::from(*x),
        AnyValue::Int32(x) => J::from(*x),
        AnyValue::Int64(x) => J::from(*x),
        AnyValue::UInt8(x) => J::from(*x),
        AnyValue::UInt16(x) => J::from(*x),
        AnyValue::UInt32(x) => J::from(*x),
        AnyValue::UInt64(x) => J::from(*x),
        AnyValue::Float32(x) => J::from(f64::from(*x)),
        AnyValue::Float64(x) => J::from(*x),
        AnyValue::List(s) => {
            let mut out = Vec::with_capacity(s.len());
            for j in 0..s.len() {
                let x = s.get(j).map_err(|e| e.to_string())?;
                out.push(json_of(&x)?.unwrap_or(J::Null));
            }
            J::Array(out)
        }
        other => return Err(other.dtype().to_string()),
    }))
}
