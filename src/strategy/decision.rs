//! A model's decision, read strictly: the action space of a model-backed policy (work at an
//! effort, shirk, copy; where the scenario offers them, a team to work in and leaving for good),
//! the JSON schema its reply is constrained to, and the strategy each action plays until the
//! next decision.
//!
//! A reply is usable only if its whole text (surrounding white space aside) is one JSON object
//! with an `action` of `work`, `shirk` or `copy`, with `work` an `effort` of 0.25, 0.5, 0.75 or
//! 1 ([`EFFORTS`]; 1 when left out), with institutions a `team` of the [`Menu`]'s, and nothing
//! else; or, where the menu lets agents leave, exactly `{"action": "leave"}`. The efforts are a list, not a range,
//! because the grammars endpoints build from a schema (llama.cpp's) enforce a list of values but
//! not a number's bounds: asked for an effort in [0, 1], SmolLM2-135M answered 1.142. Anything
//! else — prose, a fenced block, an unknown action, another effort, an extra key — is unusable,
//! and the agent keeps its strategy (the fallback, counted by the world).

use serde_json::Value;

use super::{Copycat, Honest, Partial, Shirker, Strategy};

/// The effort levels a decision to work may name.
pub const EFFORTS: [f64; 4] = [0.25, 0.5, 0.75, 1.0];

/// What a model-backed agent decided to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Work at effort e, one of [`EFFORTS`].
    Work(f64),
    /// Do not work: answer by guessing, at no effort cost.
    Shirk,
    /// Copy another worker's answer.
    Copy,
}

/// What a decision may answer beyond the three actions: the teams to choose between (none
/// without institutions) and whether the agent may leave for good.
#[derive(Debug, Clone, Copy, Default)]
pub struct Menu<'a> {
    /// The institutions' names, in order.
    pub teams: &'a [&'a str],
    /// Whether `{"action": "leave"}` is offered.
    pub leave: bool,
}

/// A usable reply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Play an action, in the team of that index (with institutions).
    Play(Action, Option<usize>),
    /// Leave the population for good.
    Leave,
}

/// Which of the three actions a strategy amounts to, for what agents are shown of each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Honest or partial effort (and every strategy that solves).
    Work,
    /// The shirker.
    Shirk,
    /// The copycat.
    Copy,
}

impl Action {
    /// The strategy the action plays: `honest` at effort 1, `partial(e)` below, `shirker` at 0.
    pub fn strategy(self) -> Strategy {
        match self {
            Action::Work(e) if e >= 1.0 => Strategy::Honest(Honest),
            Action::Work(e) if e > 0.0 => Strategy::Partial(Partial { effort: e }),
            Action::Work(_) | Action::Shirk => Strategy::Shirker(Shirker),
            Action::Copy => Strategy::Copycat(Copycat),
        }
    }

    /// The action's class.
    pub fn class(self) -> Class {
        class_of(&self.strategy())
    }
}

/// The class of a strategy: every strategy that answers by solving (whatever else it does with
/// its answer or its claims) works.
pub fn class_of(s: &Strategy) -> Class {
    match s {
        Strategy::Shirker(_) => Class::Shirk,
        Strategy::Copycat(_) => Class::Copy,
        Strategy::Honest(_)
        | Strategy::Partial(_)
        | Strategy::Misreporter(_)
        | Strategy::Byzantine(_)
        | Strategy::Sybil(_)
        | Strategy::Colluder(_) => Class::Work,
    }
}

