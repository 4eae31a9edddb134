"""What the program pages read, added to the synthetic network (bench/data.py):
mentorships from the accepted and ended introductions, meetings logged at
past events, attendance requirements on some series, and two coordinators'
grants (one for the whole hospital, one limited to the two largest
departments). From a generator of its own: the rest of the network is the
same rows as without it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

#: The department-limited coordinator (user 4 is never an admin) and the
#: hospital-wide one; both sign in with the benchmark's password.
COORDINATOR, WHOLE_HOSPITAL = 4, 5
COORDINATOR_DEPARTMENTS = (1, 2)
#: One series in this many requires 70% attendance of its interns and residents.
REQUIRED_EVERY = 20


def add(rows: dict[str, list[dict]], stage: dict[int, str], event_start: dict[int, datetime], anchor, seed: int):
    """Fill rows["mentorship"], rows["mentorship_meeting"], rows["coordinator"],
    rows["coordinator_department"] and give ids to the introductions (their
    mentorships name them)."""
    rng = random.Random(seed * 1_000 + 2)  # nosec B311  # synthetic data, repeatable by seed
    mentorships = []
    for n, request in enumerate(rows["intro_request"], start=1):
        request["id"] = n
        if request["status"] not in ("accepted", "ended") or stage.get(request["requester_id"]) == "student":
            continue
        if request["status"] == "accepted" and rng.random() < 0.3:
            continue  # accepted, not met yet: the interns to reach
        started = request["responded_at"] + timedelta(days=rng.randint(2, 20))
        closed = request["ended_at"] if request["status"] == "ended" else None
        if started > anchor or (closed and not started < closed <= anchor):
            continue
        mentorships.append(
            {
                "id": len(mentorships) + 1,
                "intro_request_id": n,
                "intern_id": request["requester_id"],
                "mentor_id": request["senior_id"],
                "status": "closed" if closed else "active",
                "started_at": started,
                "updated_at": closed or started,
                "closed_at": closed,
                "close_reason": "goals_met" if closed else None,
            }
        )
    past = sorted(e for e, at in event_start.items() if at < anchor)
    rows["mentorship"] = mentorships
    rows["mentorship_meeting"] = [
        {
            "mentorship_id": m["id"],
            "met_on": (m["started_at"] + timedelta(days=1)).date(),
            "place": "event",
            "event_id": rng.choice(past),
            "logged_by_id": m["intern_id"],
            "logged_at": m["started_at"] + timedelta(days=1),
        }
        for m in mentorships
        if rng.random() < 0.5
    ]
    for series in rows["series"]:
        series["required_percent"] = 70 if series["id"] % REQUIRED_EVERY == 1 else None
    rows["coordinator"] = [
        {"user_id": COORDINATOR, "granted_by_id": 2, "granted_at": anchor, "whole_hospital": False},
        {"user_id": WHOLE_HOSPITAL, "granted_by_id": 2, "granted_at": anchor, "whole_hospital": True},
    ]
    rows["coordinator_department"] = [{"user_id": COORDINATOR, "department_id": d} for d in COORDINATOR_DEPARTMENTS]
    return {"coordinator_email": f"user{COORDINATOR:05d}@bench.example", "admin_email": "user00002@bench.example"}
