//! `manifest.json` of a sweep or a merge: the experiment and scenario with their hashes, the
//! resolved grid with every run's seed, and the failed and missing runs, beside what every
//! manifest has ([`crate::manifest`]: version, revision, machine). It lives with the sweep; the
//! shared manifest module knows nothing of sweeps.

use crate::manifest::{GIT_REVISION, VERSION, machine};

/// How run seeds are derived, in words (see [`crate::experiment::grid::run_seed`]).
pub const SEED_FUNCTION: &str = "seed = first 8 bytes (little-endian) of SHA-256(\"lamas/run-seed/v1\" 0x00 \
     ‖ base seed (u64 LE) ‖ cell key ‖ 0x00 ‖ replicate (u32 LE)); cell key = the cell's \
     `key=value` lines sorted by key (empty when seeds = \"common\")";

/// `manifest.json` of a sweep or merge: the experiment and scenario with their hashes, the
/// resolved grid with every run's seed, version, revision, machine, threads, wall time, and the
/// failed and missing runs. `extra` holds what differs between sweeps and merges.
pub fn sweep_manifest(
    plan: &crate::experiment::Plan,
    records: &[super::store::RunRecord],
    outcome: &super::Outcome,
    extra: serde_json::Value,
    files: Vec<String>,
) -> serde_json::Value {
    use super::store::Status;
    let cells: Vec<serde_json::Value> = plan
        .cells
        .iter()
        .zip(&plan.cell_hashes)
        .map(|(c, h)| {
            let params: serde_json::Map<String, serde_json::Value> = c
                .params
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
                .collect();
            let seeds: Vec<u64> = (0..plan.replicates)
                .map(|r| {
                    plan.seed_of(crate::experiment::RunId {
                        cell: c.index,
                        replicate: r,
                    })
                })
                .collect();
            serde_json::json!({
                "cell": c.index, "params": params, "scenario_hash": h, "seeds": seeds,
            })
        })
        .collect();
    let failed: Vec<serde_json::Value> = records
        .iter()
        .filter(|r| r.status == Status::Failed)
        .map(|r| {
            serde_json::json!({
                "cell": r.run.cell, "replicate": r.run.replicate, "seed": r.seed,
                "error": r.error,
            })
        })
        .collect();
    let mut m = serde_json::json!({
        "lamas_version": VERSION,
        "git_revision": GIT_REVISION,
        "experiment": {
            "id": plan.id, "title": plan.title, "file": plan.file, "hash": plan.file_hash,
            "quick": plan.quick,
        },
        "scenario": { "file": plan.scenario_file, "hash": plan.scenario_hash },
        "fingerprint": plan.fingerprint(),
        "seed": plan.seed,
        "seeds": plan.seeds,
        "seed_function": SEED_FUNCTION,
        "replicates": plan.replicates,
        "set": plan.set,
        "axes": plan.axes,
        "metrics": plan.metrics,
        "cells": cells,
        "runs_planned": outcome.planned,
        "runs_executed": outcome.ran,
        "runs_kept": outcome.kept,
        "runs_finished": records.iter().filter(|r| r.status == Status::Ok).count(),
        "runs_failed": failed.len(),
        "failed": failed,
        "missing": outcome.missing.iter().map(|r| serde_json::json!({"cell": r.cell, "replicate": r.replicate})).collect::<Vec<_>>(),
        "machine": machine(),
        "wall_seconds": outcome.wall_seconds,
        "files": files,
    });
    if let (Some(m), serde_json::Value::Object(extra)) = (m.as_object_mut(), extra) {
        for (k, v) in extra {
            m.insert(k, v);
        }
    }
    m
}
