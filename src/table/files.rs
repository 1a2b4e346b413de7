//! Files written whole or not at all: a folder checked before anything is computed, a set of
//! files written under temporary names, synced, then renamed, one file written the same way, and
//! the temporary files a killed writer left removed by the next write into their folder.
//!
//! All of lamas's outputs go through here, so a failure leaves no half-written result.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

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
