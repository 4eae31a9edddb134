"""People of Riverside University Hospital, the demo hospital of eventsapp.

Pure data (standard library only, no Flask, no database).  ``demo_people()``
returns the same list every call: the four demo logins first, then generated
students, interns, residents, fellows, attendings and faculty whose interests
overlap like a real teaching hospital's, some common, a few rare.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass

DEMO_PASSWORD = "welcome-to-rounds"  # nosec B105  # public by design: printed in the README; production needs seed-demo --force
DEMO_EMAIL_DOMAIN = "riverside.example"
SEED = 20261125
SENIOR_STAGES = ("resident", "fellow", "attending", "faculty")

DEPARTMENTS = (
    "Internal Medicine", "Surgery", "Pediatrics", "Emergency Medicine",
    "Obstetrics and Gynecology", "Psychiatry", "Anesthesiology", "Radiology",
    "Neurology", "Family Medicine", "Pathology",
)

SPECIALTY_NAMES = (
    "Internal medicine", "Cardiology", "Gastroenterology", "Pulmonology",
    "Nephrology", "Endocrinology", "Infectious diseases", "Hematology",
    "Oncology", "Rheumatology", "Geriatrics", "Neurology", "Dermatology",
    "Psychiatry", "Family medicine", "Palliative care",
    "Physical medicine and rehabilitation", "General surgery",
    "Orthopedic surgery", "Neurosurgery", "Cardiothoracic surgery",
    "Vascular surgery", "Plastic surgery", "Urology", "Otolaryngology (ENT)",
    "Ophthalmology", "Obstetrics and gynecology", "Pediatrics",
    "Pediatric cardiology", "Neonatology", "Emergency medicine",
    "Anesthesiology", "Critical care medicine", "Radiology", "Pathology",
    "Clinical research", "Medical education", "Global health",
    "Quality improvement and patient safety",
    "Wellness and physician well-being", "Health policy and advocacy",
    "Medical informatics", "Leadership and management",
    "Point-of-care ultrasound",
)


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    career_stage: str
    pgy_year: int | None
    department: str
    specialties: tuple[str, ...]
    bio: str
    open_to_interns: bool
    intro_capacity: int
    role: str


# Department -> (share of the hospital, related specialties with weights,
# highest PGY year of its residency).
_DEPARTMENT_PROFILES = {
    "Internal Medicine": (24, {"Internal medicine": 20, "Cardiology": 5, "Gastroenterology": 2.5,
                               "Pulmonology": 2.5, "Nephrology": 1.5, "Endocrinology": 1.5,
                               "Infectious diseases": 2, "Hematology": 1.5, "Oncology": 2,
                               "Rheumatology": 1, "Geriatrics": 1.5, "Critical care medicine": 1.5}, 3),
    "Surgery": (11, {"General surgery": 6, "Orthopedic surgery": 2, "Neurosurgery": 1,
                     "Cardiothoracic surgery": 2, "Vascular surgery": 1.5, "Plastic surgery": 1,
                     "Urology": 1, "Otolaryngology (ENT)": 1, "Ophthalmology": 1,
                     "Critical care medicine": 1.5}, 5),
    "Pediatrics": (9, {"Pediatrics": 8, "Neonatology": 2.5, "Pediatric cardiology": 1.5,
                       "Infectious diseases": 1.5, "Critical care medicine": 1}, 3),
    "Emergency Medicine": (10, {"Emergency medicine": 8, "Critical care medicine": 3,
                                "Point-of-care ultrasound": 2, "Infectious diseases": 1}, 4),
    "Obstetrics and Gynecology": (7, {"Obstetrics and gynecology": 8, "Neonatology": 1,
                                      "Oncology": 1.5, "Endocrinology": 1.5, "Urology": 1}, 4),
    "Psychiatry": (7, {"Psychiatry": 8, "Geriatrics": 1.5, "Neurology": 1.5, "Palliative care": 1.5}, 4),
    "Anesthesiology": (7, {"Anesthesiology": 8, "Critical care medicine": 3, "Palliative care": 1,
                           "Physical medicine and rehabilitation": 1.5, "Cardiothoracic surgery": 1}, 4),
    "Radiology": (6, {"Radiology": 8, "Oncology": 1.5, "Neurology": 1.5, "Cardiology": 1,
                      "Vascular surgery": 1}, 5),
    "Neurology": (6, {"Neurology": 8, "Neurosurgery": 1.5, "Geriatrics": 1,
                      "Physical medicine and rehabilitation": 1.5, "Critical care medicine": 1}, 4),
    "Family Medicine": (8, {"Family medicine": 8, "Internal medicine": 2, "Geriatrics": 1.5,
                            "Pediatrics": 1.5, "Obstetrics and gynecology": 1, "Dermatology": 1,
                            "Psychiatry": 1, "Palliative care": 1}, 3),
    "Pathology": (5, {"Pathology": 8, "Hematology": 2, "Oncology": 2, "Dermatology": 1,
                      "Infectious diseases": 1}, 4),
}

# Interests that cut across departments, weighted so some are common.
_CROSS_CUTTING = {"Medical education": 6, "Clinical research": 6, "Quality improvement and patient safety": 3,
                  "Wellness and physician well-being": 3, "Point-of-care ultrasound": 2, "Global health": 2,
                  "Health policy and advocacy": 1.5, "Medical informatics": 1.5, "Leadership and management": 1}

# Generated people per stage (the four fixed logins come on top of these).
_STAGE_COUNTS = {"student": 10, "intern": 28, "resident": 26, "fellow": 10, "attending": 14, "faculty": 6}
# The four generated organizers: chief residents and a program coordinator.
_ORGANIZER_SLOTS = (("resident", "Surgery"), ("resident", "Pediatrics"),
                    ("resident", "Emergency Medicine"), ("faculty", "Family Medicine"))
_CAPACITY_WEIGHTS = {3: 60, 2: 12, 4: 12, 1: 8, 5: 8}

# (given names, family names, family name written first?)
_NAME_POOLS = (
    (("Chinedu", "Adaeze", "Oluwaseun", "Ngozi", "Emeka", "Folake", "Chiamaka", "Tobi"),
     ("Okonkwo", "Adebayo", "Nwosu", "Eze", "Olatunji", "Balogun", "Obi"), False),
    (("Kwame", "Abena", "Kofi", "Ama", "Yaw", "Efua"), ("Mensah", "Boateng", "Asante", "Owusu", "Appiah"), False),
    (("Alejandro", "Lucía", "Andrés", "Camila", "Julián", "Valentina", "Sofía", "María José"),
     ("García", "Hernández", "Núñez", "Ramírez", "Peña", "Castillo", "Álvarez", "Ortiz"), False),
    (("João", "Beatriz", "Gonçalo", "Inês", "Thiago", "Letícia"),
     ("Gonçalves", "Araújo", "Magalhães", "Simões", "Carvalho", "Brandão"), False),
    (("Søren", "Astrid", "Björn", "Ingrid", "Eirik", "Linnéa"),
     ("Østergaard", "Sjöberg", "Halvorsen", "Åberg", "Nyström", "Lindgren"), False),
    (("Aoife", "Ciarán", "Niamh", "Seán", "Órla", "Pádraig"),
     ("O'Sullivan", "Gallagher", "Byrne", "Kavanagh", "O'Connor", "Brennan"), False),
    (("Łukasz", "Agnieszka", "Małgorzata", "Paweł", "Zofia", "Michał"),
     ("Wójcik", "Nowak", "Mazur", "Krawczyk", "Kaczmarek", "Zając"), False),
    (("Elif", "Emre", "Ayşe", "Barış", "Zeynep", "Çağrı"),
     ("Yılmaz", "Öztürk", "Ağaoğlu", "Çelik", "Şahin", "Doğan"), False),
    (("Thị Lan", "Văn Minh", "Thu Hà", "Quốc Bảo", "Ngọc Anh", "Đức Huy"),
     ("Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Đặng"), True),
    (("Wei", "Mei-Lin", "Jia", "Hao", "Xiaoling", "Yifan"), ("Zhang", "Chen", "Liu", "Huang", "Zhou", "Lin"), False),
    (("Ji-woo", "Min-jun", "Seo-yeon", "Hyun-woo", "Soo-ah"), ("Kim", "Park", "Choi", "Jung", "Kang"), False),
    (("Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Deepa"),
     ("Raghavan", "Iyer", "Patel", "Chatterjee", "Reddy", "Menon", "Banerjee"), False),
    (("Omar", "Layla", "Yusuf", "Noor", "Karim", "Rania"),
     ("Haddad", "Al-Masri", "Khoury", "Nasser", "Saleh", "Mansour"), False),
    (("Emily", "James", "Hannah", "Michael", "Rachel", "Daniel", "Caroline"),
     ("Whitaker", "Brooks", "Sullivan", "Coleman", "Parker", "Hayes", "Reynolds"), False),
    (("Lena", "Matthias", "Katharina", "Jonas", "Greta"), ("Müller", "Schäfer", "Weiß", "Brandt", "Köhler"), False),
    (("Amélie", "Félix", "Hélène", "François", "Élodie"), ("Lefèvre", "Dubois", "Bérubé", "Gagnon", "Côté"), False),
    (("Eleni", "Nikos", "Dimitra", "Yannis"), ("Papadakis", "Konstantinou", "Georgiou"), False),
    (("Selam", "Dawit", "Meron", "Yonas", "Hana"), ("Tesfaye", "Bekele", "Haile", "Girma", "Alemu"), False),
    (("Maricel", "Paolo", "Kristine", "Angelica"), ("Dela Cruz", "Santos", "Bautista", "Villanueva"), False),
    (("Haruka", "Kenji", "Yui", "Takeshi", "Aiko"), ("Tanaka", "Sato", "Nakamura", "Watanabe", "Ishikawa"), False),
)
# Used first, so these always appear in the demo.
_FEATURED_NAMES = ("Zoë Ağaoğlu", "Łukasz Wójcik", "Siobhán Ní Bhriain", "Nguyễn Thị Lan")

_BIO_TEMPLATES = {
    "student": ("Fourth-year medical student applying in {dept_l} this fall, with a side interest in {a}.",
                "Third-year medical student exploring {a}. Looking for people who love {b} as much as I do."),
    "intern": ("Intern in {dept}, still learning where the good coffee is. Interested in {a} and {b}.",
               "PGY-1 in {dept} hoping to find a mentor in {a}; also curious about {b}.",
               "First-year {dept} intern. I would love advice on getting started in {a} and {b}."),
    "resident": ("PGY-{pgy} in {dept}, happy to talk about {a} and surviving nights.",
                 "PGY-{pgy} in {dept} with a soft spot for {a}; ask me about {b} too.",
                 "PGY-{pgy} in {dept}. Into {a} and {b}, and always up for coffee after sign-out."),
    "fellow": ("Fellow in {dept}, focusing on {a}; I also make time for {b}.",
               "{dept} fellow working on {a}. Glad to share what applying for fellowship is really like."),
    "attending": ("Attending in {dept} for {years} years, with a soft spot for {a} and {b}.",
                  "{dept} attending who enjoys teaching on the wards; my interests are {a} and {b}."),
    "faculty": ("Faculty in {dept} who leads teaching on {a}; also involved in {b}.",
                "Professor of {dept} with {years} years at Riverside, working on {a} and {b}."),
    "chief": ("Chief resident in {dept} (PGY-{pgy}). Ask me about {a}, {b}, "
              "or how the call schedule really gets made.",),
    "coordinator": ("Associate program director for {dept} and organizer of Riverside teaching events; "
                    "interested in {a} and {b}.",),
}
_OPEN_NOTES = (" Happy to meet interns, just send a note.",
               " Glad to meet interns for coffee or a quick chat between cases.",
               " Always happy to hear from interns.")

_FIXED_PEOPLE = (
    DemoPerson("Maya Okafor", "intern@riverside.example", "intern", None, "Internal Medicine",
               ("Cardiology", "Clinical research", "Medical education"),
               "Intern in Internal Medicine, new to Riverside and looking for a mentor in cardiology "
               "research. Also interested in teaching medical students.", False, 3, "member"),
    DemoPerson("Tomás Ferreira", "senior@riverside.example", "attending", None, "Internal Medicine",
               ("Cardiology", "Clinical research", "Critical care medicine", "Medical education"),
               "Cardiology attending who splits time between the CCU and a heart-failure research clinic. "
               "Happy to talk to interns about research, fellowship applications and life on call.",
               True, 5, "member"),
    DemoPerson("Grace Lindqvist", "organizer@riverside.example", "faculty", None, "Internal Medicine",
               ("Medical education", "Quality improvement and patient safety", "Wellness and physician well-being"),
               "Chief of education and residency program coordinator for Internal Medicine. I organize "
               "the Riverside teaching events and care a lot about resident wellness.", True, 4, "organizer"),
    DemoPerson("Samuel Adeyemi", "admin@riverside.example", "attending", None, "Emergency Medicine",
               ("Emergency medicine", "Leadership and management", "Medical informatics"),
               "Emergency medicine attending and clinical informatics lead; I keep the events app running.",
               False, 3, "admin"),
)

_ASCII_FOLDS = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
                              "đ": "d", "ı": "i", "þ": "th", "ð": "d"})


def email_local_part(name: str) -> str:
    """Fold a display name to an ASCII ``first.last`` email local part."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_ASCII_FOLDS)
    folded = folded.replace("'", "").replace("\u2019", "")
    parts = "".join(c if c.isascii() and (c.isalnum() or c in "-") else " " for c in folded).split()
    return ".".join(parts)


