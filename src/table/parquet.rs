//! Parquet, written and read in one place (zstd, with statistics): `runs.parquet`,
//! `timeseries.parquet`, `summary.parquet`, and the parquet files of items and designs users give.

use std::path::Path;

use polars::prelude::*;

/// The bytes of a data frame as parquet (zstd, with statistics).
pub fn parquet_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(df)?;
    Ok(buf)
}

/// Reads a parquet file.
pub fn read_parquet(path: &Path) -> PolarsResult<DataFrame> {
    let file = std::fs::File::open(path).map_err(|e| {
        PolarsError::ComputeError(format!("cannot read `{}`: {e}", path.display()).into())
    })?;
    ParquetReader::new(file).finish()
}
