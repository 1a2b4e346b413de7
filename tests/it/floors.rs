//! The house's floors, checked from the source: every `crate::` and `super::` path in `src/`
//! is an arrow from the file that writes it to the module it names. A room (a top-level module)
//! may import rooms on its own floor or below, never above; no two rooms import each other,
//! directly or round a circle; and within a room no two files do either (a file may use what
//! its parent modules define, the room's vocabulary, and they may use it).
//!
//! The floors are read from the list in ARCHITECTURE.md (`## Floors`), so the document and the
//! check cannot drift apart: a new room must be put on a floor there, and an arrow that runs
//! back up fails here with the file and line that drew it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One import: the file and line that wrote it, the module it is in, and the module it names.
#[derive(Debug, Clone)]
struct Arrow {
    at: String,
    from: Vec<String>,
    to: Vec<String>,
}

/// Every module of `src/` (its path of names) with its file.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap().with_extension("");
                let mut names: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if names.last().is_some_and(|n| n == "mod") {
                    names.pop();
                }
                if names != ["lib"] && names != ["main"] {
                    out.insert(names, path);
                }
            }
        }
    }
    out
}

/// The text with comments, strings and character literals blanked (lines kept).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep_lines = |s: &[u8], out: &mut String| {
        out.extend(s.iter().filter(|&&c| c == b'\n').map(|_| '\n'));
    };
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            rest.windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 2)
        } else if rest.starts_with(b"r#\"") || rest.starts_with(b"r\"") {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let open = 2 + hashes;
            rest[open..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| open + p + close.len())
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(rest.len())
        } else if rest[0] == b'\'' && rest.len() > 2 && (rest[2] == b'\'' || rest[1] == b'\\') {
            // A character literal ('x' or an escape), not a lifetime.
            rest[1..]
                .iter()
                .skip(1)
                .position(|&c| c == b'\'')
                .map_or(1, |p| p + 3)
        } else {
            out.push(rest[0] as char);
            i += 1;
            continue;
        };
        keep_lines(&rest[..end], &mut out);
        out.push(' ');
        i += end;
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The paths of a use tree starting at `i` (`a::b`, `a::{b, c::{d}}`), each as its segments.
fn use_tree(b: &[u8], mut i: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'{' {
            i += 1;
            loop {
                i = use_tree(b, i, path.clone(), out);
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'}' {
                    return i + 1;
                }
            }
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if start == i {
            break;
        }
        path.push(String::from_utf8_lossy(&b[start..i]).into_owned());
        if b[i..].starts_with(b"::") {
            i += 2;
        } else {
            break;
        }
    }
    out.push(path);
    i
}

/// The module a path names: its longest prefix that is a module.
fn resolve(path: &[String], known: &BTreeMap<Vec<String>, PathBuf>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|k| path[..k].to_vec())
        .find(|p| known.contains_key(p))
}

/// Every arrow of one file: `crate::` paths, and `super::` paths from the file's module (from
/// its test module, `super` is the file's own module).
fn arrows_of(
    module: &[String],
    text: &str,
    file: &str,
    known: &BTreeMap<Vec<String>, PathBuf>,
) -> Vec<Arrow> {
    let code = code_only(text);
    let test_at = code.find("#[cfg(test)]").unwrap_or(code.len());
    let b = code.as_bytes();
    let mut out = Vec::new();
    for (i, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        if i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b':') {
            continue;
        }
        let mut paths = Vec::new();
        use_tree(b, i, Vec::new(), &mut paths);
        let line = code[..i].matches('\n').count() + 1;
        for p in paths {
            let mut here: Vec<String> = module.to_vec();
            if i >= test_at {
                here.push("tests".into());
            }
            let mut rest = p.as_slice();
            if rest.first().is_some_and(|s| s == "crate") {
                here.clear();
                rest = &rest[1..];
            }
            while rest.first().is_some_and(|s| s == "super") {
                here.pop();
                rest = &rest[1..];
            }
            here.extend(rest.iter().cloned());
            if let Some(to) = resolve(&here, known) {
                out.push(Arrow {
                    at: format!("{file}:{line}"),
                    from: module.to_vec(),
                    to,
                });
            }
        }
    }
    out
}

/// Every arrow of `src/`.
fn arrows(src: &Path) -> Vec<Arrow> {
    let known = modules(src);
    let root = src.parent().unwrap_or(src);
    let mut out = Vec::new();
    for (module, path) in &known {
        let text = std::fs::read_to_string(path).unwrap();
        let file = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        out.extend(arrows_of(module, &text, &file, &known));
    }
    out
}

/// The floors of ARCHITECTURE.md's `## Floors` section: lines `floor N  what:  room room ...`.
fn floors(doc: &str) -> BTreeMap<String, u32> {
    let section = doc
        .split("\n## Floors")
        .nth(1)
        .expect("ARCHITECTURE.md has `## Floors`");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut out = BTreeMap::new();
    for line in section.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("floor ") else {
            continue;
        };
        let (n, rooms) = rest.split_once(' ').expect("floor N  what: rooms");
        let n: u32 = n.parse().expect("a floor's number");
        let rooms = rooms.split_once(':').map_or(rooms, |(_, r)| r);
        for room in rooms.split_whitespace() {
            assert!(
                out.insert(room.to_string(), n).is_none(),
                "`{room}` is on two floors"
            );
        }
    }
    out
}

