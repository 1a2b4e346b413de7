#!/usr/bin/env python3
"""Every decision a cassette holds, read back from its requests and replies, and how much each
model's choice depends on the payoffs it was shown.

A decision request (one with a `response_format`) carries the framing (its system prompt), and
the observation lamas wrote (docs/model.md, "Model-backed policies"): the mechanism in words,
what the agent played and earned, and what workers who worked and who shirked earned per round.
Its reply is the action. Identical requests are one call in a cassette, so each distinct
situation counts once.

For each model (and framing) this prints, with 95% intervals:
- n, and the share of usable replies that chose to work (Wilson);
- P(work | shirking was shown to pay more) and P(work | working was shown to pay more), and
  their difference (Newcombe's hybrid score interval): a model that ignores its payoffs has a
  difference near 0;
- the slope b of the logit P(work) = 1 / (1 + exp(-(a + b·d))), d = shown shirking pay minus
  shown working pay per round, by maximum likelihood with a Wald interval (none when the replies
  do not vary, or a value of d separates them perfectly).

With `--team NAME` (scenarios with institutions), it prints how often each model chose that
team, by the team the rules name first: in all, when the team was shown to pay the most per
round, and when it paid less.
With `--calibrate`, it prints instead the simulated decider `logit(a, b, effort)` fitted to
each model's decisions (docs/model.md, "Simulated deciders"), to stand in for it at scale.

Usage: python3 scripts/decisions.py CASSETTE... [--csv OUT.csv] [--by framing|mechanism|none]
                                   [--calibrate] [--team NAME]
Only the standard library is needed; the notebooks import `read`, `summarise` and `logit`.
"""

import argparse
import csv
import glob
import json
import math
import re
import sys

FRAMINGS = {
    "You are a worker on a team that is paid for finished tasks. Every few rounds": "neutral",
    "You are a self-interested worker": "self_interested",
    "You care about your team": "team_minded",
}

MECHANISMS = {
    "equally among the workers on the task": "equal",
    "leave-one-out": "loo",
    "Shapley value": "shapley",
    "Banzhaf value": "banzhaf",
    "in proportion to the effort each worker claims": "proportional_claim",
    "judged correct": "proportional_quality",
    "ratings the workers give": "peer_review",
}

EARNED = re.compile(r"workers who (worked|shirked|copied) earned (-?[0-9.e+-]+) per round")
OWN = re.compile(r"chose to (work|shirk|copy), and you earned (-?[0-9.e+-]+) in all")


def _framing(system):
    for text, name in FRAMINGS.items():
        if text in system:
            return name
    return "other"


def _mechanism(rules):
    for text, name in MECHANISMS.items():
        if text in rules:
            return name
    return "other"


def _reply(text):
    try:
        value = json.loads(text.strip())
    except (json.JSONDecodeError, AttributeError):
        return None, None
    if not isinstance(value, dict) or value.get("action") not in ("work", "shirk", "copy"):
        return None, None
    return value["action"], value.get("effort", 1.0 if value["action"] == "work" else None)


def _decisions(paths):
    """(request, reply text) of every decision request (one with a `response_format`) of the
    cassette files `paths` (globs allowed), in file order."""
    for path in sorted({f for p in paths for f in glob.glob(p)}):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                entry = json.loads(line)
                if "response_format" in entry["request"]:
                    yield entry["request"], entry["reply"]["text"]


def read(paths):
    """The decisions of the cassette files `paths` (globs allowed), one dict each."""
    rows = []
    for request, reply in _decisions(paths):
        system = request["messages"][0]["content"]
        user = request["messages"][-1]["content"]
        # With institutions the observation has one "In team" part per team: the single-team
        # measures below are left out for those (see `read_teams`).
        if 'In team "' in user:
            continue
        shown = {verb: float(x) for verb, x in EARNED.findall(user)}
        own = OWN.search(user)
        action, effort = _reply(reply)
        rows.append({
            "model": request["model"],
            "framing": _framing(system),
            "mechanism": _mechanism(user.split("\n")[0]),
            "own": own.group(1) if own else None,
            "worked_pay": shown.get("worked"),
            "shirked_pay": shown.get("shirked"),
            "action": action,
            "effort": effort,
        })
    return rows


TEAM = re.compile(r'In team "([^"]+)", on average, (.*?)(?= In team "|$)', re.M)
OWN_TEAM = re.compile(r'you worked in team "([^"]+)"')
FIRST_TEAM = re.compile(r'In team "([^"]+)" the platform keeps')


