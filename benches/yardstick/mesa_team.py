"""The lamas bench workload (benches/ticks.rs, `team`) in idiomatic Mesa 3.

Same rules as lamas (docs/model.md) for the features the bench turns on; see RULES.md here.
Agents are mesa.Agent objects in the model's AgentSet; every draw comes from the model's seeded
generators (model.random, and model.rng for the Poisson number of arrivals); per-agent phases
run through AgentSet.do, routing through AgentSet.select/sort, and the time series through a
DataCollector.

Usage: python mesa_team.py N TICKS SEED [OUT_DIR]   (arrival rate N/20; Mesa as pinned in
requirements.txt here, which side_by_side.py installs)
Writes OUT_DIR/timeseries.csv and OUT_DIR/summary.json when OUT_DIR is given; prints the summary.
"""

import json
import os
import sys
import time
from collections import defaultdict, deque

import mesa
import numpy as np

# The bench's parameters (every other key at lamas's default).
D = 4  # domains
M = 3  # subtasks per task
K = 4  # answers
DEADLINE = 10
REWARD = 10.0
FEE = 0.1
EFFORT_COST = 1.0
PARTICIPATION = 0.01
ALPHA = 0.01  # learning rate
PHI = 0.01  # skill decay
RHO = 0.1  # reputation rate
REP0 = 0.5
CAPACITY = 1
LATENCY = 1
ASSIGN_BYTES = 1024
ANSWER_BYTES = 256


class Worker(mesa.Agent):
    """An honest worker: effort 1, solves with competence = its skill in the domain."""

    def __init__(self, model):
        super().__init__(model)
        r = model.random
        self.skill = [0.5 + 0.5 * r.random() for _ in range(D)]
        self.skill0 = list(self.skill)
        self.practice = [1.0] * D
        self.reputation = REP0
        self.capacity = CAPACITY
        self.held = 0
        self.credit = 0.0
        self.effort_costs = 0.0
        self.participation_costs = 0.0
        self.fair_credit = 0.0
        self.fair_truth = 0.0
        self.took_part = False

    @property
    def payoff(self):
        return self.credit - self.effort_costs - self.participation_costs

    def work(self, sub):
        """Phase 5: pay the effort, practise, answer (correct with probability skill)."""
        d = sub.domain
        self.effort_costs += EFFORT_COST
        self.model.effort_costs += EFFORT_COST
        self.practice[d] *= 1.0 - ALPHA
        r = self.model.random
        if r.random() < self.skill[d]:
            label = sub.truth
        else:
            label = r.randrange(K - 1)
            if label >= sub.truth:
                label += 1
        self.held -= 1
        return Answer(label, self, label == sub.truth, self.reputation)

    def settle(self):
        """Phase 9: the participation cost of the tick."""
        self.participation_costs += PARTICIPATION

    def learn(self):
        """Phase 11: practised domains learn, idle ones decay toward the initial skill."""
        s, s0, p = self.skill, self.skill0, self.practice
        for d in range(D):
            if p[d] < 1.0:
                s[d] = 1.0 - (1.0 - s[d]) * p[d]
                p[d] = 1.0
            else:
                s[d] += PHI * (s0[d] - s[d])


class Answer:
    __slots__ = ("label", "agent", "correct", "reputation")

    def __init__(self, label, agent, correct, reputation):
        self.label, self.agent, self.correct, self.reputation = label, agent, correct, reputation


class Subtask:
    __slots__ = ("task", "index", "domain", "truth", "worker", "worked", "waiting", "answers",
                 "resolved")

    def __init__(self, task, index, domain, truth):
        self.task, self.index = task, index
        self.domain, self.truth = domain, truth
        self.worker = None
        self.worked = False
        self.waiting = 0
        self.answers = []
        self.resolved = None  # True/False once resolved: kept answer truly correct


class Task:
    __slots__ = ("id", "arrived", "deadline", "subtasks", "open")

    def __init__(self, id, arrived, subtasks):
        self.id, self.arrived, self.deadline = id, arrived, arrived + DEADLINE
        self.subtasks = subtasks
        self.open = len(subtasks)


