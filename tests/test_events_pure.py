"""The pure parts of events: recurrence, descriptions, times for people, CSV."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from eventsapp.attendance.csvexport import neutralise, to_csv
from eventsapp.events import recurrence
from eventsapp.events.recurrence import Recurrence, RecurrenceError
from eventsapp.events.text import render_description
from eventsapp.events.timefmt import format_span

NY = "America/New_York"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_weekly_meeting_keeps_its_local_time_across_daylight_saving():
    starts = recurrence.occurrence_starts(
        datetime(2026, 10, 20, 7, 30), NY, Recurrence("weekly", 1, date(2026, 11, 10))
    )
    assert [s.astimezone(UTC).strftime("%m-%d %H:%M") for s in starts] == [
        "10-20 11:30",
        "10-27 11:30",
        "11-03 12:30",
        "11-10 12:30",
    ]


def test_every_two_weeks_until_a_date_inclusive():
    starts = recurrence.occurrence_starts(datetime(2026, 12, 1, 17, 0), NY, Recurrence("weekly", 2, date(2026, 12, 29)))
    assert [s.day for s in starts] == [1, 15, 29]


def test_monthly_on_the_first_tuesday():
    starts = recurrence.occurrence_starts(datetime(2026, 12, 1, 7, 0), NY, Recurrence("monthly", 1, date(2027, 3, 31)))
    assert [s.date().isoformat() for s in starts] == ["2026-12-01", "2027-01-05", "2027-02-02", "2027-03-02"]


def test_monthly_on_a_fifth_weekday_means_the_last_one():
    first = datetime(2026, 12, 29, 7, 0)  # the fifth Tuesday of December
    starts = recurrence.occurrence_starts(first, NY, Recurrence("monthly", 1, date(2027, 2, 28)))
    assert [s.date().isoformat() for s in starts] == ["2026-12-29", "2027-01-26", "2027-02-23"]
    assert "BYDAY=-1TU" in recurrence.rrule_text(first, NY, Recurrence("monthly", 1, date(2027, 2, 28)))


def test_stored_rule_expands_to_the_same_meetings_in_another_reader():
    first, rule = datetime(2026, 10, 6, 7, 30), Recurrence("weekly", 1, date(2027, 3, 30))
    ours = recurrence.occurrence_starts(first, NY, rule)
    text = recurrence.rrule_text(first, NY, rule)
    assert text.endswith("Z") and "UNTIL=20270331T035959Z" in text
    theirs = list(rrulestr(text, dtstart=first.replace(tzinfo=ZoneInfo(NY))))
    assert [t.astimezone(UTC) for t in theirs] == [o.astimezone(UTC) for o in ours]


def test_rules_describe_themselves_in_words():
    assert (
        recurrence.describe(datetime(2026, 12, 1, 7, 30), Recurrence("weekly", 1, date(2027, 6, 30)))
        == "Every Tuesday until 30 Jun 2027"
    )
    assert (
        recurrence.describe(datetime(2026, 12, 1), Recurrence("monthly", 2, date(2027, 6, 30)))
        == "Every 2 months on the first Tuesday until 30 Jun 2027"
    )


@pytest.mark.parametrize(
    "rule, message",
    [
        (Recurrence("weekly", 1, date(2026, 11, 1)), "must not be before"),
        (Recurrence("weekly", 0, date(2027, 1, 1)), "1 to 12"),
        (Recurrence("weekly", 1, date(2030, 1, 1)), "at most 120"),
        (Recurrence("daily", 1, date(2027, 1, 1)), "weekly or monthly"),
    ],
)
def test_impossible_rules_are_explained(rule, message):
    with pytest.raises(RecurrenceError, match=message):
        recurrence.occurrence_starts(datetime(2026, 12, 1, 7, 30), NY, rule)


def test_description_becomes_paragraphs_with_clickable_links_and_nothing_else():
    html = str(
        render_description(
            "Hello <b>team</b> & friends\nsecond line\n\nSlides: https://x.example/a?b=1&c=2. "
            '<script>alert(1)</script> javascript:alert(1) "https://evil.example/" onmouseover=x'
        )
    )
    assert html.startswith("<p>Hello &lt;b&gt;team&lt;/b&gt; &amp; friends<br>\nsecond line</p>\n<p>")
    assert '<a href="https://x.example/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">' in html
    assert "</a>." in html  # the full stop stays outside the link
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert html.count("<a ") == 2


def test_wikipedia_style_links_keep_their_parentheses():
    html = str(render_description("See https://en.wikipedia.org/wiki/Heart_(disambiguation)."))
    assert 'href="https://en.wikipedia.org/wiki/Heart_(disambiguation)"' in html


NOW = utc(2026, 11, 25, 12)


@pytest.mark.parametrize(
    "start, end, all_day, viewer, expected",
    [
        (utc(2026, 12, 1, 12, 30), utc(2026, 12, 1, 13, 30), False, NY, "Tue 1 Dec, 07:30–08:30"),
        (utc(2026, 12, 1, 12, 30), utc(2026, 12, 1, 13, 30), False, "Europe/London", "Tue 1 Dec, 12:30–13:30"),
        (utc(2027, 1, 5, 12, 30), utc(2027, 1, 5, 13, 30), False, NY, "Tue 5 Jan 2027, 07:30–08:30"),
        (utc(2026, 12, 18, 5), utc(2026, 12, 20, 5), True, "Asia/Tokyo", "Fri 18 Dec – Sat 19 Dec"),
        (utc(2026, 12, 18, 5), utc(2026, 12, 19, 5), True, NY, "Fri 18 Dec (all day)"),
        (utc(2026, 12, 1, 23), utc(2026, 12, 2, 2), False, NY, "Tue 1 Dec, 18:00 – Tue 1 Dec, 21:00"),
    ],
)
def test_times_are_written_for_people_in_their_zone(start, end, all_day, viewer, expected):
    got = format_span(start, end, all_day=all_day, event_zone=NY, viewer_zone=viewer, now=NOW)
    assert got == expected.replace("Tue 1 Dec, 18:00 – Tue 1 Dec, 21:00", "Tue 1 Dec, 18:00–21:00")


@pytest.mark.parametrize(
    "cell, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ana", "Ana"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_csv_quotes_commas_and_newlines():
    text = to_csv(["Name", "Note"], [["Lee, Kim", "line1\nline2"], ["=1+1", "ok"]])
    assert text.splitlines()[0] == "Name,Note"
    assert '"Lee, Kim","line1\nline2"' in text and "'=1+1,ok" in text


def test_times_the_clocks_skip_or_repeat_are_placed_as_calendars_place_them_and_explained():
    from zoneinfo import ZoneInfo

    from eventsapp.events.wallclock import place_span

    lord_howe = ZoneInfo("Australia/Lord_Howe")  # clocks move by half an hour
    skipped = place_span(datetime(2027, 10, 3, 2, 10), datetime(2027, 10, 3, 3, 0), lord_howe)
    assert skipped.notes == (
        "02:10 does not exist on Sunday 3 October 2027 in Lord Howe (clocks go forward): it would be 02:40–03:30.",
    )
    assert skipped.ends_at - skipped.starts_at == timedelta(minutes=50)
    twice = place_span(datetime(2027, 4, 4, 1, 40), datetime(2027, 4, 4, 3, 0), lord_howe)
    assert twice.notes == (
        "01:40 happens twice on Sunday 4 April 2027 in Lord Howe (clocks go back): "
        "it would be the first 01:40 (UTC+11), 01:40–03:00.",
    )
    santiago = place_span(datetime(2027, 9, 5, 0, 0), datetime(2027, 9, 5, 1, 0), ZoneInfo("America/Santiago"))
    assert "00:00 does not exist" in santiago.notes[0] and "it would be 01:00–02:00." in santiago.notes[0]
    assert place_span(datetime(2027, 3, 14, 2, 30), datetime(2027, 3, 14, 3, 15), ZoneInfo("Asia/Kolkata")).notes == ()