def read_teams(paths):
    """The decisions with a choice of institution ("team") of the cassette files `paths`: the
    model, framing, the agent's team, the best pay per round shown in each team (the larger of
    what its workers and its shirkers earned; None when nobody was in it), and the team and
    action of the reply, and the team the rules name first."""
    rows = []
    for request, reply in _decisions(paths):
        user = request["messages"][-1]["content"]
        if 'In team "' not in user:
            continue
        best = {}
        for team, text in TEAM.findall(user):
            pays = [float(x) for _, x in EARNED.findall(text)]
            best[team] = max(pays) if pays else None
        own = OWN_TEAM.search(user)
        first = FIRST_TEAM.search(user)
        try:
            value = json.loads(reply.strip())
        except json.JSONDecodeError:
            value = None
        value = value if isinstance(value, dict) else {}
        rows.append({
            "model": request["model"],
            "framing": _framing(request["messages"][0]["content"]),
            "own_team": own.group(1) if own else None,
            "first": first.group(1) if first else None,
            "best": best,
            "team": value.get("team"),
            "action": value.get("action"),
        })
    return rows


def teams_summary(rows, team):
    """For the choice of `team`: how often it was chosen, and how often when it was shown to pay
    more than every other team and when less (Wilson intervals)."""
    def chose(sub):
        k = sum(r["team"] == team for r in sub)
        return k, len(sub), (k / len(sub) if sub else math.nan), wilson(k, len(sub))
    shown = [r for r in rows if all(v is not None for v in r["best"].values()) and team in r["best"]]
    better = [r for r in shown if all(r["best"][team] > v for t, v in r["best"].items() if t != team)]
    worse = [r for r in shown if any(r["best"][team] < v for t, v in r["best"].items() if t != team)]
    return {"all": chose(rows), "paid_more": chose(better), "paid_less": chose(worse)}


def wilson(k, n, z=1.959963984540054):
    """Wilson's 95% interval of a proportion k / n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe(k1, n1, k2, n2):
    """Newcombe's hybrid score 95% interval of p1 − p2."""
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def logit(xs, ys, iterations=100):
    """Maximum likelihood (a, b) of P(y = 1) = 1 / (1 + exp(-(a + b x))) with the Wald 95%
    interval of b, or None when the ys do not vary or the xs separate them."""
    n = len(xs)
    if n < 3 or len(set(ys)) < 2:
        return None
    lo_one = min(x for x, y in zip(xs, ys) if y == 1)
    hi_one = max(x for x, y in zip(xs, ys) if y == 1)
    lo_zero = min(x for x, y in zip(xs, ys) if y == 0)
    hi_zero = max(x for x, y in zip(xs, ys) if y == 0)
    if hi_zero < lo_one or hi_one < lo_zero:
        return None
    a = b = 0.0
    for _ in range(iterations):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-(a + b * x)))
            w = p * (1 - p)
            ga += y - p
            gb += (y - p) * x
            haa += w
            hab += w * x
            hbb += w * x * x
        det = haa * hbb - hab * hab
        if det <= 1e-300:
            return None
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a += da
        b += db
        if abs(da) < 1e-12 and abs(db) < 1e-12:
            break
    se = math.sqrt(haa / det)
    return {"a": a, "b": b, "b_lo": b - 1.959963984540054 * se, "b_hi": b + 1.959963984540054 * se}


def summarise(rows):
    """The measures of one set of decisions (see the module's doc)."""
    usable = [r for r in rows if r["action"]]
    work = sum(r["action"] == "work" for r in usable)
    both = [r for r in usable if r["worked_pay"] is not None and r["shirked_pay"] is not None]
    shirk_more = [r for r in both if r["shirked_pay"] > r["worked_pay"]]
    work_more = [r for r in both if r["worked_pay"] > r["shirked_pay"]]
    k1 = sum(r["action"] == "work" for r in shirk_more)
    k2 = sum(r["action"] == "work" for r in work_more)
    fit = logit([r["shirked_pay"] - r["worked_pay"] for r in both],
                [int(r["action"] == "work") for r in both])
    efforts = [r["effort"] for r in usable if r["action"] == "work"]
    return {
        "n": len(rows),
        "unusable": len(rows) - len(usable),
        "work_share": work / len(usable) if usable else math.nan,
        "work_share_ci": wilson(work, len(usable)),
        "effort_mean": sum(efforts) / len(efforts) if efforts else math.nan,
        "n_shirk_paid_more": len(shirk_more),
        "p_work_shirk_paid_more": k1 / len(shirk_more) if shirk_more else math.nan,
        "n_work_paid_more": len(work_more),
        "p_work_work_paid_more": k2 / len(work_more) if work_more else math.nan,
        "difference_ci": newcombe(k2, len(work_more), k1, len(shirk_more)),
        "logit": fit,
    }