def _weighted_sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """Pick ``k`` distinct keys of ``weights``, each draw proportional to its weight."""
    pool = list(weights.items())
    picked: list[str] = []
    while pool and len(picked) < k:
        index = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        picked.append(pool.pop(index)[0])
    return picked


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _pick_name(rng: random.Random, featured: list[str], used: set[str], seen: Counter[str]) -> str:
    """A new full name; a given name appears at most twice, a family name at most three times."""
    if featured:
        return featured.pop(0)
    while True:
        given_names, family_names, family_first = rng.choice(_NAME_POOLS)
        given, family = rng.choice(given_names), rng.choice(family_names)
        name = f"{family} {given}" if family_first else f"{given} {family}"
        if name not in used and seen[given] < 2 and seen[family] < 3:
            seen.update((given, family))
            return name


def _pick_specialties(rng: random.Random, department: str) -> tuple[str, ...]:
    related = _DEPARTMENT_PROFILES[department][1]
    own = _weighted_sample(rng, related, rng.choice((1, 2, 2, 3)))
    cross_count = max(rng.choice((0, 1, 1, 2)), 2 - len(own))
    cross = {k: w for k, w in _CROSS_CUTTING.items() if k not in own}
    return tuple(own + _weighted_sample(rng, cross, cross_count))


