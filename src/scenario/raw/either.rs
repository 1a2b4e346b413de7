//! The values a scenario may write two ways, with their hand-written deserializers and JSON
//! Schemas: a number or a distribution call ([`RawDist`]), one profile name or a list of them
//! ([`RawProfiles`]), and a skill for all domains or a list with one per domain ([`RawSkill`]).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A number or a distribution written as a call: `0.8`, `"uniform(0.6, 1)"`, `"beta(2, 5)"`,
/// `"normal(0.7, 0.1)"` (clipped to [0, 1]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawDist {
    /// A fixed value.
    Fixed(f64),
    /// A distribution in call syntax.
    Text(String),
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DistVisitor)
    }
}

struct DistVisitor;

impl Visitor<'_> for DistVisitor {
    type Value = RawDist;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a distribution such as \"uniform(0.5, 0.9)\"")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
        Ok(RawDist::Fixed(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
        Ok(RawDist::Fixed(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
        Ok(RawDist::Fixed(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDist, E> {
        Ok(RawDist::Text(v.to_string()))
    }
}

impl JsonSchema for RawDist {
    fn schema_name() -> Cow<'static, str> {
        "Distribution".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number, or a distribution: \"uniform(low, high)\", \"beta(a, b)\", \"normal(mean, sd)\"",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^\\s*(uniform|beta|normal)\\s*\\(.*\\)\\s*$" }
            ]
        })
    }
}

/// The model profile of a group: one name, or a list of names its agents take in turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawProfiles {
    /// Every agent of the group is backed by this profile.
    One(String),
    /// Member m of the group is backed by entry m mod the list's length.
    Turns(Vec<String>),
}

impl RawProfiles {
    /// The names, in order.
    pub fn names(&self) -> Vec<&str> {
        match self {
            RawProfiles::One(n) => vec![n.as_str()],
            RawProfiles::Turns(ns) => ns.iter().map(String::as_str).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for RawProfiles {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ProfilesVisitor)
    }
}

struct ProfilesVisitor;

impl<'de> Visitor<'de> for ProfilesVisitor {
    type Value = RawProfiles;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a model profile's name, or a list of names its agents take in turn")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawProfiles, E> {
        Ok(RawProfiles::One(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawProfiles, A::Error> {
        let mut names = Vec::new();
        while let Some(n) = seq.next_element::<String>()? {
            names.push(n);
        }
        Ok(RawProfiles::Turns(names))
    }
}

impl JsonSchema for RawProfiles {
    fn schema_name() -> Cow<'static, str> {
        "Profiles".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A model profile's name, or a list of names the group's agents take in turn",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        })
    }
}

/// Skill per domain: one value or distribution for all domains, or a list with one per domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawSkill {
    /// The same for every domain.
    All(RawDist),
    /// One entry per domain.
    PerDomain(Vec<RawDist>),
}

impl<'de> Deserialize<'de> for RawSkill {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkillVisitor)
    }
}

struct SkillVisitor;

impl<'de> Visitor<'de> for SkillVisitor {
    type Value = RawSkill;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a distribution such as \"uniform(0.5, 0.9)\", or a list of them (one per domain)")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawSkill, E> {
        Ok(RawSkill::All(RawDist::Fixed(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSkill, E> {
        Ok(RawSkill::All(RawDist::Fixed(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSkill, E> {
        Ok(RawSkill::All(RawDist::Fixed(v as f64)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSkill, E> {
        Ok(RawSkill::All(RawDist::Text(v.to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawSkill, A::Error> {
        let mut out = Vec::new();
        while let Some(d) = seq.next_element::<RawDist>()? {
            out.push(d);
        }
        Ok(RawSkill::PerDomain(out))
    }
}

impl JsonSchema for RawSkill {
    fn schema_name() -> Cow<'static, str> {
        "Skill".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let one = g.subschema_for::<RawDist>();
        json_schema!({
            "description": "Skill in [0, 1]: one number or distribution for every domain, or a list with one per domain",
            "anyOf": [ one, { "type": "array", "items": one } ]
        })
    }
}
