//! `lamas credit` on game files, and the free-rider micro-cases of the credit mechanisms on the
//! games the simulation builds.

use lamas::credit::{Facts, Game, Loo, Mechanism, MechanismKind, ProportionalClaim, Shapley};
use lamas::rng::stream;
use lamas::rules::Observation;
use lamas::rules::consensus::ConsensusRule;
use lamas::rules::value::ValueRule;
use lamas::sim::task_game::TaskGame;
use lamas::sim::tasks::{Answer, Resolution, Slot, SlotState, Subtask, Task};

use crate::support::{assert_bad_input, fixtures, lamas};

fn json(args: &[&str]) -> serde_json::Value {
    let out = lamas(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(v: &serde_json::Value, want: &[(&str, f64)], tol: f64) {
    for (p, x) in want {
        let got = v[p].as_f64().unwrap_or(f64::NAN);
        assert!((got - x).abs() <= tol, "{p}: {got} vs {x} in {v}");
    }
}

#[test]
fn a_fifteen_member_council_gets_its_published_power_and_nucleolus() {
    // Shapley & Shubik (1954): 421/2145 per permanent member, 4/2145 per elected one. The
    // council has veto players, so its core (all to them) holds the nucleolus: 1/5 and 0.
    let g = json(&[
        "credit",
        "scenarios/games/security-council.toml",
        "--format",
        "json",
    ]);
    close(
        &g["allocations"]["shapley"],
        &[("usa", 421.0 / 2145.0), ("e1", 4.0 / 2145.0)],
        1e-12,
    );
    close(
        &g["allocations"]["nucleolus"],
        &[("usa", 0.2), ("china", 0.2), ("e1", 0.0), ("e10", 0.0)],
        1e-9,
    );
}

#[test]
fn what_the_default_set_leaves_out_is_named_on_stderr() {
    // 21 claimants: the nucleolus (at most 20 players) is left out, and stderr says why.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bankruptcy21.toml");
    let claims: Vec<String> = (1..=21).map(|i| (10 * i).to_string()).collect();
    let players: Vec<String> = (1..=21).map(|i| format!("\"c{i}\"")).collect();
    let text = format!(
        "kind = \"bankruptcy\"\nplayers = [{}]\nclaims = [{}]\nestate = 500\n",
        players.join(", "),
        claims.join(", ")
    );
    std::fs::write(&path, text).unwrap();
    let out = lamas(&["credit", path.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success());
    let g: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(g["allocations"]["nucleolus"].is_null());
    assert!(g["allocations"]["shapley"].is_object());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("left out `nucleolus`: the game has 21 players, more than the 20"),
        "{err}"
    );
}

#[test]
fn textbook_games_from_files() {
    let g = json(&["credit", "scenarios/games/glove.toml", "--format", "json"]);
    close(
        &g["allocations"]["shapley"],
        &[
            ("right1", 1.0 / 6.0),
            ("right2", 1.0 / 6.0),
            ("left", 2.0 / 3.0),
        ],
        1e-12,
    );
    close(
        &g["allocations"]["nucleolus"],
        &[("right1", 0.0), ("right2", 0.0), ("left", 1.0)],
        1e-6,
    );
    let v = json(&[
        "credit",
        "scenarios/games/voting-4-3211.toml",
        "--format",
        "json",
    ]);
    close(
        &v["allocations"]["shapley"],
        &[
            ("a", 0.5),
            ("b", 1.0 / 6.0),
            ("c", 1.0 / 6.0),
            ("d", 1.0 / 6.0),
        ],
        1e-12,
    );
    close(
        &v["raw"]["banzhaf"],
        &[("a", 0.75), ("b", 0.25), ("c", 0.25), ("d", 0.25)],
        1e-12,
    );
    let a = json(&[
        "credit",
        "scenarios/games/airport.toml",
        "--format",
        "json",
        "--mechanism",
        "shapley",
    ]);
    close(
        &a["allocations"]["shapley"],
        &[("p1", 2.0), ("p2", 3.0), ("p3", 4.0), ("p4", 9.0)],
        1e-12,
    );
    let t = json(&["credit", "scenarios/games/talmud.json", "--format", "json"]);
    close(
        &t["allocations"]["nucleolus"],
        &[("first", 50.0), ("second", 75.0), ("third", 75.0)],
        1e-5,
    );
    assert_eq!(t["grand_value"], 200.0);
    // Sampling reports its standard errors, and the seed makes it reproducible.
    let args = [
        "credit",
        "scenarios/games/glove.toml",
        "--format",
        "json",
        "--mechanism",
        "shapley_mc",
        "--samples",
        "500",
        "--seed",
        "3",
    ];
    let (s1, s2) = (json(&args), json(&args));
    assert_eq!(s1, s2);
    assert!(
        s1["standard_errors"]["shapley_mc"]["left"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn csv_has_a_row_per_player_and_a_column_per_mechanism() {
    let out = lamas(&[
        "credit",
        "scenarios/games/voting-4-3211.toml",
        "--format",
        "csv",
        "--mechanism",
        "equal",
        "--mechanism",
        "shapley",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "player,equal,shapley");
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[1], "a,0.25,0.5");
}

#[test]
fn weighted_voting_of_hundreds_of_players_is_exact() {
    // 300 players of weights 1..=5 against enumeration is impossible; check instead the two
    // identities every exact Shapley-Shubik index satisfies: efficiency (sum 1) and symmetry
    // (equal weights, equal power).
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.toml");
    let weights: Vec<String> = (0..300).map(|i| ((i % 5) + 1).to_string()).collect();
    let players: Vec<String> = (0..300).map(|i| format!("\"p{i}\"")).collect();
    std::fs::write(
        &f,
        format!(
            "kind = \"weighted_voting\"\nplayers = [{}]\nweights = [{}]\nquota = 451\n",
            players.join(","),
            weights.join(",")
        ),
    )
    .unwrap();
    let v = json(&[
        "credit",
        f.to_str().unwrap(),
        "--format",
        "json",
        "--mechanism",
        "shapley",
        "--mechanism",
        "banzhaf",
    ]);
    let phi = v["allocations"]["shapley"].as_object().unwrap();
    let total: f64 = phi.values().map(|x| x.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert!((phi["p0"].as_f64().unwrap() - phi["p5"].as_f64().unwrap()).abs() < 1e-12);
    assert!(phi["p4"].as_f64().unwrap() > phi["p3"].as_f64().unwrap());
}

/// Every fixture in `tests/data/invalid-games/` lists, in `# expect:` lines, what its message must
/// say, and in an optional `# args:` line the flags to pass.
#[test]
fn every_invalid_game_gets_its_message_and_exit_code_2() {
    let fixtures = fixtures("tests/data/invalid-games");
    assert!(fixtures.len() >= 9);
    for f in fixtures {
        let mut args = vec!["credit", f.rel.as_str()];
        args.extend(f.args.iter().map(String::as_str));
        let out = lamas(&args);
        assert_bad_input(&out, &f.rel, &f.expects);
        assert!(out.stdout.is_empty(), "{}: printed a result", f.rel);
    }
    let out = lamas(&[
        "credit",
        "scenarios/games/glove.toml",
        "--mechanism",
        "shaply",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `shapley`?"));
}

#[test]
fn json_game_errors_name_the_place_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.json");
    std::fs::write(
        &f,
        r#"{"kind": "airport", "players": ["a", 3], "costs": [1, 2]}"#,
    )
    .unwrap();
    let out = lamas(&["credit", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json:1:38: players[1]: invalid type: integer `3`, expected a string"),
        "{err}"
    );
    std::fs::write(
        &f,
        r#"{"kind": "airport", "players": ["a", "b"], "costs": [1]}"#,
    )
    .unwrap();
    let out = lamas(&["credit", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("`costs` has 1 entries but there are 2 players")
    );
}

// ---- Free-rider micro-cases on the games the simulation builds ---------------------------------

fn answer(agent: u32, label: u16, truth: u16, claim: f64) -> Answer {
    Answer {
        label,
        agent,
        correct: label == truth,
        reputation: 0.5,
        claim,
        report: None,
        picked: false,
    }
}

/// A task of one subtask per answer list, resolved by `rule` over all its answers.
fn task(subtasks: Vec<Vec<Answer>>, rule: ConsensusRule) -> Task {
    let subtasks: Vec<Subtask> = subtasks
        .into_iter()
        .map(|answers| {
            let ballots: Vec<_> = answers.iter().map(|a| a.ballot()).collect();
            let kept = lamas::rules::consensus::decide(rule, &ballots, |_| true);
            Subtask {
                slots: answers
                    .iter()
                    .map(|a| Slot {
                        agent: a.agent,
                        state: SlotState::Worked,
                    })
                    .collect(),
                resolution: Some(Resolution {
                    kept,
                    correct: kept.is_some_and(|k| answers[k].correct),
                }),
                answers: answers.into(),
                ..Subtask::new(0, 0.0, 0, 1)
            }
        })
        .collect();
    // Every subtask is already resolved.
    Task {
        open: 0,
        ..Task::new(0, 0, 10, subtasks, false)
    }
}

fn shares(m: &dyn Mechanism, t: &Task, rule: ConsensusRule, rule_v: ValueRule) -> Vec<f64> {
    let mut rng = stream(1, "micro");
    let g = TaskGame::new(t, rule, rule_v, Observation::GroundTruth, 1.0, &mut rng);
    let claims: Vec<f64> = g
        .players
        .iter()
        .map(|&p| {
            t.subtasks
                .iter()
                .flat_map(|s| &s.answers)
                .filter(|a| a.agent == p)
                .map(|a| a.claim)
                .sum()
        })
        .collect();
    let facts = Facts {
        claims: Some(&claims),
        quality: None,
        ratings: None,
    };
    let a = m.allocate(&g, &facts, &mut rng).unwrap();
    // Paid as the simulation pays: efficient mechanisms as they are, others scaled to v(N).
    let grand = g.value_mask((1 << g.players()) - 1);
    let total: f64 = a.shares.iter().sum();
    if m.axioms().efficiency || total <= 0.0 {
        a.shares
    } else {
        a.shares.iter().map(|x| x * grand / total).collect()
    }
}

#[test]
fn a_shirker_gets_nothing_from_loo_and_shapley_but_an_equal_share_from_equal() {
    // Two subtasks under `additive`: agent 0 answers its subtask correctly; agent 1, a shirker,
    // guesses wrong on the other. v({0}) = v(N) = 1/2: agent 1 is a null player.
    let t = task(
        vec![vec![answer(0, 0, 0, 1.0)], vec![answer(1, 3, 0, 1.0)]],
        ConsensusRule::First,
    );
    let shapley = Shapley {
        limit: 16,
        fallback_samples: None,
    };
    assert_eq!(
        shares(&shapley, &t, ConsensusRule::First, ValueRule::Additive),
        vec![0.5, 0.0]
    );
    assert_eq!(
        shares(&Loo, &t, ConsensusRule::First, ValueRule::Additive),
        vec![0.5, 0.0]
    );
    let equal = MechanismKind::parse("equal").unwrap();
    assert_eq!(
        shares(
            equal.mechanism(),
            &t,
            ConsensusRule::First,
            ValueRule::Additive
        ),
        vec![0.25, 0.25]
    );
}

#[test]
fn a_copy_halves_the_originals_shapley_credit() {
    // Alone, the original's correct answer earns the whole value. With a copycat giving the same
    // answer to the same subtask (majority), either answer alone suffices: the two are symmetric
    // and split it, so the original's Shapley credit halves.
    let alone = task(vec![vec![answer(0, 0, 0, 1.0)]], ConsensusRule::Majority);
    let copied = task(
        vec![vec![answer(0, 0, 0, 1.0), answer(1, 0, 0, 1.0)]],
        ConsensusRule::Majority,
    );
    let shapley = Shapley {
        limit: 16,
        fallback_samples: None,
    };
    assert_eq!(
        shares(&shapley, &alone, ConsensusRule::Majority, ValueRule::All),
        vec![1.0]
    );
    assert_eq!(
        shares(&shapley, &copied, ConsensusRule::Majority, ValueRule::All),
        vec![0.5, 0.5]
    );
}

#[test]
fn a_misreporter_gains_only_under_proportional_claim() {
    // Two workers each answer one subtask correctly (`additive`); agent 1 claims twice its
    // effort. Only the claim-based mechanism pays the inflated claim.
    let t = task(
        vec![vec![answer(0, 0, 0, 1.0)], vec![answer(1, 0, 0, 2.0)]],
        ConsensusRule::First,
    );
    for name in [
        "equal",
        "proportional_quality",
        "loo",
        "shapley",
        "banzhaf",
        "peer_review",
    ] {
        let m = MechanismKind::parse(name).unwrap();
        if m.mechanism().needs() != lamas::credit::Needs::Game {
            continue; // quality and ratings are symmetric here by construction
        }
        let s = shares(m.mechanism(), &t, ConsensusRule::First, ValueRule::Additive);
        assert!((s[0] - s[1]).abs() < 1e-12, "{name}: {s:?}");
    }
    let s = shares(
        &ProportionalClaim,
        &t,
        ConsensusRule::First,
        ValueRule::Additive,
    );
    assert!((s[1] - 2.0 * s[0]).abs() < 1e-12, "{s:?}");
}

#[test]
fn a_task_games_values_follow_its_consensus_rule_on_every_coalition() {
    // The game's fast paths (a subtask with one ballot; a game whose subtasks all have at most
    // one) against the definition: v(S) = scale f(c_S), c_S the subtasks whose answer, decided by
    // the rule from S's ballots alone, is correct. Random tasks of 1 to 4 subtasks with 0 to 3
    // answers each, by up to 5 agents, under every rule and value rule.
    use lamas::credit::Coalition;
    use lamas::dist::below;
    use lamas::rules::consensus::decide;
    let mut rng = stream(7, "task-games");
    let rules = [
        ConsensusRule::First,
        ConsensusRule::Majority,
        ConsensusRule::ReputationWeighted,
        ConsensusRule::Verified,
    ];
    let value_rules = [ValueRule::All, ValueRule::Additive, ValueRule::Threshold(2)];
    for round in 0..400 {
        let rule = rules[round % rules.len()];
        let value_rule = value_rules[round / rules.len() % value_rules.len()];
        let subtasks: Vec<Vec<Answer>> = (0..1 + below(&mut rng, 4))
            .map(|_| {
                (0..below(&mut rng, 4))
                    .map(|_| {
                        let label = below(&mut rng, 3) as u16;
                        let mut a = answer(below(&mut rng, 5) as u32, label, 0, 1.0);
                        a.reputation = below(&mut rng, 3) as f64 / 2.0;
                        a
                    })
                    .collect()
            })
            .collect();
        let t = task(subtasks, rule);
        let g = TaskGame::new(
            &t,
            rule,
            value_rule,
            Observation::GroundTruth,
            3.0,
            &mut rng,
        );
        let n = g.players();
        for mask in 0..1u64 << n {
            let member = |agent: u32| {
                let p = g.players.binary_search(&agent).unwrap();
                mask >> p & 1 == 1
            };
            let correct = t
                .subtasks
                .iter()
                .filter(|s| {
                    let ballots: Vec<_> = s.answers.iter().map(|a| a.ballot()).collect();
                    decide(rule, &ballots, |i| member(ballots[i].agent))
                        .is_some_and(|k| ballots[k].correct)
                })
                .count();
            let want = 3.0 * value_rule.fraction(correct, t.subtasks.len());
            assert_eq!(g.value_mask(mask), want, "round {round}, mask {mask}");
            assert_eq!(g.value(&Coalition::from_mask(mask)), want);
            assert_eq!(g.truth().value_mask(mask), want);
        }
    }
}

/// Under the model judge, the worker whose right answer the judge picked against two agreeing
/// wrong ones makes the subtask alone (v(S) = 1 exactly when S holds it; without it the wrong
/// majority is kept): Shapley and leave-one-out give it everything. Under majority the same
/// answers are worth nothing to the team.
#[test]
fn the_judges_pick_decides_every_coalitions_answer() {
    let mut right = answer(0, 0, 0, 1.0);
    right.picked = true;
    let answers = vec![right, answer(1, 2, 0, 1.0), answer(2, 2, 0, 1.0)];
    let t = task(vec![answers.clone()], ConsensusRule::Judge);
    let shapley = Shapley {
        limit: 16,
        fallback_samples: None,
    };
    let all = ValueRule::All;
    assert_eq!(
        shares(&shapley, &t, ConsensusRule::Judge, all),
        vec![1.0, 0.0, 0.0]
    );
    assert_eq!(
        shares(&Loo, &t, ConsensusRule::Judge, all),
        vec![1.0, 0.0, 0.0]
    );
    // Under majority v(N) = 0, though the right worker alone (or with one wrong one, a tie
    // it wins on id) makes it: Shapley (2/3, −1/3, −1/3).
    let t = task(vec![answers], ConsensusRule::Majority);
    let s = shares(&shapley, &t, ConsensusRule::Majority, all);
    for (x, want) in s.iter().zip([2.0 / 3.0, -1.0 / 3.0, -1.0 / 3.0]) {
        assert!((x - want).abs() < 1e-12, "{s:?}");
    }
}
