"""The weekly share of interns with a mentor as an SVG line chart, drawn on
the server by pygal, with the target beside it. The SVG holds no script: it
is shown as an image, its numbers in the table beside it."""

from __future__ import annotations

import pygal
from pygal.etree import etree
from pygal.style import Style

from eventsapp.program.year import Week

#: The app's colours (static/css/app.css): the share, then the target.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2a30",
    foreground_strong="#1f2a30",
    foreground_subtle="#5b6b73",
    colors=("#0f5e63", "#b4540a"),
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    guide_stroke_color="#d5dee2",
    major_guide_stroke_color="#d5dee2",
)


def weeks_svg(weeks: list[Week], *, title: str, day_label) -> bytes:
    """The chart as SVG bytes; `day_label` names a week by its last day."""
    chart = pygal.Line(
        js=[],
        style=STYLE,
        width=720,
        height=360,
        range=(0, 100),
        include_x_axis=True,
        legend_at_bottom=True,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(weeks) // 8),
        truncate_label=-1,
        value_formatter=lambda value: f"{value:.0f}%",
        print_values=False,
        disable_xml_declaration=True,
        no_data_text="No interns yet",
    )
    chart.title = title
    chart.x_labels = [day_label(week) for week in weeks]
    chart.add("Interns with a mentor", [week.share for week in weeks], stroke_style={"width": 3})
    chart.add(
        "Target", [week.target for week in weeks], stroke_style={"width": 2, "dasharray": "6, 4"}, show_dots=False
    )
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8")