/// The JSON schema a decision's reply from `menu` is constrained to: one of three objects,
/// `work` with one of [`EFFORTS`], `shirk` and `copy` alone (so a grammar built from it cannot
/// give a shirker an effort); with teams, every object also has a required `team`, one of them;
/// where the menu lets agents leave, a fourth object, `leave` alone (no team: the agent leaves
/// every team).
pub fn schema_for(menu: Menu) -> Value {
    let teams = menu.teams;
    let object = |action: &str, effort: bool| {
        let mut properties = serde_json::json!({"action": {"const": action}});
        let mut required = vec!["action"];
        if effort {
            properties["effort"] = serde_json::json!({"enum": EFFORTS});
            required.push("effort");
        }
        if !teams.is_empty() {
            properties["team"] = serde_json::json!({"enum": teams});
            required.push("team");
        }
        serde_json::json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false
        })
    };
    let mut branches = vec![
        object("work", true),
        object("shirk", false),
        object("copy", false),
    ];
    if menu.leave {
        branches.push(serde_json::json!({
            "type": "object",
            "properties": {"action": {"const": "leave"}},
            "required": ["action"],
            "additionalProperties": false
        }));
    }
    serde_json::json!({ "anyOf": branches })
}

/// The decision of a reply's text, from `menu`; `None` when the reply is unusable.
pub fn read(text: &str, menu: Menu) -> Option<Decision> {
    let teams = menu.teams;
    let v: Value = serde_json::from_str(text.trim()).ok()?;
    let o = v.as_object()?;
    if menu.leave && o.len() == 1 && o.get("action").and_then(Value::as_str) == Some("leave") {
        return Some(Decision::Leave);
    }
    let known = |k: &str| k == "action" || k == "effort" || (k == "team" && !teams.is_empty());
    if o.keys().any(|k| !known(k)) {
        return None;
    }
    let team = if teams.is_empty() {
        None
    } else {
        let name = o.get("team")?.as_str()?;
        Some(teams.iter().position(|t| *t == name)?)
    };
    let effort = match o.get("effort") {
        None => None,
        Some(e) => Some(e.as_f64().filter(|e| EFFORTS.contains(e))?),
    };
    let action = match (o.get("action")?.as_str()?, effort) {
        ("work", e) => Action::Work(e.unwrap_or(1.0)),
        ("shirk", None) => Action::Shirk,
        ("copy", None) => Action::Copy,
        _ => return None,
    };
    Some(Decision::Play(action, team))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The action of a reply without teams or leaving.
    fn parse(text: &str) -> Option<Action> {
        match read(text, Menu::default())? {
            Decision::Play(action, _) => Some(action),
            Decision::Leave => None,
        }
    }

    /// The decision of a reply with a choice of `teams`.
    fn with_teams(text: &str, teams: &[&str]) -> Option<Decision> {
        read(
            text,
            Menu {
                teams,
                leave: false,
            },
        )
    }

    #[test]
    fn usable_replies_and_their_strategies() {
        let cases = [
            (r#"{"action": "work", "effort": 1}"#, "honest"),
            (r#" {"action":"work"} "#, "honest"),
            (r#"{"effort": 0.5, "action": "work"}"#, "partial"),
            (r#"{"action": "shirk"}"#, "shirker"),
            (r#"{"action": "copy"}"#, "copycat"),
        ];
        for (text, strategy) in cases {
            let a = parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(a.strategy().name(), strategy, "{text}");
        }
        assert_eq!(
            parse(r#"{"action": "work", "effort": 0.25}"#),
            Some(Action::Work(0.25))
        );
        assert_eq!(Action::Work(0.25).class(), Class::Work);
        assert_eq!(
            parse(r#"{"action": "work", "effort": 1.0}"#),
            Some(Action::Work(1.0))
        );
    }

    #[test]
    fn anything_else_is_unusable() {
        for text in [
            "",
            "WORK",
            "I will work hard.",
            "```json\n{\"action\": \"work\"}\n```",
            r#"{"action": "rest"}"#,
            r#"{"action": "WORK"}"#,
            r#"{"action": "work", "effort": 1.5}"#,
            r#"{"action": "work", "effort": 1.142}"#,
            r#"{"action": "work", "effort": 0.3}"#,
            r#"{"action": "work", "effort": 0}"#,
            r#"{"action": "work", "effort": -0.1}"#,
            r#"{"action": "work", "effort": "high"}"#,
            r#"{"action": "shirk", "effort": 0}"#,
            r#"{"action": "work", "why": "money"}"#,
            r#"{"effort": 1}"#,
            r#"["work"]"#,
            r#"{"action": "work"} and more"#,
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_schema_names_every_action_the_parser_reads() {
        let s = schema_for(Menu::default());
        let mut actions = Vec::new();
        for branch in s["anyOf"].as_array().unwrap() {
            let a = branch["properties"]["action"]["const"].as_str().unwrap();
            actions.push(a.to_string());
            let text = match branch["properties"].get("effort") {
                Some(e) => {
                    let levels = e["enum"].as_array().unwrap();
                    assert_eq!(levels.len(), EFFORTS.len());
                    for level in levels {
                        let text = format!(r#"{{"action": "{a}", "effort": {level}}}"#);
                        assert!(parse(&text).is_some(), "{text}");
                    }
                    format!(r#"{{"action": "{a}", "effort": 0.3}}"#)
                }
                None => format!(r#"{{"action": "{a}"}}"#),
            };
            assert_eq!(
                parse(&text).is_some(),
                branch["properties"].get("effort").is_none(),
                "{text}"
            );
        }
        assert_eq!(actions, ["work", "shirk", "copy"]);
    }

    #[test]
    fn with_teams_a_known_team_is_required() {
        let teams = ["free", "sanctioning"];
        assert_eq!(
            with_teams(
                r#"{"action": "work", "effort": 0.5, "team": "sanctioning"}"#,
                &teams
            ),
            Some(Decision::Play(Action::Work(0.5), Some(1)))
        );
        assert_eq!(
            with_teams(r#"{"action": "shirk", "team": "free"}"#, &teams),
            Some(Decision::Play(Action::Shirk, Some(0)))
        );
        for text in [
            r#"{"action": "shirk"}"#,
            r#"{"action": "shirk", "team": "other"}"#,
            r#"{"action": "shirk", "team": 1}"#,
            r#"{"action": "copy", "team": "free", "why": "x"}"#,
        ] {
            assert_eq!(with_teams(text, &teams), None, "{text}");
        }
        // Without institutions a team is an extra key.
        assert_eq!(parse(r#"{"action": "shirk", "team": "free"}"#), None);
        let s = schema_for(Menu {
            teams: &teams,
            leave: false,
        });
        for branch in s["anyOf"].as_array().unwrap() {
            assert_eq!(
                branch["properties"]["team"]["enum"],
                serde_json::json!(teams)
            );
            assert!(
                branch["required"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!("team"))
            );
        }
        // Without teams no object names one.
        assert!(!schema_for(Menu::default()).to_string().contains("team"));
    }

    #[test]
    fn leaving_only_where_the_menu_offers_it_and_alone() {
        let teams = ["free", "fair"];
        for menu in [
            Menu {
                teams: &[],
                leave: true,
            },
            Menu {
                teams: &teams,
                leave: true,
            },
        ] {
            assert_eq!(
                read(r#" {"action": "leave"} "#, menu),
                Some(Decision::Leave)
            );
            for text in [
                r#"{"action": "leave", "team": "free"}"#,
                r#"{"action": "leave", "effort": 1}"#,
                r#"{"action": "Leave"}"#,
                r#"{"leave": true}"#,
            ] {
                assert_eq!(read(text, menu), None, "{text}");
            }
            let s = schema_for(menu);
            let branches = s["anyOf"].as_array().unwrap();
            assert_eq!(branches.len(), 4);
            assert_eq!(branches[3]["properties"]["action"]["const"], "leave");
            assert_eq!(branches[3]["required"], serde_json::json!(["action"]));
            // The other branches are those of the menu without leaving, in the same order.
            let without = schema_for(Menu {
                leave: false,
                ..menu
            });
            assert_eq!(
                &branches[..3],
                without["anyOf"].as_array().unwrap().as_slice()
            );
        }
        // Not offered, a leave is unusable.
        assert_eq!(read(r#"{"action": "leave"}"#, Menu::default()), None);
        assert_eq!(parse(r#"{"action": "leave"}"#), None);
        assert_eq!(
            read(
                r#"{"action": "shirk"}"#,
                Menu {
                    teams: &[],
                    leave: true
                }
            ),
            Some(Decision::Play(Action::Shirk, None))
        );
    }
}
