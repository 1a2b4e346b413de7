//! Writing a run's files (`timeseries.parquet`, `summary.json`, `manifest.json`), and the
//! table I/O that sweeps and plots share: one file written atomically, CSV and parquet read.
//!
//! All files are first written to temporary names in the output folder, flushed to disk, and
//! only then renamed into place, so that a failure leaves no half-written result. The folder is
//! checked for writability before the run starts ([`prepare_dir`]).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::sim::record::Series;
use crate::strategy::STRATEGIES;

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder cannot be created or written.
    #[error("cannot write to output folder `{path}`: {reason}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file could not be written.
    #[error("cannot write `{path}`: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Creates `dir` if needed and checks that files can be created in it.
pub fn prepare_dir(dir: &Path) -> Result<(), OutputError> {
    let folder = |e: std::io::Error| OutputError::Folder {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::Folder {
            path: dir.to_path_buf(),
            reason: "it is a file, not a folder".into(),
        });
    }
    fs::create_dir_all(dir).map_err(folder)?;
    let probe = dir.join(format!(".lamas-probe-{}", std::process::id()));
    File::create(&probe).map_err(folder)?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// The time series as a data frame, one row per tick.
pub fn series_frame(s: &Series) -> PolarsResult<DataFrame> {
    let mut cols: Vec<Column> = vec![
        Column::new("tick".into(), &s.tick),
        Column::new("tasks_arrived".into(), &s.tasks_arrived),
        Column::new("tasks_completed".into(), &s.tasks_completed),
        Column::new("tasks_succeeded".into(), &s.tasks_succeeded),
        Column::new("value".into(), &s.value),
        Column::new("messages".into(), &s.messages),
        Column::new("bytes".into(), &s.bytes),
        Column::new("agents_up".into(), &s.agents_up),
        Column::new("agents_reachable".into(), &s.agents_reachable),
        Column::new("faults_fired".into(), &s.faults),
    ];
    for (i, def) in STRATEGIES.iter().enumerate() {
        let empty = Vec::new();
        cols.push(Column::new(
            format!("share_{}", def.name).into(),
            s.share.get(i).unwrap_or(&empty),
        ));
    }
    for (i, def) in STRATEGIES.iter().enumerate() {
        let empty = Vec::new();
        cols.push(Column::new(
            format!("payoff_mean_{}", def.name).into(),
            s.payoff_mean.get(i).unwrap_or(&empty),
        ));
    }
    DataFrame::new(s.tick.len(), cols)
}

/// The bytes of a data frame as parquet (zstd, with statistics).
pub fn parquet_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(df)?;
    Ok(buf)
}

/// Pretty JSON bytes, newline-terminated.
pub fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

/// Removes from `dir` the temporary files lamas writes before renaming them
/// (`.NAME.tmp-PID...`) that a killed process left: those of a process that is no longer running
/// (or of this one, which has none in flight when it calls this). Other files are never touched.
pub fn remove_stale_temps(dir: &Path) {
    let me = std::process::id();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix('.')
            .and_then(|n| n.split_once(".tmp-"))
            .map(|(_, r)| r)
        else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(pid) = digits.parse::<u32>() else {
            continue;
        };
        let running = pid != me && Path::new(&format!("/proc/{pid}")).exists();
        if !running {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes every `(name, bytes)` into `dir` atomically as a set: all are written and synced under
/// temporary names first, then renamed. On error nothing new is left behind; temporary files a
/// killed writer left in `dir` are removed first ([`remove_stale_temps`]).
pub fn write_all(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), OutputError> {
    remove_stale_temps(dir);
    let mut temps = Vec::new();
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = fs::remove_file(t);
        }
    };
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let res = File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        temps.push(tmp.clone());
        if let Err(e) = res {
            cleanup(&temps);
            return Err(OutputError::File {
                path: dir.join(name),
                reason: e.to_string(),
            });
        }
    }
    for ((name, _), tmp) in files.iter().zip(&temps) {
        if let Err(e) = fs::rename(tmp, dir.join(name)) {
            cleanup(&temps);
            return Err(OutputError::File {
                path: dir.join(name),
                reason: e.to_string(),
            });
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let res = fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = res.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Reads a CSV file written by [`crate::sweep::tables::csv_bytes`].
pub fn read_csv(path: &Path) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

/// Reads a parquet file.
pub fn read_parquet(path: &Path) -> PolarsResult<DataFrame> {
    let file = std::fs::File::open(path).map_err(|e| {
        PolarsError::ComputeError(format!("cannot read `{}`: {e}", path.display()).into())
    })?;
    ParquetReader::new(file).finish()
}
