"""The demo hospital's events: weekly rounds, journal clubs, conferences and
socials over the past 4 and the coming 8 weeks. Pure data: dates are given
as offsets from the day the demo is seeded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    organizer_department: str     # the department whose organizer runs it
    day_offset: int               # days from the seeding day (negative: past)
    weekday: int | None = None    # move to this weekday (0 = Monday) on or after the offset
    start: time | None = None     # None: an all-day event
    minutes: int = 60
    days: int = 1                 # all-day events: how many days
    location: str = ""
    online_url: str = ""
    department: str | None = None
    specialties: tuple[str, ...] = ()
    capacity: int | None = None
    description: str = ""
    repeat: tuple[str, int, int] | None = None  # (weekly|monthly, interval, days the series runs)
    attendance: float = 0.35      # share of the hospital that answers "going"
    cancelled: bool = False
    full: bool = False            # fill it and put people on the waitlist


MEETINGS = [
    DemoEvent("Internal Medicine Grand Rounds", "meeting", "Internal Medicine", -28, weekday=1,
              start=time(7, 30), location="Harlow Auditorium, Level 2", department="Internal Medicine",
              specialties=("Internal medicine", "Medical education"), repeat=("weekly", 1, 84),
              description="Weekly grand rounds for the Department of Medicine. Case presentations by "
                          "residents, followed by a talk from faculty.\n\nCoffee from 07:15. Slides are "
                          "posted afterwards at https://intranet.riverside.example/grand-rounds",
              attendance=0.3),
    DemoEvent("Cardiology Journal Club", "meeting", "Internal Medicine", -21, weekday=3,
              start=time(17, 30), location="Cardiology Library, Heart Center 4th floor",
              department="Internal Medicine", specialties=("Cardiology", "Clinical research"),
              capacity=14, repeat=("weekly", 2, 84), full=True,
              description="Two papers, two presenters, thirty minutes each. Interns are especially welcome; "
                          "fellows take turns to mentor the presenters."),
    DemoEvent("Surgery M&M Conference", "meeting", "Surgery", -30, weekday=2, start=time(7, 0),
              location="Surgical Skills Center, Room 110", department="Surgery",
              specialties=("General surgery", "Quality improvement and patient safety"),
              repeat=("monthly", 1, 90), attendance=0.2,
              description="Morbidity and mortality conference for the Department of Surgery. Cases are "
                          "anonymised; what is said in the room stays in the room."),
    DemoEvent("Pediatrics Noon Conference", "meeting", "Pediatrics", -14, weekday=4, start=time(12, 0),
              location="Children's Pavilion, Conference Room B", department="Pediatrics",
              specialties=("Pediatrics", "Neonatology", "Pediatric cardiology"), repeat=("weekly", 1, 63),
              attendance=0.12, description="Lunch provided. This month: congenital heart disease for the generalist."),
    DemoEvent("Emergency Medicine Simulation Lab", "meeting", "Emergency Medicine", 5, weekday=0,
              start=time(14, 0), minutes=120, location="Simulation Center, Bay 3",
              department="Emergency Medicine", specialties=("Emergency medicine", "Critical care medicine"),
              capacity=10, full=True,
              description="High-fidelity simulation: airway, sepsis and trauma scenarios, debriefed by attendings."),
    DemoEvent("Tumor Board: Open Teaching Session", "meeting", "Internal Medicine", 9, weekday=3,
              start=time(16, 0), location="Cancer Center, Board Room", online_url="https://meet.riverside.example/tumor-board",
              department="Internal Medicine", specialties=("Oncology", "Hematology", "Radiology", "Pathology"),
              attendance=0.1, description="Multidisciplinary case review, open to trainees for teaching."),
    DemoEvent("Neurology Case Conference", "meeting", "Family Medicine", 12, weekday=1, start=time(12, 30),
              location="Neuroscience Institute, Room 5-120", department="Neurology",
              specialties=("Neurology", "Psychiatry"), attendance=0.1),
    DemoEvent("Point-of-Care Ultrasound Workshop", "meeting", "Emergency Medicine", 17, weekday=5,
              start=time(9, 0), minutes=180, location="Simulation Center, Bay 1",
              department="Emergency Medicine", specialties=("Point-of-care ultrasound", "Emergency medicine",
                                                              "Critical care medicine"), capacity=16,
              attendance=0.15, description="Hands-on scanning stations: FAST, lung, cardiac, vascular access."),
    DemoEvent("Quality Improvement Project Clinic", "meeting", "Family Medicine", -10, weekday=2,
              start=time(16, 0), location="Education Center, Room 204", online_url="https://meet.riverside.example/qi",
              department="Family Medicine", specialties=("Quality improvement and patient safety",),
              attendance=0.1, description="Bring your QI idea; leave with an aim statement and a mentor."),
]

CONFERENCES = [
    DemoEvent("Riverside Cardiovascular Symposium", "conference", "Internal Medicine", 20, weekday=4, days=2,
              location="Riverside Conference Center, 1200 River Road", department="Internal Medicine",
              specialties=("Cardiology", "Cardiothoracic surgery", "Critical care medicine", "Clinical research"),
              capacity=150, attendance=0.3,
              description="Two days of talks and workshops on heart failure, structural interventions and "
                          "cardiac critical care.\n\nPoster session for residents and interns on day two. "
                          "Programme: https://riverside.example/cardio-symposium"),
    DemoEvent("Emergency Medicine Research Day", "conference", "Emergency Medicine", 34, weekday=2,
              location="Education Center, Main Hall", department="Emergency Medicine",
              specialties=("Emergency medicine", "Clinical research", "Medical informatics"), attendance=0.2),
    DemoEvent("Medical Education Retreat", "conference", "Internal Medicine", -17, weekday=5,
              location="Lakeside Lodge", specialties=("Medical education", "Leadership and management"),
              attendance=0.25, description="A day on teaching, feedback and mentoring for residents and faculty."),
    DemoEvent("Global Health Conference", "conference", "Family Medicine", 48, weekday=4, days=2,
              location="Riverside Conference Center", online_url="https://meet.riverside.example/global-health",
              specialties=("Global health", "Infectious diseases", "Health policy and advocacy"), attendance=0.18),
]

SOCIALS = [
    DemoEvent("Intern Welcome Mixer", "social", "Internal Medicine", -24, weekday=4, start=time(18, 0),
              minutes=150, location="The Boathouse, Riverside Park", attendance=0.5,
              description="Meet the class, the chiefs and the faculty who want to meet you. Food and drinks provided."),
    DemoEvent("Mentorship Coffee Hour", "social", "Internal Medicine", 6, weekday=2, start=time(8, 30),
              location="Atrium Café", specialties=("Medical education", "Wellness and physician well-being"),
              capacity=20, full=True,
              description="Informal coffee with attendings and fellows who signed up to meet interns. "
                          "Small on purpose: twenty places."),
    DemoEvent("Residents and Interns Trivia Night", "social", "Surgery", 27, weekday=3, start=time(19, 0),
              minutes=150, location="Quill & Scalpel Pub", attendance=0.3),
    DemoEvent("Department Holiday Party", "social", "Pediatrics", 23, weekday=5, start=time(18, 30),
              minutes=210, location="Children's Pavilion Rooftop", attendance=0.4),
    DemoEvent("Wellness Walk by the River", "social", "Family Medicine", 13, weekday=6, start=time(9, 0),
              minutes=90, location="Meet at the Main Entrance", specialties=("Wellness and physician well-being",),
              attendance=0.15),
    DemoEvent("Rooftop Barbecue", "social", "Emergency Medicine", 15, weekday=5, start=time(17, 0),
              minutes=180, location="Parking Structure C, top level", cancelled=True, attendance=0.2,
              description="Cancelled: the forecast says snow. We'll do it in spring."),
    DemoEvent("Book Club: The Emperor of All Maladies", "social", "Internal Medicine", -3, weekday=0,
              start=time(19, 0), minutes=90, online_url="https://meet.riverside.example/book-club",
              specialties=("Oncology",), attendance=0.08),
]

DEMO_EVENTS: list[DemoEvent] = MEETINGS + CONFERENCES + SOCIALS
