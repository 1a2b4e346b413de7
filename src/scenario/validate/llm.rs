//! Validation of the task bank (`[bank]`) and the language models (`[llm]`, and each group's
//! `llm` key): the families and the items file, the profiles with their endpoints and sampling
//! parameters, and the groups' references to them. Files (the items, the cassette) are named
//! here and read after validation, by [`crate::scenario::load`] and the commands.

use std::path::PathBuf;

use super::Checker;
use crate::bank::{Bank, FamilyKind};
use crate::llm::{LlmSetup, Profile, SeedBy};
use crate::scenario::raw::{RawBank, RawProfile, RawProfiles, RawScenario};
use crate::scenario::{Group, Tasks};
use crate::syntax::error::{KeyPath, Problem};
use crate::syntax::spec::suggest;

/// The defaults of `[bank]` and `[llm]` (documented in `docs/llm.md`).
pub mod defaults {
    /// `bank.families` when there is no `bank.file`.
    pub const BANK_FAMILIES: &[&str] = &["addition(2)"];
    /// `llm.profile[].template`.
    pub const LLM_TEMPLATE: &str = "{question}\n{instruction}";
    /// `llm.profile[].temperature`.
    pub const LLM_TEMPERATURE: f64 = 0.0;
    /// `llm.profile[].seed`.
    pub const LLM_SEED: u64 = 1;
    /// `llm.profile[].seed_by`.
    pub const LLM_SEED_BY: &str = "profile";
    /// `llm.profile[].max_tokens`.
    pub const LLM_MAX_TOKENS: i64 = 32;
    /// `llm.profile[].timeout`, seconds.
    pub const LLM_TIMEOUT: f64 = 60.0;
    /// `llm.profile[].concurrency`.
    pub const LLM_CONCURRENCY: i64 = 4;
    /// `llm.profile[].retries`.
    pub const LLM_RETRIES: i64 = 2;
    /// `llm.profile[].cost_per_input_token` and `cost_per_output_token`.
    pub const LLM_TOKEN_COST: f64 = 0.0;
    /// `llm.cassette`: this, after the scenario file's name without its extension.
    pub const LLM_CASSETTE_SUFFIX: &str = ".cassette.jsonl";
}

/// The bank, if `[bank]` is present.
pub(super) fn bank(c: &mut Checker, raw: &mut Option<RawBank>, tasks: &Tasks) -> Option<Bank> {
    let raw = raw.as_mut()?;
    let at = KeyPath::root().key("bank");
    if raw.families.is_none() && raw.file.is_none() {
        raw.families = Some(
            defaults::BANK_FAMILIES
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
    }
    let texts = raw.families.clone().unwrap_or_default();
    let mut families = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let p = at.key("families").index(i);
        match FamilyKind::parse(text) {
            Ok(FamilyKind::Choice(_)) if tasks.answers > 26 => c.problems.push(
                Problem::new(p, format!("`choice` letters its options A to Z, so it needs tasks.answers ≤ 26, found {}", tasks.answers))
                    .help("set tasks.answers to the number of options, e.g. 4"),
            ),
            Ok(f) => families.push(f),
            Err(e) => c.problems.push(Problem::new(p, e)),
        }
    }
    if let Some(f) = &raw.file
        && f.trim().is_empty()
    {
        c.problems.push(Problem::new(
            at.key("file"),
            "the items file's name is empty",
        ));
    }
    if texts.is_empty() && raw.file.is_none() {
        c.problems.push(
            Problem::new(
                at.key("families"),
                "the bank has no source: no family and no file",
            )
            .help("name a family, e.g. families = [\"addition(2)\"], or give a file"),
        );
    }
    let bank = Bank {
        families,
        file_path: raw.file.as_ref().map(PathBuf::from),
        file: None,
    };
    if bank.sources() > tasks.domains {
        c.problems.push(
            Problem::new(
                KeyPath::root().key("tasks").key("domains"),
                format!(
                    "each source of the bank is a skill domain: its {} sources need tasks.domains ≥ {}, found {}",
                    bank.sources(),
                    bank.sources(),
                    tasks.domains
                ),
            )
            .help(format!("set tasks.domains = {}", bank.sources())),
        );
    }
    Some(bank)
}

