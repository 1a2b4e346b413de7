//! The installer of the local models (`scripts/llm_models.py`): a model file is assembled from
//! its parts and put in place only when its size and SHA-256 are the catalogue's; a corrupted
//! part is refused and leaves nothing behind. (The real models' own checks, against a corrupted
//! copy of SmolLM2, are in `llm_live.rs`, which installs it.)

use std::path::Path;
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

use crate::support::root;

fn models_py(args: &[&str]) -> Output {
    Command::new("python3")
        .arg(root().join("scripts/llm_models.py"))
        .args(args)
        .output()
        .expect("python3 runs")
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Three parts of 1.5 MB (more than one read's chunk) and their concatenation's hash.
fn parts(dir: &Path) -> (Vec<String>, Vec<u8>) {
    let mut whole = Vec::new();
    let mut names = Vec::new();
    for i in 0..3u32 {
        let part: Vec<u8> = (0..1_500_000u32)
            .map(|j| (j.wrapping_mul(31).wrapping_add(i * 7) % 251) as u8)
            .collect();
        let name = dir.join(format!("part{i}.bin"));
        std::fs::write(&name, &part).unwrap();
        whole.extend_from_slice(&part);
        names.push(name.to_string_lossy().into_owned());
    }
    (names, whole)
}

fn assemble(parts: &[String], sha: &str, size: usize, out: &Path) -> Output {
    let size = size.to_string();
    let out = out.to_string_lossy().into_owned();
    let mut args = vec!["assemble", "--sha256", sha, "--size", &size, "--out", &out];
    args.extend(parts.iter().map(String::as_str));
    models_py(&args)
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("part"))
        .collect()
}

#[test]
fn parts_with_the_catalogue_hash_are_assembled_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (names, whole) = parts(dir.path());
    let out = dir.path().join("model.gguf");
    let done = assemble(&names, &hex(&whole), whole.len(), &out);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        std::fs::read(&out).unwrap() == whole,
        "the parts, concatenated in order"
    );
    assert_eq!(leftovers(dir.path()), vec!["model.gguf".to_string()]);
}

#[test]
fn a_corrupted_part_or_a_wrong_order_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (names, whole) = parts(dir.path());
    let (sha, out) = (hex(&whole), dir.path().join("model.gguf"));
    let mut corrupted = std::fs::read(&names[1]).unwrap();
    corrupted[700_000] ^= 1;
    let bad = dir.path().join("part1-corrupted.bin");
    std::fs::write(&bad, corrupted).unwrap();
    let swapped = [names[1].clone(), names[0].clone(), names[2].clone()];
    let with_bad = [
        names[0].clone(),
        bad.to_string_lossy().into_owned(),
        names[2].clone(),
    ];
    for (what, list, size) in [
        ("a flipped bit", &with_bad[..], whole.len()),
        ("parts out of order", &swapped[..], whole.len()),
        ("a missing part", &names[..2], whole.len()),
        ("a wrong size", &names[..], whole.len() + 1),
    ] {
        let refused = assemble(list, &sha, size, &out);
        let err = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains("refused") && err.contains(&sha),
            "{what}: {err}"
        );
        assert!(
            leftovers(dir.path()).is_empty(),
            "{what}: nothing is left behind"
        );
    }
}

#[test]
fn an_unknown_model_is_named_with_the_models_there_are() {
    let out = models_py(&["install", "gpt-5"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("qwen2.5-coder-0.5b") && err.contains("smollm2-135m"),
        "{err}"
    );
}
