"""A synthetic hospital network at scale, built deterministically with bulk inserts.

    .venv/bin/python -m bench.data --scale full|tenth|small|tiny [--out URL] [--seed 7] [--force]

At full scale: 20,000 people (many interns and residents, fewer attendings;
common and rare interests), 5,000 events over two years (a third of them
meetings of recurring series, stored as the app stores them: a Series row
and one Event per meeting), 250,000 answers and 60,000 check-ins. The other
scales divide every count by 10, 100 and 200.

The database is brought to the current schema by the real migrations first
(`flask db upgrade`), then filled with Core bulk inserts. Without --out it is
SQLite at instance/bench-<scale>.sqlite, or, when DATABASE_URL names a
PostgreSQL database, a database of its own next to it (<name>_bench_<scale>).

One member is the benchmark's viewer: bench-intern@bench.example, password
`bench-password-1`, an intern going to 200 events (fewer at the small
scales) in the window of their calendar feed, with past check-ins and a
private feed. A JSON stamp next to the data (instance/bench-<scale>*.json)
records the spec, the seed and what the load generator needs; a database
built with the same spec and seed less than a week ago is reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPEC_VERSION = 6  # raised whenever the generator changes what it builds (or the schema it fills)
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"  # nosec B105  # the benchmark server only
PASSWORD = "bench-password-1"  # nosec B105  # synthetic accounts, printed in the README
INTERN_EMAIL = "bench-intern@bench.example"
UTC = UTC
#: A stamp older than this is rebuilt: "upcoming" is relative to the build day.
MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class Spec:
    users: int
    events: int
    rsvps: int
    check_ins: int
    intern_going: int  # events the viewer goes to inside the feed's window
    seed: int = 7
    version: int = SPEC_VERSION


FULL = dict(users=20_000, events=5_000, rsvps=250_000, check_ins=60_000)
SCALES = {"full": 1, "tenth": 10, "small": 100, "tiny": 200}


def spec_for(scale: str, seed: int = 7) -> Spec:
    divisor = SCALES[scale]
    counts = {k: v // divisor for k, v in FULL.items()}
    return Spec(**counts, intern_going=min(200, counts["events"] * 2 // 5), seed=seed)


# --- Where --------------------------------------------------------------------


def default_url(scale: str) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql")):
        from eventsapp.config import normalise_database_url

        url = sa.make_url(normalise_database_url(base))
        return url.set(database=f"{url.database}_bench_{scale}").render_as_string(hide_password=False)
    return f"sqlite:///{ROOT / 'instance' / f'bench-{scale}.sqlite'}"


def stamp_path(scale: str, url: str) -> Path:
    tag = "" if url.startswith("sqlite") else "-" + hashlib.sha256(url.encode()).hexdigest()[:8]
    return ROOT / "instance" / f"bench-{scale}{tag}.json"


def _fresh_database(url: str) -> None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def make_bench_app(url: str, **config):
    from eventsapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "APP_ENV": "development", **config})


def ensure(scale: str, url: str | None = None, seed: int = 7, force: bool = False, quiet: bool = False) -> dict:
    """The stamp of an up-to-date database of this scale, built if needed.
    The schema is always brought up to date (a new index reaches old data)."""
    url = url or default_url(scale)
    spec = spec_for(scale, seed)
    path = stamp_path(scale, url)
    stamp = json.loads(path.read_text()) if path.exists() else None
    fresh = (
        stamp
        and stamp["spec"] == asdict(spec)
        and stamp["url"] == url
        and datetime.now(UTC) - datetime.fromisoformat(stamp["built_at"]) < MAX_AGE
    )
    if fresh and not force and _reachable(url):
        _upgrade(url)
        if not quiet:
            print(f"bench data {scale}: up to date ({_redact(url)}, built {stamp['built_at'][:16]})")
        return stamp
    started = time.perf_counter()
    _fresh_database(url)
    _upgrade(url)
    app = make_bench_app(url)
    with app.app_context():
        from eventsapp.extensions import db

        targets = Builder(spec, datetime.now(UTC)).fill(db.engine)
        db.engine.dispose()
    stamp = {
        "scale": scale,
        "url": url,
        "spec": asdict(spec),
        "built_at": datetime.now(UTC).isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
        **targets,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamp, indent=2))
    if not quiet:
        print(
            f"bench data {scale}: built {spec.users} people, {spec.events} events, {targets['rows']['rsvp']} "
            f"answers, {targets['rows']['check_in']} check-ins in {stamp['seconds']} s ({_redact(url)})"
        )
    return stamp


def _reachable(url: str) -> bool:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database).exists()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM event")).scalar() > 0
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _upgrade(url: str) -> None:
    import contextlib
    import io

    from flask_migrate import upgrade

    app = make_bench_app(url)
    log = io.StringIO()
    with app.app_context(), contextlib.redirect_stderr(log):  # Alembic's INFO lines, on success
        upgrade()
        from eventsapp.extensions import db

        db.engine.dispose()


def _redact(url: str) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)


# --- What -----------------------------------------------------------------------

STAGE_WEIGHTS = {"student": 8, "intern": 30, "resident": 32, "fellow": 12, "attending": 14, "faculty": 4}
SENIOR = ("resident", "fellow", "attending", "faculty")
#: How often each kind of help is offered by a senior, and looked for by a
#: student or intern (the viewer looks for clinical and career help, and is
#: still exploring specialties: the benchmark then spreads their list).
OFFERED_SHARE = {"clinical": 0.5, "career": 0.45, "support": 0.3, "networking": 0.35}
ASKED_SHARE = {"clinical": 0.4, "career": 0.5, "support": 0.25, "networking": 0.3, "exploring": 0.2}
VIEWER_ASKS = ("clinical", "career", "exploring")
FIRST = (
    "Amara Ben Chloe Daniel Elena Farid Grace Hiro Imani Jonas Kavya Liam Maya Nikolai Olu Priya Quinn "
    "Rosa Samuel Tomas Uma Victor Wen Ximena Yusuf Zara Aisha Bruno Carmen Dmitri Esther Felix Gita Hugo "
    "Ines Jae Kofi Lena Mateo Noor"
).split()
LAST = (
    "Okafor Ferreira Lindqvist Adeyemi Nakamura Schmidt Rossi Haddad Kowalski Mensah Patel Garcia Novak "
    "Oliveira Jensen Murphy Tanaka Dubois Costa Ibrahim Chen Moreau Kaur Silva Horvat Andersen Bianchi "
    "Okonkwo Santos Fischer Yilmaz Petrov Larsen Nguyen Romero Sato Walsh Baptiste Ortiz Kim"
).split()
DEPARTMENTS = (
    "Internal Medicine",
    "Surgery",
    "Paediatrics",
    "Obstetrics and Gynaecology",
    "Psychiatry",
    "Emergency Medicine",
    "Radiology",
    "Anaesthesia",
    "Neurology",
    "Cardiology",
    "Oncology",
    "Orthopaedics",
    "Dermatology",
    "Pathology",
    "Family Medicine",
    "Ophthalmology",
    "Urology",
    "Nephrology",
    "Geriatrics",
    "Infectious Diseases",
    "Intensive Care",
    "Rheumatology",
    "Endocrinology",
    "Public Health",
)
ZONES = ["America/New_York"] * 17 + ["America/Chicago", "America/Los_Angeles", "Europe/London"]
TOPICS = (
    "Grand Rounds",
    "Journal Club",
    "M&M Conference",
    "Case Conference",
    "Teaching Rounds",
    "Research Seminar",
    "Simulation Session",
    "Board Review",
    "Quality Meeting",
    "Tumour Board",
)
CONFERENCES = ("Annual Symposium", "Regional Meeting", "Update Course", "Research Day", "Summit")
SOCIALS = ("Welcome Reception", "Mentoring Breakfast", "Quiz Night", "Summer Picnic", "Holiday Party", "Wellness Walk")


def scrypt_hash(password: str, rng: random.Random) -> str:
    """Werkzeug's scrypt format with a salt from the seed, so the data is
    the same on every build (the app checks it like any other hash)."""
    n, r, p = 32768, 8, 1
    salt = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(16))
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()
    return f"scrypt:{n}:{r}:{p}${salt}${digest}"


def zipf(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank + 1) ** s for rank in range(n)]


def sample_distinct(
    rng: random.Random, population: list[int], cum_weights: list[float], k: int, exclude: set[int]
) -> list[int]:
    """k distinct members, each drawn with its weight, none in `exclude`."""
    k = min(k, len(population) - len(exclude))
    chosen: dict[int, None] = {}
    while len(chosen) < k:
        for x in rng.choices(population, cum_weights=cum_weights, k=(k - len(chosen)) * 2 + 4):
            if x not in exclude and x not in chosen:
                chosen[x] = None
                if len(chosen) == k:
                    break
    return list(chosen)


class Builder:
    def __init__(self, spec: Spec, now: datetime):
        self.spec = spec
        self.rng = random.Random(spec.seed)  # nosec B311  # synthetic data, repeatable by seed
        # Everything is placed relative to the build day (midnight UTC), so
        # the same spec and seed give the same rows on the same day.
        self.anchor = datetime.combine(now.date(), datetime.min.time(), tzinfo=UTC)
        self.rows: dict[str, list[dict]] = {}

    # - people -
    def people(self, specialty_ids: list[int]) -> None:
        rng, spec, anchor = self.rng, self.spec, self.anchor
        password = scrypt_hash(PASSWORD, rng)
        order = specialty_ids[:]
        rng.shuffle(order)  # which interests are common is up to the seed
        self.specialty_order = order
        self.specialty_cum = list(_accumulate(zipf(len(order), 1.1)))
        from eventsapp.text import sort_key

        stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
        users, profiles, interests, self.stage, self.interests = [], [], [], {}, {}
        dept_cum = list(_accumulate(zipf(len(DEPARTMENTS), 0.8)))
        for i in range(1, spec.users + 1):
            stage = "intern" if i == 1 else rng.choices(stages, weights)[0]
            senior = stage in SENIOR
            role = "member"
            if senior and stage in ("attending", "faculty") and rng.random() < 0.12:
                role = "organizer"
            if i in (2, 3):
                role = "admin"
            email = INTERN_EMAIL if i == 1 else f"user{i:05d}@bench.example"
            name = "Bench Intern" if i == 1 else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            users.append(
                {
                    "id": i,
                    "email": email,
                    "name": name,
                    "name_key": sort_key(name),
                    "password_hash": password,
                    "role": role,
                    "created_at": anchor - timedelta(days=rng.randint(30, 900)),
                    # The viewer's answers would otherwise each write an .eml file.
                    "email_notifications": i != 1 and rng.random() < 0.8,
                }
            )
            visibility = rng.choices(["members", "attendees", "organizers"], [80, 15, 5])[0]
            profiles.append(
                {
                    "user_id": i,
                    "career_stage": stage,
                    "pgy_year": rng.randint(2, 6) if stage == "resident" else None,
                    "department_id": rng.choices(range(1, len(DEPARTMENTS) + 1), cum_weights=dept_cum)[0],
                    "bio": "",
                    "open_to_interns": senior and rng.random() < 0.45,
                    "intro_capacity": rng.choice([1, 2, 3, 3, 3, 5]),
                    "show_department": True,
                    "show_interests": rng.random() < 0.95,
                    "show_bio": True,
                    "attendance_visibility": "members" if i == 1 else visibility,
                    "timezone": None,
                    "updated_at": anchor - timedelta(days=rng.randint(1, 300)),
                }
            )
            chosen = set(rng.choices(order, cum_weights=self.specialty_cum, k=rng.randint(2, 6)))
            if i == 1:  # the viewer: common interests and one rare one
                chosen = set(order[:3]) | {order[-5]}
            self.stage[i] = stage
            self.interests[i] = chosen
            interests += [{"profile_id": i, "specialty_id": s} for s in sorted(chosen)]
        self.rows["department"] = [
            {"id": d, "name": name, "is_active": True} for d, name in enumerate(DEPARTMENTS, start=1)
        ]
        self.rows["user"], self.rows["profile"], self.rows["profile_specialty"] = users, profiles, interests
        self.organizers = [u["id"] for u in users if u["role"] in ("organizer", "admin")]
        self.open_seniors = [p["user_id"] for p in profiles if p["open_to_interns"]]

    def help_choices(self) -> None:
        """What each senior offers and each student or intern looks for, drawn
        like their interests, from a generator of its own: the rest of the
        network is the same rows as without them."""
        from eventsapp.profiles.help_kinds import to_bits

        rng = random.Random(self.spec.seed * 1_000 + 1)  # nosec B311  # synthetic data, repeatable by seed
        for profile in self.rows["profile"]:
            i = profile["user_id"]
            offered = self.stage[i] in SENIOR
            shares = OFFERED_SHARE if offered else ASKED_SHARE
            kinds = VIEWER_ASKS if i == 1 else [kind for kind, share in shares.items() if rng.random() < share]
            profile["help_offered" if offered else "help_asked"] = to_bits(kinds)
            profile["help_asked" if offered else "help_offered"] = 0

    # - events -
    def events(self) -> None:
        from eventsapp.events import recurrence

        rng, spec, anchor = self.rng, self.spec, self.anchor
        recurring_target = spec.events // 3
        events, series_rows, specialties, co = [], [], [], []
        self.event_start: dict[int, datetime] = {}
        self.event_capacity: dict[int, int | None] = {}
        self.event_cancelled: set[int] = set()
        next_id = 1

        def add_event(
            kind: str,
            title: str,
            zone: str,
            start: datetime,
            end: datetime,
            *,
            all_day=False,
            series_id=None,
            recurrence_id=None,
            organizer=None,
            capacity=None,
            department=None,
            tags=(),
        ):
            nonlocal next_id
            eid = next_id
            next_id += 1
            cancelled = rng.random() < 0.02
            exception = series_id is not None and not cancelled and rng.random() < 0.02
            created = min(start, anchor) - timedelta(days=rng.randint(10, 60))
            events.append(
                {
                    "id": eid,
                    "title": title,
                    "kind": kind,
                    "description": f"{title}. All welcome; bring questions.",
                    "timezone": zone,
                    "starts_at": start,
                    "ends_at": end,
                    "all_day": all_day,
                    "location": ("Room 4B" if exception else f"Auditorium {rng.choice('ABCDEF')}"),
                    "online_url": "" if rng.random() < 0.7 else f"https://meet.example/{eid}",
                    "department_id": department,
                    "capacity": capacity,
                    "rsvp_deadline": None,
                    "status": "cancelled" if cancelled else "scheduled",
                    "cancelled_at": created + timedelta(days=1) if cancelled else None,
                    "revision": 1 if (cancelled or exception) else 0,
                    "version": 2 if exception else 1,
                    "organizer_id": organizer,
                    "series_id": series_id,
                    "recurrence_id": recurrence_id,
                    "is_exception": exception,
                    "checkin_secret": f"{rng.getrandbits(128):032x}",
                    "created_at": created,
                    "updated_at": created + timedelta(days=1) if (cancelled or exception) else created,
                }
            )
            specialties.extend({"event_id": eid, "specialty_id": s} for s in tags)
            self.event_start[eid] = start
            self.event_capacity[eid] = capacity
            if cancelled:
                self.event_cancelled.add(eid)
            return eid

        def tags():
            return sorted(set(rng.choices(self.specialty_order, cum_weights=self.specialty_cum, k=rng.randint(1, 3))))

        # A third of the events are meetings of recurring series.
        made, series_id = 0, 0
        while made < recurring_target:
            series_id += 1
            zone = rng.choice(ZONES)
            frequency, interval = rng.choice([("weekly", 1), ("weekly", 1), ("weekly", 2), ("monthly", 1)])
            n = min(recurring_target - made, rng.randint(8, 40))
            first_day = (anchor + timedelta(days=rng.randint(-365, 300))).date()
            local_first = datetime.combine(first_day, datetime.min.time()).replace(
                hour=rng.choice([7, 8, 12, 17]), minute=rng.choice([0, 30])
            )
            horizon = min(
                first_day + timedelta(days=n * interval * (7 if frequency == "weekly" else 31)),
                (anchor + timedelta(days=365)).date(),
            )
            starts = recurrence.occurrence_starts(
                local_first, zone, recurrence.Recurrence(frequency, interval, max(horizon, first_day))
            )[:n]
            until = starts[-1].date()
            first_utc = starts[0].astimezone(UTC)
            created = min(first_utc, anchor) - timedelta(days=20)
            series_rows.append(
                {
                    "id": series_id,
                    "frequency": frequency,
                    "interval": interval,
                    "until": until,
                    "timezone": zone,
                    "starts_at": first_utc,
                    "all_day": False,
                    "revision": 0,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            title = f"{rng.choice(DEPARTMENTS)} {rng.choice(TOPICS)}"
            organizer, department = rng.choice(self.organizers), rng.randint(1, len(DEPARTMENTS))
            series_tags = tags()
            for start in starts:
                utc_start = start.astimezone(UTC)
                add_event(
                    "meeting",
                    title,
                    zone,
                    utc_start,
                    utc_start + timedelta(hours=1),
                    series_id=series_id,
                    recurrence_id=utc_start,
                    organizer=organizer,
                    department=department,
                    tags=series_tags,
                )
            made += len(starts)
        # The rest are one-off meetings, conferences and socials.
        while next_id <= spec.events:
            kind = rng.choices(["meeting", "conference", "social"], [55, 20, 25])[0]
            zone = rng.choice(ZONES)
            day = (anchor + timedelta(days=rng.randint(-365, 365))).date()
            organizer = rng.choice(self.organizers)
            capacity = rng.choice([20, 30, 40, 60, 100, 150]) if rng.random() < 0.3 else None
            department = rng.randint(1, len(DEPARTMENTS)) if rng.random() < 0.8 else None
            if kind == "conference" and rng.random() < 0.4:  # all-day, one to three days
                start = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone))
                end = datetime.combine(
                    day + timedelta(days=rng.randint(1, 3)), datetime.min.time(), tzinfo=ZoneInfo(zone)
                )
                eid = add_event(
                    kind,
                    f"{rng.choice(DEPARTMENTS)} {rng.choice(CONFERENCES)}",
                    zone,
                    start.astimezone(UTC),
                    end.astimezone(UTC),
                    all_day=True,
                    organizer=organizer,
                    capacity=capacity,
                    department=department,
                    tags=tags(),
                )
            else:
                local = datetime.combine(day, datetime.min.time()).replace(
                    hour=rng.randint(7, 18), minute=rng.choice([0, 15, 30, 45]), tzinfo=ZoneInfo(zone)
                )
                hours = {"meeting": 1, "conference": 8, "social": rng.choice([2, 3])}[kind]
                title = {
                    "meeting": f"{rng.choice(DEPARTMENTS)} {rng.choice(TOPICS)}",
                    "conference": f"{rng.choice(DEPARTMENTS)} {rng.choice(CONFERENCES)}",
                    "social": rng.choice(SOCIALS),
                }[kind]
                start = local.astimezone(UTC)
                eid = add_event(
                    kind,
                    title,
                    zone,
                    start,
                    start + timedelta(hours=hours),
                    organizer=organizer,
                    capacity=capacity,
                    department=department,
                    tags=tags(),
                )
            if rng.random() < 0.1:
                co.append({"event_id": eid, "user_id": rng.choice(self.organizers)})
        self.rows["series"], self.rows["event"] = series_rows, events
        self.rows["event_specialty"] = specialties
        pairs = {(c["event_id"], c["user_id"]) for c in co if c["user_id"] != events[c["event_id"] - 1]["organizer_id"]}
        self.rows["event_co_organizer"] = [{"event_id": e, "user_id": u} for e, u in sorted(pairs)]

    # - answers and check-ins -
    def answers(self) -> dict:
        rng, spec, anchor = self.rng, self.spec, self.anchor
        viewer = 1
        pairs: dict[tuple[int, int], str] = {}
        ids = sorted(self.event_start)
        live = [e for e in ids if e not in self.event_cancelled]
        soon = [
            e
            for e in live
            if anchor < self.event_start[e] <= anchor + timedelta(days=60) and self.event_capacity[e] is None
        ]
        if len(soon) < 4:  # the smallest scales: any upcoming event will do
            soon = [e for e in live if self.event_start[e] > anchor and self.event_capacity[e] is None]
        window = [
            e
            for e in live
            if anchor - timedelta(days=60) <= self.event_start[e] <= anchor + timedelta(days=365) and e not in soon
        ]
        older = [e for e in live if anchor - timedelta(days=180) <= self.event_start[e] < anchor - timedelta(days=60)]
        # The viewer: going to `intern_going` events in the feed's window, a
        # fifth of them in the next two months; past ones attended; some maybes.
        # (Leaving at least 8 of them, up to 12, for the RSVP POST to answer.)
        n_soon = min(len(soon) - min(12, max(1, len(soon) // 3)), max(1, spec.intern_going // 5))
        going = rng.sample(soon, n_soon) + rng.sample(window, min(len(window), spec.intern_going - n_soon))
        for e in going:
            pairs[(e, viewer)] = "going"
        for e in rng.sample(older, min(len(older), spec.intern_going // 4)):
            pairs[(e, viewer)] = "going"
        rest = [e for e in soon if (e, viewer) not in pairs]
        rsvp_targets = rest[: min(12, len(rest))]
        for e in rsvp_targets:
            pairs[(e, viewer)] = "maybe"  # the RSVP POST toggles these between going and maybe
        for e in rng.sample([e for e in window if (e, viewer) not in pairs], min(len(window) // 20, 30)):
            pairs[(e, viewer)] = rng.choice(["maybe", "declined"])
        upcoming_going = [e for e in going if e in soon]
        # Who to meet here: the viewer's next-two-months event with the most
        # open seniors sharing an interest going.
        mine = self.interests[viewer]
        matching = [s for s in self.open_seniors if self.interests[s] & mine]
        focus = upcoming_going[0]
        for s in rng.sample(matching, min(len(matching), 8)):
            pairs[(focus, s)] = "going"
        # Everyone else: event sizes skewed (grand rounds draw crowds), and
        # some members answer far more than others.
        users = list(range(2, spec.users + 1))
        activity = list(_accumulate(rng.lognormvariate(0, 1) for _ in users))
        popularity = {e: rng.lognormvariate(0, 0.9) for e in ids}
        popularity[focus] *= 4
        remaining = spec.rsvps - len(pairs)
        total_weight = sum(popularity.values())
        sizes = {e: min(len(users) // 2, int(remaining * w / total_weight)) for e, w in popularity.items()}
        short = remaining - sum(sizes.values())
        shuffled = rng.sample(ids, len(ids))
        while short > 0:  # what rounding and the cap left over, spread one by one
            for e in shuffled:
                if short > 0 and sizes[e] < len(users) // 2:
                    sizes[e] += 1
                    short -= 1
        for e in ids:
            taken = {u for (ev, u) in pairs if ev == e} if e == focus else set()
            for u in sample_distinct(rng, users, activity, sizes[e], taken | {viewer}):
                if (e, u) not in pairs:
                    past = self.event_start[e] < anchor
                    pairs[(e, u)] = rng.choices(["going", "maybe", "declined"], [85, 5, 10] if past else [75, 15, 10])[
                        0
                    ]
        rsvps = []
        going_by_event: dict[int, list[dict]] = {}
        for (e, u), state in pairs.items():
            start = self.event_start[e]
            created = min(start, anchor) - timedelta(minutes=rng.randint(60, 60 * 24 * 30))
            if u == viewer:
                created -= timedelta(days=31)  # first in line: always within capacity
            row = {
                "event_id": e,
                "user_id": u,
                "state": state,
                "queued_at": None,
                "approachable": state == "going" and self.stage[u] in SENIOR and start > anchor and rng.random() < 0.25,
                "revision": 1,
                "created_at": created,
                "updated_at": created,
            }
            rsvps.append(row)
            if state == "going":
                going_by_event.setdefault(e, []).append(row)
        for e, rows in going_by_event.items():  # seats beyond capacity are a waitlist
            capacity = self.event_capacity[e]
            if capacity is not None and len(rows) > capacity:
                rows.sort(key=lambda r: (r["created_at"], r["user_id"]))
                for row in rows[capacity:]:
                    row["state"], row["queued_at"], row["approachable"] = "waitlisted", row["created_at"], False
        rsvps.sort(key=lambda r: (r["created_at"], r["event_id"], r["user_id"]))
        self.rows["rsvp"] = rsvps

        # Check-ins: members who went to past events (the viewer to most of
        # theirs), and a few walk-ins without an account.
        attended = [r for r in rsvps if r["state"] == "going" and self.event_start[r["event_id"]] < anchor]
        viewer_past = [r for r in attended if r["user_id"] == viewer]
        others = [r for r in attended if r["user_id"] != viewer]
        keep = viewer_past[: len(viewer_past) * 4 // 5]
        guests = spec.check_ins // 30
        keep += rng.sample(others, min(len(others), spec.check_ins - len(keep) - guests))
        past_events = [e for e in live if self.event_start[e] < anchor]
        checks = [
            {
                "event_id": r["event_id"],
                "user_id": r["user_id"],
                "guest_name": None,
                "method": rng.choice(["qr", "qr", "organizer"]),
                "checked_in_at": self.event_start[r["event_id"]] + timedelta(minutes=rng.randint(-20, 30)),
                "checked_in_by_id": None,
            }
            for r in keep
        ]
        for g in range(spec.check_ins - len(checks)):
            e = rng.choice(past_events)
            checks.append(
                {
                    "event_id": e,
                    "user_id": None,
                    "guest_name": f"Guest {g + 1}",
                    "method": "organizer",
                    "checked_in_at": self.event_start[e],
                    "checked_in_by_id": None,
                }
            )
        self.rows["check_in"] = checks
        return {
            "focus_event_id": focus,
            "rsvp_event_ids": rsvp_targets,
            "intern_going": sum(
                1
                for (e, u), s in pairs.items()
                if u == viewer
                and s == "going"
                and anchor - timedelta(days=60) <= self.event_start[e] <= anchor + timedelta(days=365)
            ),
        }

    # - introductions, the feed, notifications -
    def extras(self) -> dict:
        rng, spec, anchor = self.rng, self.spec, self.anchor
        juniors = [u for u, s in self.stage.items() if s in ("student", "intern") and u != 1]
        accepted: dict[int, int] = {}
        capacity = {p["user_id"]: p["intro_capacity"] for p in self.rows["profile"]}
        requests, open_pairs = [], set()
        for _ in range(spec.users // 7):
            requester, senior = rng.choice(juniors), rng.choice(self.open_seniors)
            status = rng.choices(["accepted", "pending", "declined", "expired", "ended"], [35, 20, 20, 15, 10])[0]
            if status in ("accepted", "pending"):
                if (requester, senior) in open_pairs:
                    continue
                if status == "accepted" and accepted.get(senior, 0) >= capacity[senior]:
                    status = "declined"
                else:
                    open_pairs.add((requester, senior))
            if status == "accepted":
                accepted[senior] = accepted.get(senior, 0) + 1
            created = anchor - timedelta(days=rng.randint(1, 10) if status == "pending" else rng.randint(20, 300))
            requests.append(
                {
                    "requester_id": requester,
                    "senior_id": senior,
                    "message": "Could we meet?",
                    "status": status,
                    "created_at": created,
                    "expires_at": created + timedelta(days=14),
                    "responded_at": None if status == "pending" else created + timedelta(days=3),
                    "ended_at": created + timedelta(days=60) if status == "ended" else None,
                }
            )
        self.rows["intro_request"] = requests
        salt = f"{rng.getrandbits(256):064x}"
        from eventsapp.ical import tokens

        token = tokens.token_for(SECRET_KEY, salt)
        self.rows["calendar_feed"] = [
            {
                "user_id": 1,
                "salt": salt,
                "token_hash": tokens.token_hash(token),
                "created_at": anchor - timedelta(days=30),
            }
        ]
        self.rows["notification"] = [
            {
                "user_id": 1,
                "kind": "changed",
                "event_id": None,
                "message": f"An event you answered changed ({n})",
                "link": "",
                "created_at": anchor - timedelta(days=n),
                "read_at": None if n < 3 else anchor,
            }
            for n in range(1, 11)
        ]
        return {"feed_token": token}

    def fill(self, engine: sa.Engine) -> dict:
        with engine.connect() as conn:
            specialty_ids = list(conn.execute(sa.text("SELECT id FROM specialty ORDER BY id")).scalars())
        self.people(specialty_ids)
        self.help_choices()
        self.events()
        targets = self.answers()
        targets |= self.extras()
        from bench import program_data

        targets |= program_data.add(self.rows, self.stage, self.event_start, self.anchor, self.spec.seed)
        from eventsapp.extensions import db

        order = [
            "department",
            "user",
            "profile",
            "profile_specialty",
            "series",
            "event",
            "event_specialty",
            "event_co_organizer",
            "rsvp",
            "check_in",
            "intro_request",
            "mentorship",
            "mentorship_meeting",
            "coordinator",
            "coordinator_department",
            "calendar_feed",
            "notification",
        ]
        with engine.begin() as conn:
            for name in order:
                table = db.metadata.tables[name]  # the app's types: UTC datetimes stored as the app stores them
                rows = self.rows[name]
                for chunk in range(0, len(rows), 20_000):
                    conn.execute(table.insert(), rows[chunk : chunk + 20_000])
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                for name in ("department", "user", "series", "event", "intro_request", "mentorship"):
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # nosec B608  # names from the tuple above
                            f'(SELECT max(id) FROM "{name}"))'
                        )
                    )
        if engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk load, at once: statistics,
            # and the visibility map that lets index-only scans skip the table.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        # The filtered list: upcoming meetings of the specialty most of them have.
        upcoming = {e["id"] for e in self.rows["event"] if e["kind"] == "meeting" and e["starts_at"] > self.anchor}
        tally: dict[int, int] = {}
        for row in self.rows["event_specialty"]:
            if row["event_id"] in upcoming:
                tally[row["specialty_id"]] = tally.get(row["specialty_id"], 0) + 1
        return {
            "intern_email": INTERN_EMAIL,
            "password": PASSWORD,
            "anchor": self.anchor.isoformat(),
            "specialty_id": max(sorted(tally), key=tally.get),
            "rows": {k: len(v) for k, v in self.rows.items()},
            **targets,
        }


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        choices=SCALES,
        action="append",
        help="full, tenth (1/10), small (1/100) or tiny (1/200); repeat for several",
    )
    parser.add_argument("--out", help="database URL (one scale only); default: see above")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="rebuild even if an up-to-date copy exists")
    args = parser.parse_args()
    scales = args.scale or ["full", "tenth"]
    if args.out and len(scales) > 1:
        parser.error("--out takes one --scale")
    for scale in scales:
        ensure(scale, args.out, args.seed, args.force)


if __name__ == "__main__":
    main()