def calibrate(rows):
    """The simulated decider `logit(a, b, effort)` that stands in for the decisions `rows`:
    (a, b) by maximum likelihood over every usable decision, d = shown shirking pay minus shown
    working pay per round, or 0 when either was not shown (as the simulated decider takes it);
    effort the mean effort of the decisions to work. When the replies do not vary with d (or
    never vary), b = 0 and a = log((k + 1/2) / (n − k + 1/2)), k of n working."""
    usable = [r for r in rows if r["action"]]
    d = [(r["shirked_pay"] - r["worked_pay"])
         if r["worked_pay"] is not None and r["shirked_pay"] is not None else 0.0 for r in usable]
    y = [int(r["action"] == "work") for r in usable]
    fit = logit(d, y)
    if fit is None:
        k, n = sum(y), len(y)
        fit = {"a": math.log((k + 0.5) / (n - k + 0.5)), "b": 0.0, "b_lo": 0.0, "b_hi": 0.0}
    efforts = [r["effort"] for r in usable if r["action"] == "work"]
    fit["effort"] = sum(efforts) / len(efforts) if efforts else 1.0
    fit["policy"] = f"logit({fit['a']:.4f}, {fit['b']:.4f}, {fit['effort']:.4f})"
    return fit


def _fmt(x):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cassettes", nargs="+")
    ap.add_argument("--csv", help="write every decision to this CSV file")
    ap.add_argument("--by", choices=["framing", "mechanism", "none"], default="none")
    ap.add_argument("--team", help="with institutions: how often each model chose this team")
    ap.add_argument("--calibrate", action="store_true",
                    help="print the simulated decider that stands in for each model (and group)")
    a = ap.parse_args()
    if a.team:
        teams = read_teams(a.cassettes)
        print(f"model | named first | n | chose {a.team} [95%] | when it was shown to pay most (n)"
              " | when it paid less (n)")
        for model, first in sorted({(r["model"], r["first"] or "") for r in teams}):
            t = teams_summary([r for r in teams if r["model"] == model and (r["first"] or "") == first],
                              a.team)
            each = [f"{_fmt(p)} [{_fmt(ci[0])}, {_fmt(ci[1])}] ({n})" for _, n, p, ci in
                    (t["all"], t["paid_more"], t["paid_less"])]
            print(f"{model} | {first} | {t['all'][1]} | " + " | ".join(each))
        return
    rows = read(a.cassettes)
    if not rows:
        sys.exit("no decisions in " + " ".join(a.cassettes))
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    keys = sorted({(r["model"], r[a.by] if a.by != "none" else "all") for r in rows})
    if a.calibrate:
        print("model | group | n | policy | slope b [95%]")
        for model, group in keys:
            mine = [r for r in rows if r["model"] == model and (a.by == "none" or r[a.by] == group)]
            fit = calibrate(mine)
            print(f"{model} | {group} | {len(mine)} | {fit['policy']} | "
                  f"{fit['b']:.3f} [{fit['b_lo']:.3f}, {fit['b_hi']:.3f}]")
        return
    print("model | group | n | unusable | P(work) [95%] | mean effort | P(work | shirking paid more) (n) "
          "| P(work | working paid more) (n) | difference [95%] | logit slope b [95%]")
    for model, group in keys:
        s = summarise([r for r in rows if r["model"] == model
                       and (a.by == "none" or r[a.by] == group)])
        lo, hi = s["work_share_ci"]
        dlo, dhi = s["difference_ci"]
        fit = s["logit"]
        slope = "none (replies do not vary with d)" if fit is None else \
            f"{fit['b']:.2f} [{fit['b_lo']:.2f}, {fit['b_hi']:.2f}]"
        print(f"{model} | {group} | {s['n']} | {s['unusable']} | {_fmt(s['work_share'])} "
              f"[{_fmt(lo)}, {_fmt(hi)}] | {_fmt(s['effort_mean'])} | "
              f"{_fmt(s['p_work_shirk_paid_more'])} ({s['n_shirk_paid_more']}) | "
              f"{_fmt(s['p_work_work_paid_more'])} ({s['n_work_paid_more']}) | "
              f"{_fmt(s['p_work_work_paid_more'] - s['p_work_shirk_paid_more'])} "
              f"[{_fmt(dlo)}, {_fmt(dhi)}] | {slope}")


if __name__ == "__main__":
    main()