/// The strongly connected components with more than one member (the circles) of a graph.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Two nodes are in one circle when each reaches the other.
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let nodes: BTreeSet<String> = edges
        .iter()
        .flat_map(|(a, bs)| bs.iter().chain([a]))
        .cloned()
        .collect();
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(n) || !reaches[n].contains(n) {
            continue;
        }
        let circle: Vec<String> = reaches[n]
            .iter()
            .filter(|m| reaches[*m].contains(n))
            .cloned()
            .collect();
        done.extend(circle.iter().cloned());
        out.push(circle);
    }
    out
}

/// Everything wrong with the arrows against the floors, one line each.
fn violations(
    arrows: &[Arrow],
    floors: &BTreeMap<String, u32>,
    rooms: &BTreeSet<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in rooms.iter().filter(|r| !floors.contains_key(*r)) {
        out.push(format!(
            "room `{r}` is on no floor: add it to ARCHITECTURE.md's `## Floors`"
        ));
    }
    for r in floors.keys().filter(|r| !rooms.contains(*r)) {
        out.push(format!(
            "ARCHITECTURE.md puts `{r}` on a floor, but src/ has no such room"
        ));
    }
    let mut room_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut file_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for a in arrows {
        let (from, to) = (&a.from[0], &a.to[0]);
        if from != to {
            room_edges
                .entry(from.clone())
                .or_default()
                .insert(to.clone());
            if let (Some(f), Some(t)) = (floors.get(from), floors.get(to))
                && t > f
            {
                out.push(format!(
                    "{}: `{from}` (floor {f}) imports `{}` (floor {t}), an arrow back up",
                    a.at,
                    a.to.join("::")
                ));
            }
        } else if !a.from.starts_with(&a.to) {
            file_edges
                .entry(a.from.join("::"))
                .or_default()
                .insert(a.to.join("::"));
        }
    }
    for c in circles(&room_edges) {
        out.push(format!(
            "rooms import each other round a circle: {}",
            c.join(", ")
        ));
    }
    for c in circles(&file_edges) {
        out.push(format!(
            "files import each other round a circle: {}",
            c.join(", ")
        ));
    }
    out
}

#[test]
fn no_room_imports_a_floor_above_it_and_nothing_imports_round_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let arrows = arrows(&root.join("src"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let rooms: BTreeSet<String> = modules(&root.join("src"))
        .into_keys()
        .map(|m| m[0].clone())
        .collect();
    assert!(rooms.contains("sim") && rooms.contains("syntax") && arrows.len() > 200);
    let found = violations(&arrows, &floors(&doc), &rooms);
    assert!(
        found.is_empty(),
        "the floors of ARCHITECTURE.md are broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_an_arrow_back_up_and_circles() {
    let arrow = |at: &str, from: &[&str], to: &[&str]| Arrow {
        at: at.into(),
        from: from.iter().map(|s| s.to_string()).collect(),
        to: to.iter().map(|s| s.to_string()).collect(),
    };
    let floors: BTreeMap<String, u32> = [("low", 0), ("high", 1), ("other", 1)]
        .map(|(r, f)| (r.to_string(), f))
        .into();
    let rooms: BTreeSet<String> = ["low", "high", "other", "new"].map(String::from).into();
    let arrows = [
        arrow("src/low/a.rs:3", &["low", "a"], &["high"]),
        arrow("src/high.rs:1", &["high"], &["other", "x"]),
        arrow("src/other.rs:1", &["other"], &["high"]),
        arrow("src/low/a.rs:4", &["low", "a"], &["low", "b"]),
        arrow("src/low/b.rs:1", &["low", "b"], &["low", "a"]),
        // A file using its parent's vocabulary, and the parent its child: no circle.
        arrow("src/low/c.rs:1", &["low", "c"], &["low"]),
        arrow("src/low/mod.rs:1", &["low"], &["low", "c"]),
    ];
    let found = violations(&arrows, &floors, &rooms);
    assert_eq!(
        found,
        [
            "room `new` is on no floor: add it to ARCHITECTURE.md's `## Floors`",
            "src/low/a.rs:3: `low` (floor 0) imports `high` (floor 1), an arrow back up",
            "rooms import each other round a circle: high, other",
            "files import each other round a circle: low::a, low::b",
        ]
    );
}

#[test]
fn paths_are_read_from_code_only() {
    let known: BTreeMap<Vec<String>, PathBuf> = [
        vec!["a"],
        vec!["a", "b"],
        vec!["c"],
        vec!["c", "d"],
        vec!["e"],
    ]
    .map(|m| (m.into_iter().map(String::from).collect(), PathBuf::new()))
    .into();
    let text = "//! [`crate::e`]\nuse crate::{a::b::{X, Y}, c};\nuse super::d::Z; // crate::e\n\
                fn f() { let s = \"crate::e\"; let c = 'x'; crate::a::g(); }\n\
                #[cfg(test)]\nmod tests { use super::Q; }\n";
    let arrows = arrows_of(
        &["c".to_string(), "k".to_string()],
        text,
        "src/c/k.rs",
        &known,
    );
    let got: Vec<(String, String)> = arrows
        .iter()
        .map(|a| (a.at.clone(), a.to.join("::")))
        .collect();
    let want = [
        ("src/c/k.rs:2", "a::b"),
        ("src/c/k.rs:2", "a::b"),
        ("src/c/k.rs:2", "c"),
        ("src/c/k.rs:4", "a"),
        ("src/c/k.rs:3", "c::d"),
        ("src/c/k.rs:6", "c"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
}
