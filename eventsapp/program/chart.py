"""The weekly share of interns with a mentor as an SVG line chart, drawn on
the server by matplotlib, with the target beside it. The SVG holds no
script: it is shown as an image, its numbers in the table beside it."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

from eventsapp.program.year import Week

#: The app's colours (static/css/app.css): the share, then the target.
SHARE, TARGET, TEXT, GRID = "#0f5e63", "#b4540a", "#1f2a30", "#d5dee2"
STYLE = {
    # Text stays text (smaller, and selectable); ids are the same each time.
    "svg.fonttype": "none",
    "svg.hashsalt": "program-charts",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
    "font.size": 10,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
}
#: matplotlib's settings are one dictionary for the whole process: two
#: threads drawing at once would each put back the other's, and a chart
#: could come out with its words as shapes. One chart is drawn at a time.
_DRAWING = threading.Lock()


@contextmanager
def styled(salt: str = "program-charts"):
    """matplotlib with the app's style, for one chart at a time: imported
    here, when a chart is drawn, so that no other page, command or worker
    waits for it (about a second)."""
    import matplotlib

    with _DRAWING, matplotlib.rc_context(STYLE | {"svg.hashsalt": salt}):
        yield


#: At most this many dates along the bottom.
X_LABELS = 8


#: A line chart's width and height in inches: on a screen, and on a phone
#: (narrower, with words as large, so that they stay readable).
WIDE_LINE, PHONE_LINE = (7.2, 3.6), (3.9, 3.3)


def weeks_svg(weeks: list[Week], *, title: str, day_label, phone: bool = False) -> bytes:
    """The chart as SVG bytes; `day_label` names a week by its last day."""
    with styled():
        from matplotlib.figure import Figure
        from matplotlib.ticker import PercentFormatter

        figure = Figure(figsize=PHONE_LINE if phone else WIDE_LINE, layout="constrained")
        axes = figure.add_subplot()
        numbers = [week.number for week in weeks]
        shares = [float("nan") if week.share is None else week.share for week in weeks]
        axes.plot(numbers, shares, color=SHARE, linewidth=2.5, marker="o", markersize=3, label="Interns with a mentor")
        axes.plot(
            numbers, [w.target for w in weeks], color=TARGET, linewidth=1.8, linestyle=(0, (6, 4)), label="Target"
        )
        every = max(1, -(-len(weeks) // (X_LABELS // 2 if phone else X_LABELS)))
        shown = weeks[::every]
        axes.set_xticks([week.number for week in shown], [day_label(week) for week in shown])
        axes.set_xlim(0.5, max(numbers) + 0.5)
        axes.set_ylim(0, 100)
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, loc="left", fontsize=12)
        # Below the plot, where it never hides a week's point.
        axes.legend(loc="upper left", frameon=False, ncols=2, bbox_to_anchor=(0, -0.1))
        return to_svg(figure)


def to_svg(figure) -> bytes:
    """The figure as SVG bytes with no date or maker in them, so that the
    same numbers always give the same bytes (call inside `styled`)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


#: The series chart's colours: going, checked in, the show rate.
GOING, CAME, RATE = "#9fc4c7", "#0f5e63", "#b4540a"


def series_svg(
    labels: list[str], going: list[int], came: list[int | None], rates: list[int | None], *, title: str, phone=False
):
    """A series' meetings as SVG bytes: going and checked in as bars, the
    show rate as a line on its own axis (None: not held, no mark)."""
    with styled("organized-series"):
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator, PercentFormatter

        figure = Figure(figsize=PHONE_LINE if phone else WIDE_LINE, layout="constrained")
        axes = figure.add_subplot()
        places = list(range(len(labels)))
        axes.bar([p - 0.2 for p in places], going, width=0.4, color=GOING, label="Going")
        axes.bar([p + 0.2 for p in places], [c or 0 for c in came], width=0.4, color=CAME, label="Checked in")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("People")
        every = max(1, -(-len(labels) // (X_LABELS // 2 if phone else X_LABELS)))
        axes.set_xticks(places[::every], labels[::every])
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.spines[["top"]].set_visible(False)
        share = axes.twinx()
        share.plot(places, [float("nan") if r is None else r for r in rates], color=RATE, marker="o", label="Show rate")
        share.set_ylim(0, max([100, *(r for r in rates if r is not None)]) * 1.05)
        share.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        share.spines[["top"]].set_visible(False)
        axes.set_title(title, loc="left", fontsize=12)
        handles = axes.get_legend_handles_labels()[0] + share.get_legend_handles_labels()[0]
        axes.legend(handles=handles, loc="upper left", frameon=False, ncols=2 if phone else 3, bbox_to_anchor=(0, -0.1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
