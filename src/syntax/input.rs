//! Reading an input file: bounded in size, and checked as UTF-8 with the first bad byte placed.
//!
//! Every file lamas reads as text (scenarios, experiments, games, item banks, cassettes) comes
//! through [`read_text`]: at most `limit` bytes are read, so a huge file or an endless one
//! (`/dev/zero`) is refused before it fills memory, and text that is not UTF-8 is reported at the
//! line and column of its first bad byte.

use std::io::Read;
use std::path::Path;

use super::error::{InputError, KeyPath, LineProblem, Problem};

/// Largest scenario or experiment file read: 16 MiB (game files: [`crate::gamefile::MAX_GAME_FILE`]).
pub const MAX_TOML: u64 = 16 << 20;
/// Largest item bank or cassette read as text: 1 GiB.
pub const MAX_LINES: u64 = 1 << 30;

/// The text of `path`, read whole if it is at most `limit` bytes and UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, InputError> {
    let read_err = |reason: String| InputError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| read_err(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_err(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(read_err(format!(
            "it is larger than {}, the most lamas reads of such a file",
            size(limit)
        )));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(path, e))
}

/// `n` bytes in the largest whole unit.
fn size(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n => format!("{n} bytes"),
    }
}

/// The problem of a file that is not UTF-8, at its first bad byte.
fn not_utf8(path: &Path, e: std::string::FromUtf8Error) -> InputError {
    let at = e.utf8_error().valid_up_to();
    let bytes = e.into_bytes();
    let text = String::from_utf8_lossy(&bytes[..at]).into_owned();
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    InputError::in_lines(
        path,
        &text,
        vec![LineProblem {
            line,
            column,
            problem: Problem::new(
                KeyPath::root(),
                format!(
                    "the byte at offset {at} (0x{:02x}) is not UTF-8: lamas reads text files in UTF-8",
                    bytes[at]
                ),
            )
            .help("save the file as UTF-8"),
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_byte_is_placed_and_a_large_file_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.toml");
        std::fs::write(&p, b"ticks = 5\nname = \"\xff\"\n").unwrap();
        let e = read_text(&p, MAX_TOML).unwrap_err();
        let InputError::Invalid(l) = &e else {
            panic!("{e}")
        };
        assert_eq!(l.problems[0].line_col, Some((2, 9)));
        assert!(
            l.problems[0]
                .problem
                .message
                .contains("the byte at offset 18 (0xff) is not UTF-8")
        );
        std::fs::write(&p, vec![b'#'; 100]).unwrap();
        let e = read_text(&p, 99).unwrap_err();
        assert!(e.to_string().contains("larger than 99 bytes"), "{e}");
        assert_eq!(read_text(&p, 100).unwrap().len(), 100);
    }
}