/// A group names a profile that is not defined.
pub(super) fn unknown_profile(at: KeyPath, name: &str, profiles: &[Profile]) -> Problem {
    let hint = suggest(name, profiles.iter().map(|q| q.name.as_str()))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    let known: Vec<&str> = profiles.iter().map(|q| q.name.as_str()).collect();
    Problem::new(at, format!("unknown model profile `{name}`")).help(if known.is_empty() {
        "define it in an [[llm.profile]] table with a `name`, a `base_url` and a `model`"
            .to_string()
    } else {
        format!("{hint}profiles: {}", known.join(", "))
    })
}

/// The models, if `[llm]` is present; sets each group's profiles and checks the references.
pub(super) fn models(
    c: &mut Checker,
    raw: &mut RawScenario,
    groups: &mut [Group],
    default_name: &str,
) -> Option<LlmSetup> {
    let at = KeyPath::root().key("llm");
    let profiles: Vec<Profile> = match raw.llm.as_mut() {
        Some(llm) => {
            let names: Vec<Option<String>> = llm.profile.iter().map(|p| p.name.clone()).collect();
            llm.profile
                .iter_mut()
                .enumerate()
                .map(|(i, p)| profile(c, p, &at.key("profile").index(i), &names[..i]))
                .collect()
        }
        None => Vec::new(),
    };
    let has_bank = raw.bank.is_some();
    for (i, (g, group)) in raw.population.iter().zip(groups.iter_mut()).enumerate() {
        let Some(names) = &g.llm else { continue };
        let p = KeyPath::root().key("population").index(i).key("llm");
        let listed = matches!(names, RawProfiles::Turns(_));
        if names.names().is_empty() {
            c.problems.push(
                Problem::new(p.clone(), "expected at least one model profile, found an empty list")
                    .help("name one profile (`llm = \"careful\"`) or several its agents take in turn (`llm = [\"a\", \"b\"]`)"),
            );
        }
        for (j, name) in names.names().into_iter().enumerate() {
            let at = if listed {
                p.clone().index(j)
            } else {
                p.clone()
            };
            match profiles.iter().position(|q| q.name == name) {
                Some(k) => group.llm.push(k as u16),
                None => c.problems.push(unknown_profile(at, name, &profiles)),
            }
        }
        if !has_bank {
            c.problems.push(
                Problem::new(p, "a model-backed group needs items a model can answer, but the scenario has no [bank]")
                    .help("add a [bank] table, e.g.\n[bank]\nfamilies = [\"addition(2)\"]"),
            );
        }
    }
    let llm = raw.llm.as_mut()?;
    let cassette = llm
        .cassette
        .get_or_insert_with(|| format!("{default_name}{}", defaults::LLM_CASSETTE_SUFFIX))
        .clone();
    if cassette.trim().is_empty() {
        c.problems.push(Problem::new(
            at.key("cassette"),
            "the cassette's file name is empty",
        ));
    }
    Some(LlmSetup {
        profiles,
        cassette: PathBuf::from(cassette),
    })
}

/// Checks a required text key.
fn required(c: &mut Checker, at: &KeyPath, key: &str, v: &Option<String>, example: &str) -> String {
    match v {
        Some(s) if !s.trim().is_empty() => s.clone(),
        Some(_) => {
            c.problems.push(
                Problem::new(at.key(key), format!("`{key}` is empty")).help(example.to_string()),
            );
            String::new()
        }
        None => {
            c.problems.push(
                Problem::new(at.clone(), format!("missing key `{key}`")).help(example.to_string()),
            );
            String::new()
        }
    }
}

fn profile(
    c: &mut Checker,
    p: &mut RawProfile,
    at: &KeyPath,
    earlier: &[Option<String>],
) -> Profile {
    use defaults as d;
    let name = profile_name(c, p, at, earlier);
    let (base_url, model) = endpoint(c, p, at);
    let (template, seed_by) = prompt(c, p, at);
    let timeout = call_timeout(c, p, at);
    Profile {
        name,
        base_url,
        api_key_env: p.api_key_env.clone(),
        model,
        system: p.system.get_or_insert_with(String::new).clone(),
        template,
        temperature: c.num(
            at.key("temperature"),
            &mut p.temperature,
            d::LLM_TEMPERATURE,
            0.0,
            2.0,
        ),
        seed: *p.seed.get_or_insert(d::LLM_SEED),
        seed_by,
        max_tokens: c.int(
            at.key("max_tokens"),
            &mut p.max_tokens,
            d::LLM_MAX_TOKENS,
            1,
            32768,
        ) as u32,
        timeout,
        concurrency: c.int(
            at.key("concurrency"),
            &mut p.concurrency,
            d::LLM_CONCURRENCY,
            1,
            256,
        ) as u32,
        retries: c.int(at.key("retries"), &mut p.retries, d::LLM_RETRIES, 0, 10) as u32,
        cost_per_input_token: c.num(
            at.key("cost_per_input_token"),
            &mut p.cost_per_input_token,
            d::LLM_TOKEN_COST,
            0.0,
            super::defaults::MAX_AMOUNT,
        ),
        cost_per_output_token: c.num(
            at.key("cost_per_output_token"),
            &mut p.cost_per_output_token,
            d::LLM_TOKEN_COST,
            0.0,
            super::defaults::MAX_AMOUNT,
        ),
    }
}