def decide(answers, include):
    """Majority over the included answers. Redundancy is 1 in this workload, so a subtask has at
    most one ballot and the majority keeps it when its author is included (the hand loop makes
    the same simplification; lamas's general rule gives the same answer)."""
    for a in answers:
        if include(a.agent):
            return a
    return None


def shapley_exact(n, v):
    """Exact Shapley value of the n-player game v(mask) from its 2^n table."""
    table = [v(mask) for mask in range(1 << n)]
    w = [0.0] * (n + 2)
    w[1] = 1.0 / n
    for s in range(n - 1):
        w[s + 2] = w[s + 1] * (s + 1) / (n - s - 1)
    b = 0.0
    for mask in range(1 << n):
        s = bin(mask).count("1")
        b += table[mask] * w[s + 1]
        table[mask] *= w[s] + w[s + 1]
    return [sum(x for mask, x in enumerate(table) if mask >> i & 1) - b for i in range(n)]


class Team(mesa.Model):
    """A star team: an orchestrator routes subtasks to the most skilled free worker."""

    def __init__(self, n=1000, seed=1):
        super().__init__(seed=seed)
        self.n = n
        self.arrival_rate = n / 20.0
        Worker.create_agents(self, n)
        self.tick = 0
        self.board = {}  # open tasks by id, in id order
        self.next_id = 0
        self.pending = deque()
        self.network = defaultdict(list)  # delivery tick -> events in sending order
        self.inbox = []
        self.observations = []
        # run totals
        self.tasks_arrived = self.tasks_completed = self.tasks_succeeded = 0
        self.subtasks_resolved = self.subtasks_correct = 0
        self.latency_sum = 0
        self.messages = self.bytes = 0
        self.value_created = self.fees = self.credit_paid = self.unallocated = 0.0
        self.effort_costs = self.participation_costs = 0.0
        self.imbalance_sum, self.imbalance_tasks = 0.0, 0
        self.task_error_sum, self.task_error_tasks = 0.0, 0
        self.evaluations = 0
        self.reset_counters()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "tick": "tick",
                "tasks_arrived": "c_arrived",
                "tasks_completed": "c_completed",
                "tasks_succeeded": "c_succeeded",
                "value": "c_value",
                "messages": "c_messages",
                "bytes": "c_bytes",
                "agents_up": lambda m: len(m.agents),
                "agents_reachable": lambda m: len(m.agents),
                "faults": lambda m: 0,
                "share_honest": lambda m: 1.0,
                "payoff_mean_honest": lambda m: m.agents.agg("payoff", np.mean),
            }
        )

    def reset_counters(self):
        self.c_arrived = self.c_completed = self.c_succeeded = 0
        self.c_value = 0.0
        self.c_messages = self.c_bytes = 0

    def send(self, at, event, size):
        self.network[at].append(event)
        self.messages += 1
        self.bytes += size
        self.c_messages += 1
        self.c_bytes += size

    def step(self):
        now = self.tick
        r = self.random
        # Phase 1, faults: none in this workload.
        # Phase 2, arrivals.
        k = int(self.rng.poisson(self.arrival_rate))
        for _ in range(k):
            tid = self.next_id
            self.next_id += 1
            subs = []
            for s in range(M):
                subs.append(Subtask(tid, s, r.randrange(D), r.randrange(K)))
                self.pending.append((tid, s))
            self.board[tid] = Task(tid, now, subs)
        self.tasks_arrived += k
        self.c_arrived += k

        # Phase 3, assign: best skill in the domain (ties: smaller id), redundancy 1.
        if self.pending:
            demand = [0] * D
            for tid, s in self.pending:
                t = self.board.get(tid)
                if t is not None and t.subtasks[s].resolved is None:
                    demand[t.subtasks[s].domain] += 1
            available = self.agents.select(lambda a: a.held < a.capacity)
            # Python's stable sort over the AgentSet (in id order), so ties keep the smaller id.
            # (AgentSet.sort would do the same but builds a new AgentSet per domain: slower.)
            ranking = {
                d: sorted(available, key=lambda a, d=d: a.skill[d], reverse=True)
                for d in range(D)
                if demand[d]
            }
            cursor = dict.fromkeys(ranking, 0)
            free = len(available)
            waiting_again = deque()
            sends = []
            for tid, s in self.pending:
                t = self.board.get(tid)
                if t is None or t.subtasks[s].resolved is not None:
                    continue
                sub = t.subtasks[s]
                if free == 0:
                    waiting_again.append((tid, s))
                    continue
                ranked, i = ranking[sub.domain], cursor[sub.domain]
                while i < len(ranked) and ranked[i].held >= ranked[i].capacity:
                    i += 1
                cursor[sub.domain] = i
                if i == len(ranked):
                    waiting_again.append((tid, s))
                    continue
                w = ranked[i]
                w.held += 1
                if w.held >= w.capacity:
                    free -= 1
                sub.worker = w
                sub.waiting += 1
                sends.append((tid, s))
            self.pending = waiting_again
            for tid, s in sends:  # one lossless link each
                self.send(now + LATENCY, ("assignment", tid, s), ASSIGN_BYTES)

        # Phase 4, messages.
        for kind, tid, s, *answer in self.network.pop(now, ()):
            t = self.board.get(tid)
            if t is None:
                continue
            sub = t.subtasks[s]
            if sub.resolved is not None:
                continue
            if kind == "assignment":
                if not sub.worked:
                    self.inbox.append(sub)
            else:
                sub.answers.append(answer[0])
                sub.waiting = max(0, sub.waiting - 1)

        # Phase 5, work.
        inbox, self.inbox = self.inbox, []
        for sub in inbox:
            if sub.resolved is not None or sub.worked:
                continue
            sub.worked = True
            answer = sub.worker.work(sub)
            self.send(now + LATENCY, ("answer", sub.task, sub.index, answer), ANSWER_BYTES)

        # Phase 6, consensus.
        finished = []
        for t in self.board.values():
            past = now >= t.deadline
            for sub in t.subtasks:
                if sub.resolved is not None:
                    continue
                all_in = sub.worker is not None and sub.waiting == 0
                if not (all_in or past):
                    continue
                kept = decide(sub.answers, lambda a: True)
                sub.resolved = kept is not None and kept.correct
                if sub.worker is not None and not sub.worked:
                    sub.worker.held -= 1  # a slot still Sent is released
                    sub.worked = True
                t.open -= 1
                self.subtasks_resolved += 1
                self.subtasks_correct += sub.resolved
            if t.open == 0:
                finished.append(t)
        for t in finished:
            del self.board[t.id]

        # Phases 7-9: value, credit (equal; truth = exact Shapley), economy.
        scale = REWARD * (1.0 - FEE)
        for t in finished:
            correct = sum(1 for sub in t.subtasks if sub.resolved)
            success = correct == M
            value = REWARD if success else 0.0
            self.tasks_completed += 1
            self.tasks_succeeded += success
            self.latency_sum += now - t.arrived
            self.value_created += value
            self.c_completed += 1
            self.c_succeeded += success
            self.c_value += value
            players = sorted({sub.worker for sub in t.subtasks if sub.worker is not None},
                             key=lambda a: a.unique_id)
            index = {a: i for i, a in enumerate(players)}
            for sub in t.subtasks:
                for a in sub.answers:
                    self.observations.append((a.agent, a.correct))  # ground truth
            self.fees += value * FEE
            distributable = value * (1.0 - FEE)
            n = len(players)
            if n == 0:
                self.unallocated += distributable
                continue

            def v(mask):
                c = 0
                for sub in t.subtasks:
                    kept = decide(sub.answers, lambda a: mask >> index[a] & 1)
                    c += kept is not None and kept.correct
                return scale * (1.0 if c == M else 0.0)

            everyone = (1 << n) - 1
            grand = v(everyone)
            shares = [grand / n] * n  # equal split
            truth = shapley_exact(n, v)
            self.evaluations += 1 + (1 << n)
            for a, x in zip(players, truth):
                a.fair_truth += x
                a.took_part = True
            grand = v(everyone)
            if grand > 0:
                self.imbalance_sum += abs(sum(shares) - grand) / grand
                self.imbalance_tasks += 1
            if grand > 1e-12:
                factor = distributable / grand
            elif abs(distributable) <= 1e-12:
                factor = 1.0
            else:
                factor = None
            if factor is None:
                self.unallocated += distributable
                continue
            error = 0.0
            for a, x, tr in zip(players, shares, truth):
                pay = x * factor
                a.credit += pay
                a.fair_credit += pay
                self.credit_paid += pay
                error += abs(pay - tr)
            if distributable > 1e-12:
                self.task_error_sum += error / distributable
                self.task_error_tasks += 1
        self.agents.do("settle")
        self.participation_costs += PARTICIPATION * len(self.agents)

        # Phase 10, adaptation: off. Phase 11, experience.
        self.agents.do("learn")
        for a, judged in self.observations:
            a.reputation = (1.0 - RHO) * a.reputation + RHO * judged
        self.observations.clear()

        # Phase 12, record.
        self.datacollector.collect(self)
        self.reset_counters()
        self.tick += 1


