"""Career stages and their order. Pure: no Flask, no database."""

from __future__ import annotations

STUDENT = "student"
INTERN = "intern"
RESIDENT = "resident"
FELLOW = "fellow"
ATTENDING = "attending"
FACULTY = "faculty"

#: In order of training; the label is what people see.
STAGES: dict[str, str] = {
    STUDENT: "Medical student",
    INTERN: "Intern",
    RESIDENT: "Resident",
    FELLOW: "Fellow",
    ATTENDING: "Attending",
    FACULTY: "Faculty / consultant",
}

#: How far along someone is; attendings and faculty are peers.
SENIORITY: dict[str, int] = {
    STUDENT: 0,
    INTERN: 1,
    RESIDENT: 2,
    FELLOW: 3,
    ATTENDING: 4,
    FACULTY: 4,
}

#: Stages that may offer to meet interns.
SENIOR_STAGES = (RESIDENT, FELLOW, ATTENDING, FACULTY)

PGY_MIN, PGY_MAX = 2, 8


def stage_label(stage: str | None, pgy_year: int | None = None) -> str:
    if stage is None:
        return "Career stage not set"
    label = STAGES[stage]
    if stage == RESIDENT and pgy_year:
        return f"{label} (PGY-{pgy_year})"
    return label


def can_mentor(stage: str | None) -> bool:
    return stage in SENIOR_STAGES
