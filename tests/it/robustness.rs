//! The scenario loader never panics, whatever it is given: arbitrary text, arbitrary `--set`
//! flags, and valid files with one value replaced by junk. Every problem it reports about a file
//! points inside that file.

use std::path::Path;

use lamas::scenario::{self, InputError};
use proptest::prelude::{ProptestConfig, any, prop_assert, proptest};

fn tiny() -> String {
    std::fs::read_to_string(crate::support::root().join("scenarios/tiny.toml")).unwrap()
}

fn check_places(text: &str, e: &InputError) -> Result<(), String> {
    if let InputError::Invalid(located) = e {
        let lines = text.lines().count().max(1);
        for p in &located.problems {
            if let Some((line, _)) = p.line_col
                && line > lines + 1
            {
                return Err(format!("line {line} is past the end ({lines} lines)"));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        if let Err(e) = scenario::from_str(&text, Path::new("x.toml"), &[]) {
            prop_assert!(check_places(&text, &e).is_ok());
            let _ = lamas::cli::render(&e);
        }
    }

    #[test]
    fn arbitrary_overrides_never_panic(key in "[a-z_\\.\\[\\]0-9]{0,30}", value in any::<String>()) {
        let text = tiny();
        let flag = format!("{key}={value}");
        if let Err(e) = scenario::from_str(&text, Path::new("tiny.toml"), &[flag]) {
            let _ = lamas::cli::render(&e);
        }
    }

    #[test]
    fn corrupted_values_never_panic(line in 0usize..60, junk in "[ -~]{0,12}") {
        // Replace the value of one `key = value` line of a valid file.
        let text = tiny();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let n = lines.len();
        let l = &mut lines[line % n];
        if let Some(eq) = l.find(" = ") {
            *l = format!("{} = {junk}", &l[..eq]);
        }
        let corrupted = lines.join("\n");
        if let Err(e) = scenario::from_str(&corrupted, Path::new("tiny.toml"), &[]) {
            prop_assert!(check_places(&corrupted, &e).is_ok());
            let _ = lamas::cli::render(&e);
        }
    }
}