def _slots() -> list[tuple[str, str | None, str]]:
    """(career stage, fixed department or None, role) for every generated person."""
    slots: list[tuple[str, str | None, str]] = []
    for stage, count in _STAGE_COUNTS.items():
        organizers = [dept for slot_stage, dept in _ORGANIZER_SLOTS if slot_stage == stage]
        slots += [(stage, dept, "organizer") for dept in organizers]
        slots += [(stage, None, "member")] * (count - len(organizers))
    return slots


def _department_plan(rng: random.Random, count: int) -> list[str]:
    """``count`` departments in proportion to their share of the hospital, shuffled."""
    total = sum(profile[0] for profile in _DEPARTMENT_PROFILES.values())
    plan = [dept for dept, profile in _DEPARTMENT_PROFILES.items()
            for _ in range(round(count * profile[0] / total))]
    plan = (plan + ["Internal Medicine"] * count)[:count]
    rng.shuffle(plan)
    return plan


def demo_people() -> list[DemoPerson]:
    """Everyone at Riverside University Hospital; the same list on every call."""
    rng = random.Random(SEED)  # nosec B311  # the same demo people on every run; no secret comes from it
    people = list(_FIXED_PEOPLE)
    used_names = {p.name for p in people}
    used_emails = {p.email for p in people}
    featured, name_parts = list(_FEATURED_NAMES), Counter()
    slots = _slots()
    planned = _department_plan(rng, sum(1 for _, dept, _ in slots if dept is None))

    for stage, department, role in slots:
        name = _pick_name(rng, featured, used_names, name_parts)
        used_names.add(name)
        local = email_local_part(name)
        email, suffix = f"{local}@{DEMO_EMAIL_DOMAIN}", 2
        while email in used_emails:
            email, suffix = f"{local}{suffix}@{DEMO_EMAIL_DOMAIN}", suffix + 1
        used_emails.add(email)

        department = department or planned.pop()
        max_pgy = _DEPARTMENT_PROFILES[department][2]
        pgy = None
        if stage == "resident":
            pgy = max_pgy if role == "organizer" else rng.randint(2, max_pgy)
        specialties = _pick_specialties(rng, department)

        senior = stage in SENIOR_STAGES
        open_to_interns = senior and (role == "organizer" or rng.random() < 0.6)
        capacity = 3
        if open_to_interns:
            capacity = rng.choices(list(_CAPACITY_WEIGHTS), weights=list(_CAPACITY_WEIGHTS.values()))[0]

        template_key = stage
        if role == "organizer":
            template_key = "chief" if stage == "resident" else "coordinator"
        # Talk about the less obvious interests first ("Radiology fellow working on radiology").
        topics = sorted(specialties, key=lambda s: s.lower() == department.lower())
        bio = rng.choice(_BIO_TEMPLATES[template_key]).format(
            dept=department, dept_l=department.lower(), pgy=pgy,
            a=_lower_first(topics[0]), b=_lower_first(topics[1]),
            years=rng.randint(4, 22) if stage == "attending" else rng.randint(10, 30),
        )
        if open_to_interns:
            bio += rng.choice(_OPEN_NOTES)

        people.append(DemoPerson(name, email, stage, pgy, department, specialties,
                                 bio, open_to_interns, capacity, role))
    return people
