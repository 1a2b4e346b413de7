//! What a model-backed policy is told, in plain words: the framing (its system prompt), the
//! rules of the scenario (reward and value rule, fee, the credit mechanism, the cost of effort),
//! its own payoff since its last decision, the team's tasks, what the group's agents earned by
//! action (where `show_others`), and the actions it may answer with. The template of
//! `[decisions]` places them; numbers are written with up to four significant digits.

use crate::credit::MechanismKind;
use crate::rules::value::ValueRule;
use crate::scenario::{Framing, Scenario};

/// The framing's system prompt.
pub fn system(framing: Framing) -> &'static str {
    match framing {
        Framing::Neutral => {
            "You are a worker on a team that is paid for finished tasks. Every few rounds you \
             choose how you take part."
        }
        Framing::SelfInterested => {
            "You are a self-interested worker on a team that is paid for finished tasks. You \
             want to earn as much money as you can for yourself."
        }
        Framing::TeamMinded => {
            "You are a worker on a team that is paid for finished tasks. You care about your \
             team: you want its tasks to succeed."
        }
    }
}

/// How the credit mechanism splits a task's pay, in words.
pub fn mechanism_words(m: &MechanismKind) -> &'static str {
    match m {
        MechanismKind::Equal(_) => "equally among the workers on the task, whatever each did",
        MechanismKind::ProportionalClaim(_) => "in proportion to the effort each worker claims",
        MechanismKind::ProportionalQuality(_) => {
            "in proportion to the number of each worker's answers judged correct"
        }
        MechanismKind::Loo(_) => {
            "by what the task would lose without each worker (its leave-one-out contribution)"
        }
        MechanismKind::Shapley(_) | MechanismKind::ShapleyMc(_) => {
            "by each worker's average contribution to every group of the others (its Shapley value)"
        }
        MechanismKind::Banzhaf(_) => {
            "by each worker's Banzhaf value (its average marginal contribution)"
        }
        MechanismKind::Nucleolus(_) => {
            "by the nucleolus (the split that leaves no group of workers most unhappy)"
        }
        MechanismKind::PeerReview(_) => "in proportion to the ratings the workers give each other",
    }
}

/// When a task pays, in words.
fn value_words(rule: ValueRule, subtasks: u32) -> String {
    match rule {
        ValueRule::All => format!("only if all {subtasks} of its parts are answered correctly"),
        ValueRule::Additive => format!(
            "a 1/{subtasks} share of it for each of its {subtasks} parts answered correctly"
        ),
        ValueRule::Threshold(k) => format!("if at least {k} of its {subtasks} parts are correct"),
    }
}

/// Rounded to four decimals, no `-0`, in the messages' notation ([`crate::syntax::short`]).
pub fn number(x: f64) -> String {
    crate::syntax::short((x * 1e4).round() / 1e4 + 0.0)
}

/// The rules of `sc` for an agent of group `group`, in words.
pub fn rules(sc: &Scenario, group: usize) -> String {
    let g = &sc.groups[group];
    format!(
        "Rules: each task pays {reward}, {when}. The platform keeps {fee}% of it and the rest is \
         split {how}. Working on a part costs you {cost} at full effort (less at lower effort, \
         with fewer correct answers); shirking costs nothing, and your answer is a guess; \
         copying repeats another worker's answer at no cost.",
        reward = number(sc.tasks.reward),
        when = value_words(sc.tasks.value_rule, sc.tasks.subtasks),
        fee = number(sc.economy.platform_fee * 100.0),
        how = mechanism_words(&sc.credit.mechanism),
        cost = number(g.effort_cost),
    )
}

/// The rules of `sc`, which has institutions, for an agent of group `group`, in words: what
/// tasks pay and what work costs, then each institution ("team") by name with its fee and
/// mechanism.
pub fn rules_with_institutions(sc: &Scenario, group: usize) -> String {
    let g = &sc.groups[group];
    let mut text = format!(
        "Rules: you work in one of {n} teams, and you may move to another. Each task pays \
         {reward}, {when}; tasks go to the teams in proportion to their members. Working on a \
         part costs you {cost} at full effort (less at lower effort, with fewer correct \
         answers); shirking costs nothing, and your answer is a guess; copying repeats another \
         worker's answer at no cost.",
        n = sc.institutions.len(),
        reward = number(sc.tasks.reward),
        when = value_words(sc.tasks.value_rule, sc.tasks.subtasks),
        cost = number(g.effort_cost),
    );
    for inst in &sc.institutions {
        text.push_str(&format!(
            " In team \"{name}\" the platform keeps {fee}% of a task's pay and the rest is split {how}.",
            name = inst.name,
            fee = number(inst.fee * 100.0),
            how = mechanism_words(&inst.mechanism),
        ));
    }
    text
}

/// What the agent did and earned since its last decision, and in which team.
pub fn own_in(team: &str, action: &str, payoff: f64, window: u32) -> String {
    format!(
        "In the last {window} rounds you worked in team \"{team}\" and chose to {action}, and you earned {} in all ({} per round).",
        number(payoff),
        number(payoff / f64::from(window)),
    )
}

/// The teams' members now.
pub fn members(teams: &[(&str, u64)]) -> String {
    let each: Vec<String> = teams
        .iter()
        .map(|(name, n)| format!("team \"{name}\" has {n}"))
        .collect();
    format!("Members now: {}.", each.join(", "))
}

