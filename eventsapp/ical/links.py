"""'Add to Google Calendar' and 'Add to Outlook' links. Pure."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

DETAILS_MAX = 1500  # keep the link short enough for every browser


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def google_url(*, title: str, starts_at: datetime, ends_at: datetime, all_day: bool, zone: str,
               details: str, location: str) -> str:
    if all_day:
        tz = ZoneInfo(zone)
        dates = f"{starts_at.astimezone(tz):%Y%m%d}/{ends_at.astimezone(tz):%Y%m%d}"
    else:
        dates = f"{_utc(starts_at)}/{_utc(ends_at)}"
    query = {"action": "TEMPLATE", "text": title, "dates": dates, "details": details[:DETAILS_MAX],
             "location": location}
    if not all_day:
        query["ctz"] = zone
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_url(*, title: str, starts_at: datetime, ends_at: datetime, all_day: bool, zone: str,
                details: str, location: str) -> str:
    if all_day:
        tz = ZoneInfo(zone)
        start, end = starts_at.astimezone(tz).date().isoformat(), ends_at.astimezone(tz).date().isoformat()
    else:
        start = starts_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = ends_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title, "startdt": start,
             "enddt": end, "body": details[:DETAILS_MAX], "location": location}
    if all_day:
        query["allday"] = "true"
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
