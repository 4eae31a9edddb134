"""Time the speed-mentoring planner against its greedy baseline on synthetic sessions.

    .venv/bin/python -m bench.speed            # make bench-speed (and part of make bench)

Three sessions, built deterministically (seed 7): 60 interns, 30 seniors, 6 rounds
(a department's evening), 300 interns, 100 seniors, 8 rounds (the whole hospital)
and 9 interns, 5 seniors, 5 rounds (a small evening, tables of 2: one seat a round
stays free, and only a plan that looks ahead seats all 45 pairs), one table per
senior with as many seats as it takes to seat everyone.
Scores are drawn like People to meet's: people share a few interests out of
twenty, the common ones far more often, and seniors offer kinds of help interns
look for; most pairs share nothing and score 0. Each planner runs three times
per session and the best time counts. Prints one table and PASS or MISS for the
target (60 x 30 x 6 under 2 s), and writes the same as JSON to
bench/results/speed-<date>-<time>.json (or --json PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from eventsapp.speed.planner import greedy_plan, plan, quality

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SESSIONS = [(60, 30, 6), (300, 100, 8), (9, 5, 5)]
TARGET_SECONDS = 2.0
SPECIALTIES = 20
KINDS_OF_HELP = 4


def synthetic_session(interns: int, seniors: int, seed: int) -> tuple[list[int], list[int], dict]:
    """Intern ids 1.., senior ids 100001..; score 10 per shared interest, 4 per help offered and sought."""
    rng = random.Random(seed)  # nosec B311  # synthetic data, not secrets
    popularity = [1 / (rank + 1) for rank in range(SPECIALTIES)]

    def person() -> tuple[set[int], set[int]]:
        interests = set(rng.choices(range(SPECIALTIES), weights=popularity, k=rng.randint(1, 3)))
        return interests, set(rng.sample(range(KINDS_OF_HELP), rng.randint(0, 2)))

    intern_ids, senior_ids = list(range(1, interns + 1)), list(range(100001, 100001 + seniors))
    asking, offering = {i: person() for i in intern_ids}, {s: person() for s in senior_ids}
    scores = {}
    for i in intern_ids:
        for s in senior_ids:
            shared = len(asking[i][0] & offering[s][0])
            if shared:
                scores[(i, s)] = 10.0 * shared + 4.0 * len(asking[i][1] & offering[s][1])
    return intern_ids, senior_ids, scores


def best_of_three(planner, *args, **room) -> tuple[float, list]:
    times, seats = [], []
    for _ in range(3):
        started = time.perf_counter()
        seats = planner(*args, **room)
        times.append(time.perf_counter() - started)
    return min(times), seats


def measure(interns: int, seniors: int, rounds: int, seed: int) -> dict:
    people = synthetic_session(interns, seniors, seed)
    room = {"rounds": rounds, "tables": seniors, "seats_per_table": -(-interns // seniors)}
    plan_s, planned = best_of_three(plan, *people, **room)
    greedy_s, greedy = best_of_three(greedy_plan, *people, **room)
    figures, baseline = quality(planned, *people, **room), quality(greedy, *people, **room)
    return {
        "session": f"{interns}x{seniors}x{rounds}",
        **room,
        "plan_seconds": round(plan_s, 4),
        "greedy_seconds": round(greedy_s, 4),
        "total": figures.total,
        "greedy_total": figures.greedy_total,
        "top_two_share": round(figures.top_two_share, 3),
        "greedy_top_two_share": round(baseline.top_two_share, 3),
        "seats": figures.seats,
        "greedy_seats": baseline.seats,
        "idle_seats": figures.idle_seats,
        "greedy_idle_seats": baseline.idle_seats,
    }


def table(runs: list[dict]) -> str:
    lines = [
        f"{'session':12} {'plan s':>8} {'greedy s':>8} {'total':>9} {'greedy':>9} {'gain':>6} "
        f"{'top-2':>6} {'greedy':>6} {'seats':>6} {'greedy':>6} {'idle':>5} {'greedy':>6}"
    ]
    for r in runs:
        gain = r["total"] / r["greedy_total"] - 1 if r["greedy_total"] else 0.0
        lines.append(
            f"{r['session']:12} {r['plan_seconds']:8.3f} {r['greedy_seconds']:8.3f} {r['total']:9.0f} "
            f"{r['greedy_total']:9.0f} {gain:6.1%} {r['top_two_share']:6.1%} {r['greedy_top_two_share']:6.1%} "
            f"{r['seats']:6} {r['greedy_seats']:6} {r['idle_seats']:5} {r['greedy_idle_seats']:6}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="where to write the results (default bench/results/speed-<time>.json)")
    args = parser.parse_args()
    runs = [measure(*session, seed=args.seed) for session in SESSIONS]
    first = runs[0]
    target = f"{first['session']} planned in under {TARGET_SECONDS:g} s"
    passed = first["plan_seconds"] < TARGET_SECONDS
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "seed": args.seed,
        "runs": runs,
        "checks": [{"target": target, "pass": passed, "measured": first["plan_seconds"]}],
    }
    path = Path(args.json) if args.json else RESULTS / f"speed-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    print("Speed mentoring: the planner and the greedy baseline, best of 3 (seconds); total: sum of the seats'")
    print("scores; top-2: interns meeting two of their top three seniors; idle: could have sat, sat out")
    print(table(runs))
    print(f"{'PASS' if passed else 'MISS'}  {target}: {first['plan_seconds']:.3f} s")
    print(f"Written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
