//! The value of a parameter an experiment sets or sweeps (a scenario key's value): the ground
//! both experiments (their grids and cells) and designs (ranges and samples) stand on.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The value of a swept parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
    /// A string, or the TOML text of an array or table.
    Str(String),
}

impl ParamValue {
    /// The parameter value of a TOML value.
    pub fn from_toml(v: &toml::Value) -> Self {
        match v {
            toml::Value::Boolean(b) => ParamValue::Bool(*b),
            toml::Value::Integer(i) => ParamValue::Int(*i),
            toml::Value::Float(f) => ParamValue::Float(*f),
            toml::Value::String(s) => ParamValue::Str(s.clone()),
            other => ParamValue::Str(other.to_string()),
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Int(i) => Some(*i as f64),
            ParamValue::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Equality that treats `3` and `3.0` as the same value.
    pub fn same(&self, other: &ParamValue) -> bool {
        match (self.as_f64(), other.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => self == other,
        }
    }

    /// The canonical text of the value in a cell's key (which an experiment's run seeds hash):
    /// integers in decimal, numbers in Rust's shortest round-trip form (`0.5`, `3.0`), booleans
    /// as `true`/`false`, strings JSON-quoted.
    pub fn canonical(&self) -> String {
        match self {
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::Int(i) => i.to_string(),
            ParamValue::Float(f) => format!("{f:?}"),
            ParamValue::Str(s) => serde_json::to_string(s).unwrap_or_default(),
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Str(s) => f.write_str(s),
        }
    }
}
