"""The program's bar charts as drawn (program/bars.py): SVG that parses,
runs nothing, carries the figures it was given, and comes out the same
bytes for the same numbers; a hidden count is drawn the same whatever it is."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from eventsapp.program import bars, pictures
from eventsapp.program.demand import Demand, Row
from eventsapp.program.privacy import FEWER, shown

SVG = "{http://www.w3.org/2000/svg}"

STEPS = [
    ("Interns registered", 20, 100),
    ("Profile with interests", 15, 75),
    ("Asked someone", 9, 45),
    ("Accepted", 6, 30),
    ("Met", 4, 20),
    ("Active mentorship at 90 days", 0, 0),
]
PAIRS = [bars.Pair("Cardiology", 14, None), bars.Pair("Internal medicine", 8, 12), bars.Pair("Pediatrics", 2, 6)]
EVENTS = [("Grand Rounds\nTue 3 Nov", 6), ("Journal Club\nMon 12 Oct", 3), ("Intern lunch\nTue 1 Sep", 1)]
SPREADS = [
    bars.Spread("Grand Rounds", 70, [(40, True), (69, True), (70, False), (85, False), (100, False)]),
    bars.Spread("Morbidity and Mortality", 50, [(0, True), (100, False)]),
]

CHARTS = {
    "funnel": lambda size: bars.funnel_svg(STEPS, title="From registering", size=size),
    "demand": lambda size: bars.demand_svg(PAIRS, title="Interns and colleagues", size=size),
    "ranked": lambda size: bars.ranked_svg(EVENTS, title="Events", counted="Introductions", size=size),
    "spread": lambda size: bars.spread_svg(SPREADS, title="Shares attended", size=size),
}


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, prefix: str) -> list[str]:
    """The text of each element named `prefix-1`, `prefix-2`, ... in order."""
    found = {el.get("id"): "".join(el.itertext()).strip() for el in root.iter() if el.get("id")}
    named = [(int(key.rsplit("-", 1)[1]), text) for key, text in found.items() if key.rsplit("-", 1)[0] == prefix]
    return [text for _, text in sorted(named)]


def count(root: ET.Element, prefix: str) -> int:
    return sum(1 for el in root.iter() if (el.get("id") or "").rsplit("-", 1)[0] == prefix)


@pytest.mark.parametrize("size", [bars.WIDE, bars.PHONE], ids=["wide", "phone"])
@pytest.mark.parametrize("kind", CHARTS)
def test_each_chart_is_svg_that_runs_nothing_and_is_the_same_for_the_same_numbers(kind, size):
    svg = CHARTS[kind](size)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}foreignObject")]
    attributes = [name.lower() for el in root.iter() for name in el.attrib]
    assert not [name for name in attributes if name.startswith("on")]
    assert b"javascript:" not in svg and b"<dc:date>" not in svg
    assert svg == CHARTS[kind](size)
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(72 * size.width)


def test_the_funnel_draws_a_bar_and_its_figures_for_each_step():
    root = parse(CHARTS["funnel"](bars.WIDE))
    assert count(root, "step") == 6
    assert texts(root, "step-label") == ["20 (100%)", "15 (75%)", "9 (45%)", "6 (30%)", "4 (20%)", "0 (0%)"]
    assert "Active mentorship at 90 days" in "".join(root.itertext())


def test_demand_draws_both_counts_per_specialty_and_a_hidden_one_as_fewer_than_5():
    root = parse(CHARTS["demand"](bars.WIDE))
    assert count(root, "interns") == count(root, "room") == 3
    assert texts(root, "interns-label") == ["14", "8", "2"]
    assert texts(root, "room-label") == [FEWER, "12", "6"]


def test_a_hidden_count_is_drawn_hatched_and_marked_fewer_than_5():
    """A hidden count reaches the chart as None (no value to leak): it is
    drawn as a hatched bar, the same for each (tests/test_program_chart_pages.py
    checks that the page's picture does not move when the count does)."""
    one = bars.demand_svg([bars.Pair("Cardiology", 6, None), bars.Pair("Oncology", 1, None)], title="t")
    hatched = parse(one).find(".//*[@id='room-1']")
    assert hatched is not None and "fill: url(#" in ET.tostring(hatched).decode()  # hatched, not solid
    shown = bars.demand_svg([bars.Pair("Cardiology", 6, 3), bars.Pair("Oncology", 1, 1)], title="t")
    assert texts(parse(shown), "room-label") == ["3", "1"] and one != shown


def test_events_are_drawn_in_their_order_with_their_counts_and_long_titles_cut():
    root = parse(CHARTS["ranked"](bars.WIDE))
    assert count(root, "row") == 3 and texts(root, "row-label") == ["6", "3", "1"]
    long = [("Internal Medicine Grand Rounds: heart failure in the elderly\nTue 3 Nov", 2)]
    words = "".join(parse(bars.ranked_svg(long, title="t", counted="c", size=bars.PHONE)).itertext())
    assert "Internal Medicine…" in words and "Tue 3 Nov" in words


def test_attendance_shares_fall_in_bands_of_10_points_below_or_not_as_the_table_says():
    grand_rounds = bars.bands(SPREADS[0])
    assert [(low, below, met) for low, below, met in grand_rounds if below or met] == [
        (40, 1, 0),
        (60, 1, 0),  # 69%: below 70
        (70, 0, 1),
        (80, 0, 1),
        (100, 0, 1),  # 100% alone
    ]
    root = parse(CHARTS["spread"](bars.WIDE))
    assert [t for t in texts(root, "band-label-1") if t] == ["1", "1", "1", "1", "1"]
    assert [t for t in texts(root, "band-label-2") if t] == ["1", "1"]
    words = "".join(root.itertext())
    assert "Grand Rounds: 70% required" in words and "Morbidity and Mortality: 50% required" in words


@pytest.mark.parametrize(
    "draw",
    [
        lambda: bars.demand_svg([], title="Interns and colleagues"),
        lambda: bars.ranked_svg([], title="Events", counted="Introductions"),
        lambda: bars.spread_svg([], title="Shares attended"),
    ],
)
def test_a_chart_with_nothing_to_draw_says_so(draw):
    words = "".join(parse(draw()).itertext())
    assert "yet" in words


def test_the_demand_chart_draws_the_specialties_most_interns_want_and_keeps_hidden_counts_hidden():
    rows = [Row(f"Specialty {n:02d}", n % 7, shown(n, exact=False), 0, 0) for n in range(1, 30)]
    pairs = pictures.demand_pairs(Demand(rows, [], []))
    assert len(pairs) == pictures.SPECIALTIES_DRAWN
    assert [p.interns for p in pairs][:5] == [6, 6, 6, 6, 5]  # most first, then by name
    assert pairs[0].name == "Specialty 06" and pairs[0].with_room == 6
    assert all(p.interns for p in pairs)
    assert [
        p.with_room for p in pictures.demand_pairs(Demand([Row("Oncology", 2, shown(3, exact=False))], [], []))
    ] == [None]


def test_charts_drawn_at_once_by_several_threads_come_out_as_drawn_alone():
    """A threaded server draws the charts of one page together: each must
    still be the chart it would be alone, its words as text."""
    from concurrent.futures import ThreadPoolExecutor

    alone = {(kind, size): CHARTS[kind](size) for kind in CHARTS for size in (bars.WIDE, bars.PHONE)}
    jobs = [key for key in alone for _ in range(3)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda key: CHARTS[key[0]](key[1]), jobs))
    assert [svg == alone[key] for key, svg in zip(jobs, drawn, strict=True)] == [True] * len(jobs)
    assert texts(parse(drawn[0]), "step-label")[0] == "20 (100%)"
