//! Every registry's names are data: each entry of each `name(args)` table parses, and to the
//! variant of its own name (`proportional_claim` to `ProportionalClaim`, ...), never to another
//! one. A name added to a table whose parse arm was forgotten is an error of the parse ("has no
//! arm"), and this test finds it for every registry at once.

use lamas::syntax::spec::SpecDef;

/// `name(args)` of a registry entry, each argument in range: its default, else a whole number's
/// smallest allowed value of at least 1, else the middle of a bounded range (a probability is
/// 0.5), else one above its smallest value.
fn example(def: &SpecDef) -> String {
    if def.params.is_empty() {
        return def.name.to_string();
    }
    let args: Vec<String> = def
        .params
        .iter()
        .map(|p| {
            let free = if p.integer {
                p.min.max(1.0).min(p.max)
            } else if p.max.is_finite() {
                (p.min + p.max) / 2.0
            } else {
                p.min.max(0.0) + 1.0
            };
            p.default.unwrap_or(free).to_string()
        })
        .collect();
    format!("{}({})", def.name, args.join(", "))
}

/// `snake_case` as `CamelCase`, the way a variant is named after its entry.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Checks one registry: every entry parses, and its value's variant is named after the entry
/// (the variant's name is where its `Debug` form starts).
fn check<T: std::fmt::Debug>(
    what: &str,
    table: &[SpecDef],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    for def in table {
        let text = example(def);
        match parse(&text) {
            Err(e) => wrong.push(format!("{what} `{text}`: {e}")),
            Ok(v) => {
                if !format!("{v:?}").starts_with(&camel(def.name)) {
                    wrong.push(format!("{what} `{text}` parses to {v:?}"));
                }
            }
        }
    }
    assert!(!table.is_empty(), "{what}: an empty registry");
    wrong
}

#[test]
fn every_registry_entry_parses_to_its_own_variant() {
    use lamas::{bank, credit, design, dist, privacy, rules, strategy};
    let mut wrong = Vec::new();
    wrong.extend(check(
        "credit mechanism",
        credit::MECHANISMS,
        credit::MechanismKind::parse,
    ));
    wrong.extend(check(
        "privacy mechanism",
        privacy::PRIVACY_MECHANISMS,
        privacy::PrivacyKind::parse,
    ));
    wrong.extend(check(
        "item family",
        bank::FAMILIES,
        bank::FamilyKind::parse,
    ));
    wrong.extend(check(
        "strategy",
        strategy::STRATEGIES,
        strategy::Strategy::parse,
    ));
    wrong.extend(check(
        "consensus rule",
        rules::consensus::CONSENSUS_RULES,
        rules::consensus::ConsensusRule::parse,
    ));
    wrong.extend(check(
        "value rule",
        rules::value::VALUE_RULES,
        rules::value::ValueRule::parse,
    ));
    wrong.extend(check("topology", rules::TOPOLOGIES, rules::Topology::parse));
    wrong.extend(check(
        "accuracy curve",
        rules::accuracy::ACCURACY_CURVES,
        rules::accuracy::AccuracyCurve::parse,
    ));
    wrong.extend(check(
        "observation",
        rules::OBSERVATIONS,
        rules::Observation::parse,
    ));
    wrong.extend(check("policy", rules::POLICIES, rules::Policy::parse));
    wrong.extend(check(
        "simulated decider",
        lamas::strategy::decider::DECIDERS,
        lamas::strategy::decider::Decider::parse,
    ));
    wrong.extend(check(
        "distribution",
        dist::DISTRIBUTIONS,
        dist::Dist::parse,
    ));
    wrong.extend(check(
        "value distribution",
        dist::VALUE_DISTRIBUTIONS,
        dist::Dist::parse_nonnegative,
    ));
    wrong.extend(check(
        "design range",
        design::range::RANGES,
        design::Range::parse,
    ));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_check_finds_a_name_parsed_as_another_variant() {
    #[derive(Debug)]
    enum Rule {
        Majority,
    }
    const TABLE: &[SpecDef] = &[
        SpecDef {
            name: "majority",
            doc: "",
            params: &[],
        },
        SpecDef {
            name: "unanimity",
            doc: "",
            params: &[],
        },
    ];
    // A forgotten arm that falls through to another rule.
    let wrong = check("rule", TABLE, |_| Ok(Rule::Majority));
    assert_eq!(wrong, ["rule `unanimity` parses to Majority"]);
    let wrong = check("rule", TABLE, |t| {
        Err::<Rule, _>(format!("`{t}` has no arm"))
    });
    assert_eq!(wrong.len(), 2);
}
