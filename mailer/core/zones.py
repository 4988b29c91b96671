"""Which time zone a reader lives in, from their country: the zone an event's time is shown in.

One zone per country (ISO 3166-1 alpha-2): the network's countries, their neighbours and the
countries members travel from. Where a country has several zones, its capital's is taken
(Kazakhstan: Astana, which tzdata files under Asia/Almaty; Russia: Moscow), so a reader far
from the capital sees the capital's time; the organiser's time is always shown beside it.
Kosovo has no zone of its own in tzdata and keeps Belgrade's clock.
"""

from __future__ import annotations

COUNTRY_ZONES: dict[str, str] = {
    # the network
    "AZ": "Asia/Baku",
    "BY": "Europe/Minsk",
    "GE": "Asia/Tbilisi",
    "KG": "Asia/Bishkek",
    "MK": "Europe/Skopje",
    "RS": "Europe/Belgrade",
    "TM": "Asia/Ashgabat",
    # neighbours and members' partners
    "AF": "Asia/Kabul",
    "AL": "Europe/Tirane",
    "AM": "Asia/Yerevan",
    "AT": "Europe/Vienna",
    "BA": "Europe/Sarajevo",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CH": "Europe/Zurich",
    "CN": "Asia/Shanghai",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IR": "Asia/Tehran",
    "IT": "Europe/Rome",
    "KZ": "Asia/Almaty",
    "LT": "Europe/Vilnius",
    "LV": "Europe/Riga",
    "MD": "Europe/Chisinau",
    "ME": "Europe/Podgorica",
    "MN": "Asia/Ulaanbaatar",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "RO": "Europe/Bucharest",
    "RU": "Europe/Moscow",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "TJ": "Asia/Dushanbe",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
    "XK": "Europe/Belgrade",
}


def zone_of_country(country: str | None) -> str | None:
    """The IANA zone of a reader in ``country`` (two letters); None when unknown, and the
    reader is then shown the organiser's time only."""
    return COUNTRY_ZONES.get(country.upper()) if country else None
