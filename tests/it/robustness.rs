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
            let _ = lamas::command::render(&e);
        }
    }

    #[test]
    fn arbitrary_overrides_never_panic(key in "[a-z_\\.\\[\\]0-9]{0,30}", value in any::<String>()) {
        let text = tiny();
        let flag = format!("{key}={value}");
        if let Err(e) = scenario::from_str(&text, Path::new("tiny.toml"), &[flag]) {
            let _ = lamas::command::render(&e);
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
            let _ = lamas::command::render(&e);
        }
    }
}

/// Long lines and many problems (issue 16, items 1, 2 and 6): a problem at column 70,009 renders
/// a window of its line with the file's line and column, never a panic; 3,000 bad elements of
/// one list are reported as a bounded number of problems and a count of the rest; a problem of
/// the whole document is placed at line 1, column 1; nothing is written.
mod long_input {
    use crate::support::{assert_bad_input, lamas};

    fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }

    #[test]
    fn a_problem_far_along_a_line_renders_a_window_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "[[population]]\nname = \"a\"\n{}count = -3\n",
            " ".repeat(70_000)
        );
        let f = write(dir.path(), "wide.toml", &text);
        let out_dir = dir.path().join("out");
        let out = lamas(&["run", &f, "--out", out_dir.to_str().unwrap()]);
        assert_bad_input(
            &out,
            "wide line",
            &["wide.toml:3:70009".into(), "population[0].count".into()],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.len() < 4_000,
            "a window, not the line: {} bytes",
            stderr.len()
        );
        assert!(
            stderr.contains("[") && stderr.contains(":3:70009]"),
            "the snippet's place:\n{stderr}"
        );
        assert!(!out_dir.exists(), "nothing written");
        // The same for experiment and game files.
        let exp = format!(
            "scenario = \"wide-ok.toml\"\n{}replicates = 0\n",
            " ".repeat(70_000)
        );
        write(
            dir.path(),
            "wide-ok.toml",
            "[[population]]\nname = \"a\"\ncount = 2\n",
        );
        let e = write(dir.path(), "wide-exp.toml", &exp);
        assert_bad_input(
            &lamas(&["validate", &e]),
            "wide experiment",
            &["wide-exp.toml:2:70014".into()],
        );
        let game = format!(
            "kind = \"weighted_voting\"\nquota = 3\n{}weights = [1, -2]\n",
            " ".repeat(70_000)
        );
        let g = write(dir.path(), "wide-game.toml", &game);
        assert_bad_input(
            &lamas(&["credit", &g]),
            "wide game",
            &["wide-game.toml:3:".into()],
        );
    }

    /// A key of 70,000 characters quoted in a message (an unknown key of a JSON game, or of a
    /// TOML scenario) is cut in the middle: the report stays short.
    #[test]
    fn a_huge_key_in_a_message_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let key = "k".repeat(70_000);
        let game = write(
            dir.path(),
            "game.json",
            &format!(
                "{{\"kind\": \"airport\", \"players\": [\"a\"], \"costs\": [1], \"{key}\": 1}}"
            ),
        );
        let scenario = write(
            dir.path(),
            "huge-key.toml",
            &format!("{key} = 1\n[[population]]\nname = \"a\"\ncount = 2\n"),
        );
        for (cmd, file, at) in [
            ("credit", &game, "game.json:1:"),
            ("validate", &scenario, "huge-key.toml:1:1"),
        ] {
            let out = lamas(&[cmd, file]);
            assert_bad_input(&out, cmd, &[at.into(), "unknown".into(), "kkk…kkk".into()]);
            assert!(
                out.stderr.len() < 4_000,
                "{cmd}: {} bytes",
                out.stderr.len()
            );
        }
    }

    #[test]
    fn thousands_of_bad_elements_give_a_bounded_report() {
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["\"nope\""; 3_000].join(", ");
        let text = format!(
            "[tasks]\ndomains = 4\n[bank]\nfamilies = [{names}]\n[[population]]\nname = \"a\"\ncount = 2\n"
        );
        let f = write(dir.path(), "many.toml", &text);
        let out = lamas(&["validate", &f]);
        assert_bad_input(
            &out,
            "3,000 bad names",
            &[
                "more problems were not shown".into(),
                "bank.families[*]".into(),
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.len() < 20_000, "{} bytes", stderr.len());
        assert!(
            stderr.matches("bank.families[").count() <= 2 * lamas::syntax::error::MAX_PER_KEY + 2
        );
    }

    #[test]
    fn a_problem_of_the_whole_document_is_placed_at_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let f = write(dir.path(), "empty.toml", "ticks = 5\n");
        assert_bad_input(
            &lamas(&["validate", &f]),
            "no population",
            &["empty.toml:1:1".into()],
        );
    }

    #[test]
    fn a_very_long_player_name_is_cut_in_the_table_only() {
        let dir = tempfile::tempdir().unwrap();
        let long = "p".repeat(70_000);
        let game = format!(
            "kind = \"table\"\nplayers = [\"{long}\", \"b\"]\ndefault = 0.0\n[values]\n\"{long}+b\" = 3.0\n"
        );
        let g = write(dir.path(), "long-name.toml", &game);
        let out = lamas(&["credit", &g, "--mechanism", "shapley"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains('…') && stdout.len() < 2_000, "{stdout}");
        let csv = lamas(&["credit", &g, "--mechanism", "shapley", "--format", "csv"]);
        assert!(
            String::from_utf8_lossy(&csv.stdout).contains(&long),
            "CSV keeps the name"
        );
    }

    /// Input files are read bounded (an endless `/dev/zero` is refused at 16 MiB) and checked as
    /// UTF-8 with the first bad byte placed, by every command that reads one.
    #[test]
    fn endless_and_non_utf8_files_are_refused_with_a_place() {
        for (args, limit) in [
            (vec!["validate", "/dev/zero"], "16 MiB"),
            (vec!["run", "/dev/zero"], "16 MiB"),
            (vec!["sweep", "/dev/zero"], "16 MiB"),
            (vec!["credit", "/dev/zero"], "4 MiB"),
        ] {
            let out = lamas(&args);
            assert_bad_input(&out, &args.join(" "), &[format!("larger than {limit}")]);
        }
        let dir = tempfile::tempdir().unwrap();
        // An experiment whose base scenario is endless: refused at its `scenario` key.
        let exp = dir.path().join("endless.toml");
        std::fs::write(&exp, "scenario = \"/dev/zero\"\n").unwrap();
        let out = lamas(&["validate", exp.to_str().unwrap()]);
        assert_bad_input(
            &out,
            "experiment of /dev/zero",
            &[
                "endless.toml:1:12: scenario: cannot read `/dev/zero`: it is larger than 16 MiB"
                    .into(),
            ],
        );
        // A bad byte right after a carriage return (found by the fuzzer: it panicked).
        let crlf = dir.path().join("crlf.toml");
        std::fs::write(&crlf, b"ticks = 5\r\xe9\n").unwrap();
        let out = lamas(&["validate", crlf.to_str().unwrap()]);
        assert_bad_input(
            &out,
            "a bad byte after \\r",
            &["crlf.toml:1:11".into(), "(0xe9) is not UTF-8".into()],
        );
        let p = dir.path().join("latin1.toml");
        std::fs::write(&p, b"ticks = 5\nname = \"caf\xe9\"\n").unwrap();
        for cmd in ["validate", "credit"] {
            let out = lamas(&[cmd, p.to_str().unwrap()]);
            assert_bad_input(
                &out,
                cmd,
                &[
                    "latin1.toml:2:12".into(),
                    "the byte at offset 21 (0xe9) is not UTF-8".into(),
                ],
            );
        }
    }

    /// No output says `-0`: a run without privacy spends ε = 0, printed and written as 0.
    #[test]
    fn no_negative_zero_is_printed_or_written() {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("run");
        let out = lamas(&[
            "run",
            "scenarios/quickstart.toml",
            "--all",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("epsilon_spent_mean"), "{stdout}");
        assert!(!stdout.split_whitespace().any(|w| w == "-0"), "{stdout}");
        let summary = std::fs::read_to_string(out_dir.join("summary.json")).unwrap();
        assert!(
            !summary.contains("-0.0,") && !summary.contains(": -0\n"),
            "{summary}"
        );
    }

    /// The inputs of issue 16's item 3: each passes the range checks, and is refused before the
    /// run allocates anything because its estimated memory exceeds the budget (`--max-memory`,
    /// given here so that the test does not depend on the machine), at the key that drives it.
    #[test]
    fn runs_that_would_exhaust_memory_are_refused_at_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");
        let out = out_dir.to_str().unwrap();
        let cases: [(&str, &[&str], &str); 4] = [
            (
                "scenarios/tiny.toml",
                &["--set", "population[0].count=9999998"],
                "tiny.toml:8:1: population: this run needs about",
            ),
            (
                "scenarios/tiny.toml",
                &["--set", "tasks.arrival_rate=1000000"],
                "tasks.arrival_rate: this run needs about",
            ),
            (
                "scenarios/market.toml",
                &[
                    "--set",
                    "adaptation.entry_rate=1000000",
                    "--set",
                    "adaptation.every=1",
                ],
                "adaptation.entry_rate: this run needs about",
            ),
            (
                "scenarios/tiny.toml",
                &["--set", "ticks=4294967295"],
                "ticks: this run needs about 1.0 TiB",
            ),
        ];
        for (file, sets, expect) in cases {
            for cmd in ["run", "validate"] {
                let mut args = vec![cmd, file, "--max-memory", "4G"];
                args.extend_from_slice(sets);
                if cmd == "run" {
                    args.extend(["--out", out]);
                }
                let o = lamas(&args);
                assert_bad_input(
                    &o,
                    &args.join(" "),
                    &[
                        expect.into(),
                        "more than the memory budget of 4.0 GiB".into(),
                        "--max-memory".into(),
                    ],
                );
                assert!(!out_dir.exists(), "nothing written");
            }
        }
        // Under the same budget an ordinary run goes ahead.
        let o = lamas(&[
            "run",
            "scenarios/tiny.toml",
            "--max-memory",
            "1G",
            "--out",
            out,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = lamas(&["run", "scenarios/tiny.toml", "--max-memory", "lots"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("expected a size such as 64G"));
    }

    /// A sweep whose runs would need more memory at once than the budget is refused before any
    /// run, naming the cell.
    #[test]
    fn a_sweep_over_budget_is_refused_naming_the_cell() {
        let dir = tempfile::tempdir().unwrap();
        let exp = dir.path().join("big.toml");
        let tiny = crate::support::root().join("scenarios/tiny.toml");
        std::fs::write(
            &exp,
            format!(
                "scenario = {:?}\nreplicates = 2\n[axes]\n\"population[0].count\" = [10, 3000000]\n",
                tiny.to_str().unwrap()
            ),
        )
        .unwrap();
        let out = dir.path().join("res");
        let o = lamas(&[
            "sweep",
            exp.to_str().unwrap(),
            "--jobs",
            "2",
            "--max-memory",
            "4G",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_bad_input(
            &o,
            "sweep",
            &["big.toml: cell 1".into(), "for 2 runs at once".into()],
        );
        assert!(!out.exists(), "nothing written");
    }

    /// The games of issue 16's item 3: each mechanism's steps and memory are estimated before
    /// anything is computed, and one over the work budget (`--max-work`) or the memory budget is
    /// refused at the game's `players`; a game file too large to parse cheaply is refused unread.
    #[test]
    fn games_that_would_take_hours_or_exhaust_memory_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let glove = crate::support::root().join("scenarios/games/glove.toml");
        let glove = glove.to_str().unwrap();
        // Four billion permutations of three players.
        let o = lamas(&["credit", glove, "--samples", "4294967295"]);
        assert_bad_input(
            &o,
            "--samples 4294967295",
            &[
                "glove.toml:4:11: players: `shapley_mc` with --samples 4294967295 on this game of 3 players needs about".into(),
                "more than the work budget of 1.0e10 steps (--max-work)".into(),
            ],
        );
        // The same with a budget that allows it would start (not run here): the check is the
        // estimate, so a smaller sample passes.
        let o = lamas(&["credit", glove, "--samples", "100000", "--format", "csv"]);
        assert!(o.status.success());
        // A million players: more than a game file may hold.
        let names: Vec<String> = (0..1_000_000).map(|i| format!("\"p{i}\"")).collect();
        let big = write(
            dir.path(),
            "bank.toml",
            &format!(
                "kind = \"bankruptcy\"\nplayers = [{}]\nclaims = [{}]\nestate = 10\n",
                names.join(","),
                vec!["1"; 1_000_000].join(",")
            ),
        );
        let o = lamas(&["credit", &big]);
        assert_bad_input(
            &o,
            "a million players",
            &["bank.toml`: it is larger than 4 MiB".into()],
        );
        // 2,000 airport players fit in the file; leave-one-out (n + 1 values of n steps each)
        // fits the budget, 100,000 permutations of them do not.
        let costs: Vec<String> = (1..=2_000).map(|i| i.to_string()).collect();
        let names: Vec<String> = (0..2_000).map(|i| format!("\"p{i}\"")).collect();
        let airport = write(
            dir.path(),
            "airport.toml",
            &format!(
                "kind = \"airport\"\nplayers = [{}]\ncosts = [{}]\n",
                names.join(", "),
                costs.join(", ")
            ),
        );
        let o = lamas(&["credit", &airport, "--mechanism", "loo", "--format", "csv"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = lamas(&["credit", &airport, "--samples", "100000"]);
        assert_bad_input(
            &o,
            "airport, default set",
            &["airport.toml:2:11: players: `shapley_mc` with --samples 100000 on this game of 2000 players needs about 4.0e11 steps".into()],
        );
        // Memory: the weighted voting table of the fixture, with all the time in the world.
        let council =
            crate::support::root().join("tests/data/invalid-games/exact-power-too-costly.toml");
        let o = lamas(&[
            "credit",
            council.to_str().unwrap(),
            "--mechanism",
            "shapley",
            "--max-work",
            "1e15",
            "--max-memory",
            "1G",
        ]);
        assert_bad_input(
            &o,
            "council, memory",
            &["`shapley` on this game of 200 players needs about 15.0 GiB, more than the memory budget of 1.0 GiB (--max-memory)".into()],
        );
        // 28 players listed by default: each exact index (9.7e9 steps, 2 GiB) fits the budget,
        // both together (and the rest) do not; the fuzzer found such files taking 20 s.
        let names: Vec<String> = (0..28).map(|i| format!("\"p{i}\"")).collect();
        let table = write(
            dir.path(),
            "table.toml",
            &format!(
                "kind = \"table\"\nplayers = [{}]\ndefault = 1\n",
                names.join(", ")
            ),
        );
        let o = lamas(&["credit", &table]);
        assert_bad_input(
            &o,
            "28 players, every mechanism",
            &[
                "table.toml:2:11: players: the 6 mechanisms together need about 1.9e10 steps"
                    .into(),
            ],
        );
        let o = lamas(&[
            "credit",
            &table,
            "--mechanism",
            "shapley",
            "--max-work",
            "1e9",
        ]);
        assert_bad_input(
            &o,
            "28 players, shapley",
            &["`shapley` on this game of 28 players needs about 9.7e9 steps".into()],
        );
        let o = lamas(&["credit", glove, "--max-work", "many"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("such as 1e12"));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "nothing written"
        );
    }
}
