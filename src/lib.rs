//! lamas: a simulation testbed for LLM-based multi-agent systems (LaMAS).
//!
//! A researcher describes a population of agents in a scenario file ([`scenario`]); lamas
//! simulates it in a bevy_ecs world ([`sim`]): tasks arrive, a coordinator decomposes and routes
//! them, workers answer by their [`strategy`], consensus keeps an answer ([`rules`]), the value is
//! split by a [`credit`] mechanism, and agents learn. The run's metrics and time series are
//! written by [`report`]. See `ARCHITECTURE.md` for the map and `docs/model.md` for the model.

pub mod bank;
pub mod calibrate;
pub mod calibrate_cmd;
pub mod cli;
pub mod command;
pub mod credit;
pub mod credit_cmd;
pub mod design;
pub mod dist;
pub mod experiment;
pub mod experiment_cmd;
pub mod gamefile;
pub mod html;
pub mod llm;
pub mod machine;
pub mod manifest;
pub mod plot;
pub mod privacy;
pub mod progress;
pub mod report;
pub mod reproduce;
pub mod rng;
pub mod rules;
pub mod run_cmd;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
pub mod strategy;
pub mod sweep;
pub mod syntax;
pub mod table;
pub mod validate_cmd;
