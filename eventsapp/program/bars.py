"""The program pages' bar charts as SVG, drawn on the server by matplotlib
as the weekly chart is (chart.py): the funnel, unmet demand, the events
that make introductions, and attendance shares against a requirement.
Pure: plain numbers in, bytes out; every number is also in the page's
table and CSV (docs/program.md, "Charts")."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from eventsapp.program.chart import GRID, SHARE, TARGET, TEXT, styled, to_svg
from eventsapp.program.privacy import FEWER, SMALLEST_SHOWN

#: A bar's thickness in inches, and the room above and below the bars.
ROW, MARGIN = 0.42, 1.1


@dataclass(frozen=True)
class Size:
    """A chart's width in inches and what fits across it: the characters
    of a label's line, and a legend's columns. The same text size at both,
    so that on a phone the narrower chart's words stay readable."""

    width: float
    label: int
    columns: int


WIDE, PHONE = Size(7.2, 36, 3), Size(3.9, 18, 1)
#: Bands of a share, in points: 0-9%, ..., 90-99%, then 100% alone.
BAND = 10


@dataclass(frozen=True)
class Pair:
    """One specialty: interns interested, and colleagues with room
    (None: hidden, fewer than 5)."""

    name: str
    interns: int
    with_room: int | None


def inches(kind: str, count: int, size: Size = WIDE) -> float:
    """A chart's height for `count` rows (series, for "spread"): the page
    sizes its image with it before the image loads."""
    # A narrow chart's title and legend take more lines.
    room = MARGIN + 0.2 * (3 - size.columns)
    if kind == "spread":
        return room + 2.0 * max(count, 1)
    if kind == "demand":
        return room + 0.4 + 2 * ROW * max(count, 1)
    return room + ROW * max(count, 1)


def _figure(kind: str, count: int, size: Size):
    from matplotlib.figure import Figure

    return Figure(figsize=(size.width, inches(kind, count, size)), layout="constrained")


def _clean(axes, title: str, size: Size) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    # Over the whole figure, not the bars: a long title wraps, never cut.
    axes.figure.suptitle(_title(title, size), x=0.01, ha="left", fontsize=12)


def _title(title: str, size: Size) -> str:
    return "\n".join(textwrap.wrap(title, 2 * size.label))


def _mark(artists, prefix: str) -> None:
    """Names each bar or label in the SVG (`prefix-1`, ...), so that what a
    chart holds can be read back, by tests among others."""
    for number, artist in enumerate(artists, start=1):
        artist.set_gid(f"{prefix}-{number}")


def _nothing(title: str, note: str) -> bytes:
    """A chart with no bars yet: its title and a line saying so."""
    with styled():
        figure = _figure("nothing", 1, WIDE)
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.set_title(title, loc="left", fontsize=12)
        axes.text(0, 0.5, note, transform=axes.transAxes, va="center")
        return to_svg(figure)


def funnel_svg(steps: list[tuple[str, int, int | None]], *, title: str, size: Size = WIDE) -> bytes:
    """Horizontal bars, first step on top: (label, count, percent of those
    registered), each bar labelled with its count and percent."""
    with styled():
        figure = _figure("funnel", len(steps), size)
        axes = figure.add_subplot()
        places = list(range(len(steps)))[::-1]
        counts = [count for _, count, _ in steps]
        bars = axes.barh(places, counts, color=SHARE, height=0.62)
        labels = [f"{count} ({'—' if pct is None else f'{pct}%'})" for _, count, pct in steps]
        _mark(bars, "step")
        _mark(axes.bar_label(bars, labels=labels, padding=4, color=TEXT), "step-label")
        axes.set_yticks(places, [_short(label, size) for label, _, _ in steps])
        axes.set_xlim(0, max([*counts, 1]) * 1.3)
        axes.xaxis.get_major_locator().set_params(integer=True)
        _clean(axes, title, size)
        return to_svg(figure)


def demand_svg(pairs: list[Pair], *, title: str, size: Size = WIDE) -> bytes:
    """Per specialty, two bars: interns interested and colleagues with room.
    A hidden count is drawn as a hatched bar up to the limit, the same for
    every hidden count and labelled "fewer than 5": the picture tells no
    more than the table."""
    if not pairs:
        return _nothing(title, "No intern here has chosen an interest yet.")
    with styled():
        figure = _figure("demand", len(pairs), size)
        axes = figure.add_subplot()
        places = [2.6 * i for i in range(len(pairs))][::-1]
        asked = axes.barh([p + 0.5 for p in places], [r.interns for r in pairs], height=0.9, color=TARGET)
        _mark(asked, "interns")
        _mark(axes.bar_label(asked, padding=4, color=TEXT), "interns-label")
        shown = [r.with_room if r.with_room is not None else SMALLEST_SHOWN for r in pairs]
        room = axes.barh([p - 0.5 for p in places], shown, height=0.9, color=SHARE)
        for bar, row in zip(room, pairs, strict=True):
            if row.with_room is None:
                bar.set(facecolor="white", edgecolor=SHARE, hatch="///", linestyle=(0, (3, 2)))
        _mark(room, "room")
        labels = [FEWER if r.with_room is None else str(r.with_room) for r in pairs]
        _mark(axes.bar_label(room, labels=labels, padding=4), "room-label")
        axes.set_yticks(places, [_short(r.name, size) for r in pairs])
        axes.set_ylim(-1.3, places[0] + 1.3)  # no empty band above the first pair
        axes.tick_params(axis="y", length=0)
        # Room for "fewer than 5" beside its bar, however small the others.
        hidden = SMALLEST_SHOWN * 2.6 if any(r.with_room is None for r in pairs) else 0
        axes.set_xlim(0, max(max([*shown, *(r.interns for r in pairs), 1]) * 1.35, hidden))
        axes.xaxis.get_major_locator().set_params(integer=True)
        figure.legend(
            [asked, room],
            ["Interns interested", "Colleagues with room"],
            loc="outside lower left",
            frameon=False,
            ncols=min(2, size.columns),
        )
        _clean(axes, title, size)
        return to_svg(figure)