/// The profile's `name`: given, of letters, digits, `_` and `-`, and not an earlier profile's.
fn profile_name(
    c: &mut Checker,
    p: &RawProfile,
    at: &KeyPath,
    earlier: &[Option<String>],
) -> String {
    let name = required(
        c,
        at,
        "name",
        &p.name,
        "every profile needs a unique `name`, e.g. name = \"careful\"",
    );
    if !name
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        c.problems.push(Problem::new(
            at.key("name"),
            format!("profile name `{name}` must use only letters, digits, `_` and `-`"),
        ));
    } else if earlier.iter().flatten().any(|e| *e == name) {
        c.problems.push(Problem::new(
            at.key("name"),
            format!("a profile named `{name}` is already defined"),
        ));
    }
    name
}

/// The endpoint: `base_url` (an http or https URL), never an `api_key` in the file, and the
/// `model` as the endpoint knows it.
fn endpoint(c: &mut Checker, p: &RawProfile, at: &KeyPath) -> (String, String) {
    let base_url = required(
        c,
        at,
        "base_url",
        &p.base_url,
        "give the endpoint, e.g. base_url = \"http://127.0.0.1:8080/v1\" (llama.cpp's server), \"http://127.0.0.1:11434/v1\" (Ollama)",
    );
    if !(base_url.is_empty() || base_url.starts_with("http://") || base_url.starts_with("https://"))
    {
        c.problems.push(
            Problem::new(
                at.key("base_url"),
                format!("expected an http:// or https:// URL, found `{base_url}`"),
            )
            .help("e.g. base_url = \"http://127.0.0.1:8080/v1\""),
        );
    }
    if p.api_key.is_some() {
        c.problems.push(
            Problem::new(at.key("api_key"), "an API key never goes in a scenario file")
                .help("export it in an environment variable and name the variable: api_key_env = \"OPENAI_API_KEY\""),
        );
    }
    let model = required(
        c,
        at,
        "model",
        &p.model,
        "name the model as the endpoint knows it, e.g. model = \"smollm2-135m\"",
    );
    (base_url, model)
}

/// The prompt: its `template` (which must show the item's `{question}`) and whose `seed_by`.
fn prompt(c: &mut Checker, p: &mut RawProfile, at: &KeyPath) -> (String, SeedBy) {
    use defaults as d;
    let template = p
        .template
        .get_or_insert_with(|| d::LLM_TEMPLATE.to_string())
        .clone();
    if !template.contains("{question}") {
        c.problems.push(
            Problem::new(
                at.key("template"),
                "the template has no `{question}`: the model would never see the item",
            )
            .help("e.g. template = \"{question}\\n{instruction}\""),
        );
    }
    let seed_by = match p
        .seed_by
        .get_or_insert_with(|| d::LLM_SEED_BY.to_string())
        .as_str()
    {
        "profile" => SeedBy::Profile,
        "agent" => SeedBy::Agent,
        other => {
            c.problems.push(Problem::new(
                at.key("seed_by"),
                format!("expected `profile` or `agent`, found `{other}`"),
            ));
            SeedBy::Profile
        }
    };
    (template, seed_by)
}

/// The call's `timeout` in seconds, in (0, 3600].
fn call_timeout(c: &mut Checker, p: &mut RawProfile, at: &KeyPath) -> f64 {
    use defaults as d;
    let timeout = c.num(
        at.key("timeout"),
        &mut p.timeout,
        d::LLM_TIMEOUT,
        0.0,
        3600.0,
    );
    if timeout == 0.0 {
        c.problems.push(Problem::new(
            at.key("timeout"),
            "expected a number in (0, 3600], found 0",
        ));
    }
    timeout
}
