//! The samples of a `file` design: a CSV (with a header) or parquet file made elsewhere, one row
//! per sample and one column per scenario key path.
//!
//! Columns of integers give integer values, of numbers numbers, of booleans booleans and of
//! strings strings; a column of any other type, an empty cell, a file of no rows or more rows
//! than an experiment may have cells, and a file over [`MAX_BYTES`] are refused, each with the
//! row and column at fault. Rows are 1-based as a spreadsheet shows them (the CSV header is row
//! 1 of the file, so sample 1 is on its line 2).

use std::path::Path;

use polars::prelude::*;

use crate::syntax::param::ParamValue;

/// The largest samples file read.
pub const MAX_BYTES: u64 = 64 << 20;

/// The samples of a file: its columns (key paths) and its rows of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    /// The column names, in file order.
    pub columns: Vec<String>,
    /// One row of values per sample.
    pub rows: Vec<Vec<ParamValue>>,
}

/// Reads the samples at `path` (parquet if it ends in `.parquet` or `.pq`, else CSV), at most
/// `max_rows` of them; an error says why not.
pub fn read(path: &Path, max_rows: usize) -> Result<Samples, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "`{}` is {size} bytes, more than the {MAX_BYTES} a samples file may have",
            path.display()
        ));
    }
    let parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"));
    let df = if parquet {
        crate::table::read_parquet(path)
    } else {
        crate::table::read_csv(path)
    }
    .map_err(|e| {
        format!(
            "cannot read `{}` as {}: {e}",
            path.display(),
            if parquet { "parquet" } else { "CSV" }
        )
    })?;
    if df.height() == 0 || df.width() == 0 {
        return Err(format!(
            "`{}` has no samples (no rows or no columns)",
            path.display()
        ));
    }
    if df.height() > max_rows {
        return Err(format!(
            "`{}` has {} samples, more than the {max_rows} cells an experiment may have",
            path.display(),
            df.height()
        ));
    }
    let first = if parquet { 1 } else { 2 };
    let mut rows = vec![Vec::with_capacity(df.width()); df.height()];
    for c in df.columns() {
        for (i, row) in rows.iter_mut().enumerate() {
            let at = || {
                format!(
                    "row {} (sample {}), column `{}`",
                    i + first,
                    i + 1,
                    c.name()
                )
            };
            let v = c.get(i).map_err(|e| format!("{}: {e}", at()))?;
            row.push(value(&v).map_err(|why| format!("{}: {why}", at()))?);
        }
    }
    let columns = df.columns().iter().map(|c| c.name().to_string()).collect();
    Ok(Samples { columns, rows })
}

/// A cell's value; `Err` says why it cannot be one.
fn value(v: &AnyValue<'_>) -> Result<ParamValue, String> {
    Ok(match v {
        AnyValue::Null => {
            return Err("the cell is empty; every sample needs a value for every key".into());
        }
        AnyValue::String(s) => ParamValue::Str(s.to_string()),
        AnyValue::StringOwned(s) => ParamValue::Str(s.to_string()),
        AnyValue::Boolean(b) => ParamValue::Bool(*b),
        AnyValue::Int8(x) => ParamValue::Int(i64::from(*x)),
        AnyValue::Int16(x) => ParamValue::Int(i64::from(*x)),
        AnyValue::Int32(x) => ParamValue::Int(i64::from(*x)),
        AnyValue::Int64(x) => ParamValue::Int(*x),
        AnyValue::UInt8(x) => ParamValue::Int(i64::from(*x)),
        AnyValue::UInt16(x) => ParamValue::Int(i64::from(*x)),
        AnyValue::UInt32(x) => ParamValue::Int(i64::from(*x)),
        AnyValue::UInt64(x) => {
            ParamValue::Int(i64::try_from(*x).map_err(|_| "the integer is too large".to_string())?)
        }
        AnyValue::Float32(x) if x.is_finite() => ParamValue::Float(f64::from(*x)),
        AnyValue::Float64(x) if x.is_finite() => ParamValue::Float(*x),
        AnyValue::Float32(_) | AnyValue::Float64(_) => {
            return Err("the number is not finite".into());
        }
        other => {
            return Err(format!(
                "a value of type {} cannot set a scenario key",
                other.dtype()
            ));
        }
    })
}
