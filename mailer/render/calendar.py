"""An event item as an iCalendar file (RFC 5545), made with the ``icalendar`` package.

The file is the same for every reader: no personal data, one ``UID`` per issue and item, so a
calendar that imports it again updates the event instead of adding a second one (``SEQUENCE``
is the revision number the file was made from). Times carry the organiser's zone (``TZID`` with
its ``VTIMEZONE``), so calendars show the event at the right moment wherever the reader is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar

from mailer.core.events import Event

PRODID = "-//mailer//newsletter events//EN"


def event_ics(
    *,
    uid: str,
    title: str,
    description: str,
    url: str,
    event: Event,
    stamp: datetime,
    sequence: int,
    language: str,
) -> bytes:
    """The ``.ics`` bytes of one event; ``stamp`` (naive UTC or aware) is when its text was
    written, so the file does not change between requests."""
    zone = ZoneInfo(event.timezone)
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp)
    vevent.add("sequence", sequence)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("summary", title, parameters={"LANGUAGE": language})
    vevent.add("description", description, parameters={"LANGUAGE": language})
    vevent.add("url", url)
    if event.registration:
        vevent.add("location", event.registration)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    # the zone's rules around the event only: the file stays a few hundred bytes
    year = event.start.year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return bytes(calendar.to_ical())