def summary(m, ticks):
    def ratio(a, b):
        return a / b if b else float("nan")

    agents = list(m.agents)
    payoffs = np.array([a.payoff for a in agents])
    part = [a for a in agents if a.took_part]
    paid = np.array([a.fair_credit for a in part])
    truth = np.array([a.fair_truth for a in part])
    import pandas as pd

    corr = float("nan")
    if len(part) > 1 and paid.std() > 0 and truth.std() > 0:
        corr = float(pd.Series(paid).rank().corr(pd.Series(truth).rank()))
    xs = np.sort(payoffs)
    n = len(xs)
    mean = xs.mean()
    gini = float(((2 * np.arange(n) - n + 1) * xs).sum() / (n * n * mean)) if mean > 0 else float("nan")
    return {
        "tasks_arrived": m.tasks_arrived,
        "tasks_completed": m.tasks_completed,
        "tasks_succeeded": m.tasks_succeeded,
        "task_success_rate": ratio(m.tasks_succeeded, m.tasks_completed),
        "subtask_accuracy": ratio(m.subtasks_correct, m.subtasks_resolved),
        "mean_latency_ticks": ratio(m.latency_sum, m.tasks_completed),
        "messages_total": m.messages,
        "bytes_total": m.bytes,
        "messages_per_task": ratio(m.messages, m.tasks_arrived),
        "value_created": m.value_created,
        "welfare": m.value_created - m.effort_costs - m.participation_costs,
        "platform_revenue": m.fees + m.unallocated,
        "credit_paid": m.credit_paid,
        "effort_costs": m.effort_costs,
        "participation_costs": m.participation_costs,
        "budget_imbalance": ratio(m.imbalance_sum, m.imbalance_tasks),
        "credit_truth_corr": corr,
        "credit_truth_mae": ratio(float(np.abs(paid - truth).sum()), len(part)),
        "credit_task_error": ratio(m.task_error_sum, m.task_error_tasks),
        "credit_evaluations": m.evaluations,
        "payoff_mean_honest": float(payoffs.mean()),
        "gini_payoff": gini,
        "tasks_completed_per_tick": m.tasks_completed / ticks,
        "mean_skill_final": float(np.mean([a.skill for a in agents])),
    }


def main():
    if len(sys.argv) < 4:
        print("usage: python mesa_team.py N TICKS SEED [OUT_DIR]", file=sys.stderr)
        sys.exit(2)
    n, ticks, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    out = sys.argv[4] if len(sys.argv) > 4 else None
    started = time.perf_counter()
    model = Team(n=n, seed=seed)
    for _ in range(ticks):
        model.step()
    wall = time.perf_counter() - started
    s = summary(model, ticks)
    if out:
        os.makedirs(out, exist_ok=True)
        model.datacollector.get_model_vars_dataframe().to_csv(
            os.path.join(out, "timeseries.csv"), index=False
        )
        with open(os.path.join(out, "summary.json"), "w") as f:
            json.dump({k: (v if v == v else None) for k, v in s.items()}, f, indent=1)
    print(f"mesa {mesa.__version__}: {n} agents, {ticks} ticks, seed {seed}, {wall:.3f} s")
    for k, v in s.items():
        print(f"{k:<26} {v:>16.6f}")


if __name__ == "__main__":
    main()
