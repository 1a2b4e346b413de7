//! CSV, written and read in one place: the summaries lamas writes (`summary.csv`,
//! `timings.csv`, `sensitivity.csv`, `calibration.csv`) are read back by plots, reproductions and
//! `file` designs with the reader beside the writer.

use std::path::Path;

use polars::prelude::*;

/// CSV bytes of a frame (header, comma-separated, floats in full precision).
pub fn csv_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf).include_header(true).finish(df)?;
    // polars ends the header of an empty frame without a newline.
    if !buf.is_empty() && !buf.ends_with(b"\n") {
        buf.push(b'\n');
    }
    Ok(buf)
}

/// Reads a CSV file written by [`csv_bytes`]: a header, every column's type inferred from all rows.
pub fn read_csv(path: &Path) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}
