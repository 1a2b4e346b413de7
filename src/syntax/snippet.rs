//! A window of a source file around one problem, for the diagnostic renderer.
//!
//! A problem is shown with its line and one line on each side, each cut to at most [`WINDOW`]
//! characters (the problem's line, and a longer neighbour, around the problem's column; a cut
//! marked `…`), so a problem renders in bounded
//! time and width at any line length: a generated file with a 100,000-character line is shown as
//! a window of it, and the renderer never sees a column it cannot draw. Line numbers and the
//! problem's column (in characters, 0-based here, as in every message of lamas) are the file's own ([`Snippet`] implements miette's `SourceCode`, reporting
//! the window's lines at their place in the file).

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Characters of a line shown around a problem.
pub const WINDOW: usize = 120;
/// Characters shown before the problem's column when its line is cut.
const BEFORE: usize = 40;
/// The mark of a cut.
const CUT: char = '…';

/// The lines around a problem, windowed, and the problem's span in them.
#[derive(Debug, Clone)]
pub struct Snippet {
    name: String,
    text: String,
    /// 0-based line of `text`'s first line in the file.
    first_line: usize,
    /// 0-based line of the problem in `text`.
    label_line: usize,
    /// What turns the renderer's column of the problem in the window into its column in the
    /// file.
    shift: isize,
    /// The problem's span in `text`.
    label: Range<usize>,
}

/// Start and end (bytes) of the line holding byte `at`, without its line break.
fn line_bounds(source: &str, at: usize) -> Range<usize> {
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let end = if source[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    start..end
}

/// A neighbouring line: whole if it fits in [`WINDOW`] characters, else the problem line's window.
fn neighbour(line: &str, (from, to): (usize, usize)) -> String {
    if line.chars().count() <= WINDOW {
        line.to_string()
    } else {
        window(line, (from, to))
    }
}

/// The characters `from..to` of `line`, with a cut mark at each end that was cut.
fn window(line: &str, (from, to): (usize, usize)) -> String {
    let n = line.chars().count();
    let mut s = String::new();
    if from > 0 {
        s.push(CUT);
    }
    s.extend(line.chars().skip(from).take(to.saturating_sub(from)));
    if to < n {
        s.push(CUT);
    }
    s
}

/// Byte offset of character `c` in `s`.
fn byte_of(s: &str, c: usize) -> usize {
    s.char_indices().nth(c).map_or(s.len(), |(i, _)| i)
}

impl Snippet {
    /// The window of `source` (the file `name`) around the byte span `span`: its first line
    /// only, when it spans several.
    pub fn new(name: &str, source: &str, span: Range<usize>) -> Snippet {
        let mut at = span.start.min(source.len());
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        let line = line_bounds(source, at);
        // A place on a line's `\r` (before its `\n`) is shown at the line's end.
        let at = at.clamp(line.start, line.end);
        let text_line = &source[line.clone()];
        let col = source[line.start..at.max(line.start)].chars().count();
        let len = source[at.min(line.end)..span.end.clamp(at, line.end)]
            .chars()
            .count();
        let n = text_line.chars().count();
        let (from, to) = if n <= WINDOW {
            (0, n)
        } else {
            let from = col.saturating_sub(BEFORE).min(n.saturating_sub(WINDOW));
            (from, (from + WINDOW).min(n))
        };
        let shown = window(text_line, (from, to));
        let mark = usize::from(from > 0);
        let start_char = mark + col - from;
        let end_char = start_char + len.min(to.saturating_sub(col));
        let mut text = String::new();
        let mut label_line = 0;
        if line.start > 0 {
            let prev = line_bounds(source, line.start - 1);
            text.push_str(&neighbour(&source[prev], (from, to)));
            text.push('\n');
            label_line = 1;
        }
        let offset = text.len();
        let label = offset + byte_of(&shown, start_char)..offset + byte_of(&shown, end_char);
        text.push_str(&shown);
        let after = source[line.end..].find('\n').map(|i| line.end + i + 1);
        if let Some(next) = after.filter(|&s| s < source.len()) {
            text.push('\n');
            text.push_str(&neighbour(&source[line_bounds(source, next)], (from, to)));
        }
        // The renderer's column of the label in the window (it counts bytes), and the file's (in
        // characters, as every message of lamas counts them).
        let shown_col = SourceCode::read_span(&text, &label.clone().into(), 0, 0)
            .map_or(start_char, |c| c.column());
        Snippet {
            name: name.to_string(),
            text,
            first_line: source[..line.start].matches('\n').count() - label_line,
            label_line,
            shift: col as isize - shown_col as isize,
            label,
        }
    }

    /// The problem's span in the window.
    pub fn label(&self) -> Range<usize> {
        self.label.clone()
    }

    /// The window's text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let column = if inner.line() == self.label_line {
            (inner.column() as isize + self.shift).max(0) as usize
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_place_on_a_carriage_return_is_shown_at_the_end_of_its_line() {
        // Found by the fuzzer: the first byte that is not UTF-8 right after a `\r`.
        let source = "a = 1\r\nb = 2\r";
        for at in [5, 13, 14] {
            let s = Snippet::new("f.toml", source, at..at + 1);
            assert!(s.label().start <= s.text().len(), "at {at}");
        }
    }

    use super::*;

    #[test]
    fn a_short_line_is_shown_whole_with_its_neighbours() {
        let src = "a = 1\nbb = 22\nc = 3\n";
        let at = src.find("22").unwrap();
        let s = Snippet::new("f", src, at..at + 2);
        assert_eq!(s.text(), "a = 1\nbb = 22\nc = 3");
        assert_eq!(&s.text()[s.label()], "22");
        let c = s.read_span(&s.label().into(), 0, 0).unwrap();
        assert_eq!(
            (c.line(), c.column()),
            (1, 5),
            "the file's line and column, 0-based"
        );
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_problem() {
        let src = format!("x = [{}\"bad\"]\n", "1, ".repeat(30_000));
        let at = src.find("\"bad\"").unwrap();
        let s = Snippet::new("f", &src, at..at + 5);
        assert!(s.text().chars().count() <= WINDOW + 2, "{}", s.text().len());
        assert!(s.text().starts_with(CUT) && s.text().ends_with(CUT) || s.text().ends_with(']'));
        assert_eq!(&s.text()[s.label()], "\"bad\"");
        let c = s.read_span(&s.label().into(), 0, 0).unwrap();
        assert_eq!(c.column(), src[..at].chars().count(), "the true column");
        assert_eq!(c.line(), 0);
    }

    #[test]
    fn spans_at_the_ends_and_across_lines_stay_in_the_window() {
        let src = "é = 1\r\nz";
        let s = Snippet::new("f", src, 0..src.len());
        assert_eq!(
            &s.text()[s.label()],
            "é = 1",
            "the first line of a multi-line span"
        );
        let s = Snippet::new("f", src, 4..5);
        let c = s.read_span(&s.label().into(), 0, 0).unwrap();
        assert_eq!(
            c.column(),
            3,
            "columns count characters (byte 4 is character 3)"
        );
        let s = Snippet::new("f", src, src.len()..src.len());
        assert_eq!(s.label(), s.text().len()..s.text().len());
        let s = Snippet::new("f", "", 0..0);
        assert_eq!(s.text(), "");
    }
}