def ranked_svg(rows: list[tuple[str, int]], *, title: str, counted: str, size: Size = WIDE) -> bytes:
    """Horizontal bars, the first row on top: (label, count), each bar
    labelled with its count; `counted` names the axis."""
    if not rows:
        return _nothing(title, "Nothing to rank yet.")
    with styled():
        figure = _figure("ranked", len(rows), size)
        axes = figure.add_subplot()
        places = list(range(len(rows)))[::-1]
        bars = axes.barh(places, [count for _, count in rows], color=SHARE, height=0.62)
        _mark(bars, "row")
        _mark(axes.bar_label(bars, padding=4, color=TEXT), "row-label")
        axes.set_yticks(places, [_short(label, size) for label, _ in rows])
        axes.set_xlim(0, max([*(count for _, count in rows), 1]) * 1.2)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel(counted)
        _clean(axes, title, size)
        return to_svg(figure)


def _short(label: str, size: Size) -> str:
    """A label on two lines at most, as wide as the size allows; what does
    not fit ends in an ellipsis (the table holds it whole). A label given
    in lines keeps them, each cut to fit."""
    if "\n" in label:
        return "\n".join(_cut(part, size.label) for part in label.split("\n"))
    lines = textwrap.wrap(label, size.label, break_on_hyphens=False) or [""]
    if len(lines) > 2:
        lines = [lines[0], _cut(" ".join(lines[1:]), size.label)]
    return "\n".join(lines)


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


@dataclass(frozen=True)
class Spread:
    """One required series: its requirement and each person's share,
    (percent, below) with `below` compared exactly as the table does."""

    title: str
    required: int
    shares: list[tuple[int, bool]]


def bands(spread: Spread) -> list[tuple[int, int, int]]:
    """(band's lowest percent, people below the requirement, people not
    below) for each band of BAND points, 100% a band of its own."""
    counts = {low: [0, 0] for low in range(0, 101, BAND)}
    for percent, below in spread.shares:
        counts[min(percent // BAND * BAND, 100)][0 if below else 1] += 1
    return [(low, b, a) for low, (b, a) in counts.items()]


def spread_svg(spreads: list[Spread], *, title: str, size: Size = WIDE) -> bytes:
    """For each series, how many people attended which share of its
    meetings, in bands, with the requirement as a dashed line: those below
    it in the accent colour."""
    if not spreads:
        return _nothing(title, "No required series has held a meeting yet.")
    from matplotlib.lines import Line2D

    with styled():
        figure = _figure("spread", len(spreads), size)
        subplots = figure.subplots(len(spreads), 1, squeeze=False, sharex=True)[:, 0]
        for number, (axes, spread) in enumerate(zip(subplots, spreads, strict=True), start=1):
            found = bands(spread)
            lows = [low + BAND / 2 for low, _, _ in found]
            below = axes.bar(lows, [b for _, b, _ in found], width=BAND * 0.9, color=TARGET)
            met = axes.bar(lows, [a for _, _, a in found], width=BAND * 0.9, bottom=[b for _, b, _ in found])
            for bar in met:
                bar.set_color(SHARE)
            totals = [b + a for _, b, a in found]
            _mark(below, f"below-{number}")
            _mark(met, f"met-{number}")
            _mark(axes.bar_label(met, labels=[str(t) if t else "" for t in totals], padding=2), f"band-label-{number}")
            axes.set_ylim(0, max([*totals, 1]) * 1.25)
            axes.axvline(spread.required, color=TEXT, linewidth=1.5, linestyle=(0, (5, 3)))
            axes.set_title(
                f"{_cut(spread.title, 2 * size.label)}: {spread.required}% required", loc="left", fontsize=10
            )
            axes.yaxis.get_major_locator().set_params(integer=True)
            axes.set_ylabel("People")
            axes.spines[["top", "right"]].set_visible(False)
            axes.grid(axis="y", color=GRID, linewidth=0.8)
            axes.set_axisbelow(True)
        labels = ["Below the requirement", "At or above it", "The requirement"]
        line = Line2D([], [], color=TEXT, linewidth=1.5, linestyle=(0, (5, 3)))
        figure.legend([below, met, line], labels, loc="outside lower left", frameon=False, ncols=size.columns)
        ticks = list(range(0, 101, 2 * BAND)) + [100 + BAND]
        subplots[-1].set_xticks([t for t in ticks], [f"{t}%" if t <= 100 else "" for t in ticks])
        subplots[-1].set_xlim(0, 100 + BAND)
        subplots[-1].set_xlabel("Share of the series' meetings attended")
        figure.suptitle(_title(title, size), x=0.01, ha="left", fontsize=12)
        return to_svg(figure)