/// What each team's agents earned per round by action.
pub fn others_in(teams: &[(&str, [Option<f64>; 3])]) -> String {
    let each: Vec<String> = teams
        .iter()
        .map(|(name, [w, s, c])| format!("In team \"{name}\", on average, {}.", earned(*w, *s, *c)))
        .collect();
    each.join(" ")
}

/// The actions with a choice of team, and how to answer.
pub fn actions_with_teams(teams: &[&str]) -> String {
    let names: Vec<String> = teams.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        "What do you do in the next rounds, and in which team? Answer with one JSON object: \
         {{\"action\": \"work\", \"effort\": e, \"team\": t}} with e one of 0.25, 0.5, 0.75 \
         or 1 (your share of full effort), {{\"action\": \"shirk\", \"team\": t}}, or \
         {{\"action\": \"copy\", \"team\": t}}, with t the team you work in next: {}.",
        names.join(" or ")
    )
}

/// What the agent did and earned since its last decision.
pub fn own(action: &str, payoff: f64, window: u32) -> String {
    format!(
        "In the last {window} rounds you chose to {action}, and you earned {} in all ({} per round).",
        number(payoff),
        number(payoff / f64::from(window)),
    )
}

/// The team's tasks since the last decision.
pub fn team(finished: u64, succeeded: u64) -> String {
    format!("In those rounds the team finished {finished} tasks; {succeeded} of them paid in full.")
}

/// What the group's agents earned per round by action (`None`: nobody took it).
pub fn others(work: Option<f64>, shirk: Option<f64>, copy: Option<f64>) -> String {
    format!("On average, {}.", earned(work, shirk, copy))
}

/// "workers who worked earned x per round; ...; no worker copied", by action.
fn earned(work: Option<f64>, shirk: Option<f64>, copy: Option<f64>) -> String {
    let say = |verb: &str, x: Option<f64>| match x {
        Some(x) => format!("workers who {verb} earned {} per round", number(x)),
        None => format!("no worker {verb}"),
    };
    format!(
        "{}; {}; {}",
        say("worked", work),
        say("shirked", shirk),
        say("copied", copy)
    )
}

/// The actions, and how to answer.
pub const ACTIONS: &str = "What do you do in the next rounds? Answer with one JSON object: \
     {\"action\": \"work\", \"effort\": e} with e one of 0.25, 0.5, 0.75 or 1 (your share \
     of full effort), {\"action\": \"shirk\"}, or {\"action\": \"copy\"}.";

/// The actions offered by `menu` (its teams, and leaving if it allows), and how to answer.
pub fn actions(menu: crate::strategy::decision::Menu) -> String {
    let mut text = match menu.teams {
        [] => ACTIONS.to_string(),
        teams => actions_with_teams(teams),
    };
    if menu.leave {
        let team = if menu.teams.is_empty() {
            "the team"
        } else {
            "every team"
        };
        text.push_str(&format!(
            " Or leave {team} for good, to earn and pay nothing from then on: {{\"action\": \"leave\"}}."
        ));
    }
    text
}

/// The observation: `template` with its fields (`{rules}`, ...) filled in.
pub fn render(template: &str, parts: [&str; 6]) -> String {
    let names = [
        "{rules}",
        "{window}",
        "{own}",
        "{team}",
        "{others}",
        "{actions}",
    ];
    let mut out = template.to_string();
    for (name, text) in names.iter().zip(parts) {
        out = out.replace(name, text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parts_and_the_template() {
        assert_eq!(number(1.0 / 3.0), "0.3333");
        assert_eq!(number(-0.00001), "0");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(
            others(Some(1.5), Some(2.0), None),
            "On average, workers who worked earned 1.5 per round; workers who shirked earned 2 per round; no worker copied."
        );
        assert_eq!(
            own("shirk", 20.0, 10),
            "In the last 10 rounds you chose to shirk, and you earned 20 in all (2 per round)."
        );
        let t = render(
            "{rules}|{window}|{own}|{team}|{others}|{actions}",
            ["a", "b", "c", "d", "e", "f"],
        );
        assert_eq!(t, "a|b|c|d|e|f");
    }

    #[test]
    fn the_institutions_texts() {
        assert_eq!(
            own_in("free", "work", 20.0, 10),
            "In the last 10 rounds you worked in team \"free\" and chose to work, and you earned 20 in all (2 per round)."
        );
        assert_eq!(
            members(&[("free", 3), ("fair", 7)]),
            "Members now: team \"free\" has 3, team \"fair\" has 7."
        );
        assert_eq!(
            others_in(&[
                ("free", [Some(1.0), None, None]),
                ("fair", [None, Some(0.5), None])
            ]),
            "In team \"free\", on average, workers who worked earned 1 per round; no worker shirked; no worker copied. \
             In team \"fair\", on average, no worker worked; workers who shirked earned 0.5 per round; no worker copied."
        );
        assert!(
            actions_with_teams(&["free", "fair"])
                .ends_with("the team you work in next: \"free\" or \"fair\".")
        );
        use crate::strategy::decision::Menu;
        let teams = ["free", "fair"];
        assert_eq!(actions(Menu::default()), ACTIONS);
        assert_eq!(
            actions(Menu {
                teams: &teams,
                leave: false
            }),
            actions_with_teams(&teams)
        );
        assert_eq!(
            actions(Menu {
                teams: &[],
                leave: true
            }),
            format!(
                "{ACTIONS} Or leave the team for good, to earn and pay nothing from then on: {{\"action\": \"leave\"}}."
            )
        );
        assert!(
            actions(Menu {
                teams: &teams,
                leave: true
            })
            .contains("Or leave every team for good")
        );
    }
}
