//! Tables in and out, and the statistics every summary shares: CSV and parquet written and read
//! ([`csv`], [`parquet`]), files written whole or not at all ([`files`]), and Student's t
//! quantile behind every 95% interval ([`stats`]).
//!
//! A low room: it imports nothing of lamas, so the rooms that only need to read a table or an
//! interval (`design`, `calibrate`, `plot`, `reproduce`) stand on it without standing on the
//! simulation.

pub mod csv;
pub mod files;
pub mod parquet;
pub mod stats;

pub use csv::{csv_bytes, read_csv};
pub use files::{
    OutputError, json_bytes, prepare_dir, remove_stale_temps, write_all, write_atomic,
};
pub use parquet::{parquet_bytes, read_parquet};
pub use stats::t975;
