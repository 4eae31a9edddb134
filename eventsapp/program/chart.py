"""The weekly share of interns with a mentor as an SVG line chart, drawn on
the server by matplotlib, with the target beside it. The SVG holds no
script: it is shown as an image, its numbers in the table beside it."""

from __future__ import annotations

import io

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
#: At most this many dates along the bottom.
X_LABELS = 8


def weeks_svg(weeks: list[Week], *, title: str, day_label) -> bytes:
    """The chart as SVG bytes; `day_label` names a week by its last day.
    matplotlib is imported here, when a chart is drawn: it takes about a
    second, which no other page, command or worker should wait for."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.2, 3.6), layout="constrained")
        axes = figure.add_subplot()
        numbers = [week.number for week in weeks]
        shares = [float("nan") if week.share is None else week.share for week in weeks]
        axes.plot(numbers, shares, color=SHARE, linewidth=2.5, marker="o", markersize=3, label="Interns with a mentor")
        axes.plot(
            numbers, [w.target for w in weeks], color=TARGET, linewidth=1.8, linestyle=(0, (6, 4)), label="Target"
        )
        every = max(1, -(-len(weeks) // X_LABELS))
        shown = weeks[::every]
        axes.set_xticks([week.number for week in shown], [day_label(week) for week in shown])
        axes.set_xlim(0.5, max(numbers) + 0.5)
        axes.set_ylim(0, 100)
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, loc="left", fontsize=12)
        axes.legend(loc="lower right", frameon=False)
        return to_svg(figure)


def to_svg(figure) -> bytes:
    """The figure as SVG bytes with no date or maker in them, so that the
    same numbers always give the same bytes (call inside STYLE)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
