"""Deterministic synthetic subscribers of the network (no real person is in them).

``python benchmarks/synth.py --rows 100000 > big.csv`` streams a CSV of that many rows;
``--example`` writes ``subscribers/example.csv``: about 300 members plus a handful of invalid
rows that show off the import's error report.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from typing import TextIO

COUNTRIES = {
    # country: (weight, languages, first names, last names)
    "AZ": (
        14,
        ["az", "ru", "en"],
        ["Elvin", "Leyla", "Rashad", "Aynur", "Tural", "Nigar"],
        ["Aliyev", "Mammadova", "Huseynov", "Hasanova", "Guliyev"],
    ),
    "BY": (
        12,
        ["be", "ru"],
        ["Аляксей", "Вольга", "Дзмітрый", "Алена", "Павел"],
        ["Коваль", "Шаўчук", "Новік", "Бондар", "Мельнік"],
    ),
    "GE": (
        16,
        ["ka", "en", "ru"],
        ["გიორგი", "ნინო", "Levan", "Tamar", "დავით", "Mariam"],
        ["Beridze", "კაპანაძე", "Gelashvili", "ლომიძე", "Tsiklauri"],
    ),
    "KG": (
        12,
        ["ky", "ru"],
        ["Азамат", "Айгерим", "Bakyt", "Cholpon", "Нурлан"],
        ["Токтогулов", "Asanova", "Omurbekov", "Жээнбекова"],
    ),
    "MK": (
        10,
        ["mk", "en"],
        ["Марко", "Ана", "Stefan", "Elena", "Бојан"],
        ["Стојановски", "Petrovska", "Nikolovski", "Иванова"],
    ),
    "RS": (
        14,
        ["sr", "sr-Latn", "en"],
        ["Miloš", "Јелена", "Nikola", "Ivana", "Душан"],
        ["Jovanović", "Петровић", "Nikolić", "Ђорђевић", "Marković"],
    ),
    "TM": (
        8,
        ["tk", "ru"],
        ["Merdan", "Ogulgerek", "Batyr", "Aýna", "Serdar"],
        ["Orazow", "Annaýewa", "Berdiýew", "Gurbanowa"],
    ),
    "UA": (4, ["uk", "ru", "en"], ["Олена", "Taras", "Ірина"], ["Шевченко", "Kovalenko"]),
    "MD": (3, ["ro", "ru"], ["Ion", "Maria"], ["Rusu", "Ceban"]),
    "AM": (3, ["hy", "ru", "en"], ["Armen", "Անի"], ["Petrosyan", "Հակոբյան"]),
    "KZ": (2, ["kk", "ru"], ["Ержан", "Aigul"], ["Seitkali", "Нурланова"]),
    "DE": (1, ["en", "de"], ["Jonas", "Anna"], ["Becker", "Schmidt"]),
    "US": (1, ["en"], ["Michael", "Sarah"], ["Johnson", "Lee"]),
}
INTERESTS = [
    "fatherhood",
    "violence prevention",
    "gender norms",
    "sexual and reproductive health",
    "youth engagement",
    "caregiving",
    "harmful practices",
    "policy advocacy",
    "research",
    "training",
]
ORG_TYPES = ["ngo", "government", "un agency", "academia", "civil society", "media"]
DOMAINS = ["example.org", "example.net", "example.com", "mail.example", "пример.испытание"]
HEADER = ["email", "name", "country", "language", "interests", "organisation", "org_type"]


def rows(count: int, seed: int = 2016) -> Iterator[list[str]]:
    """``count`` valid rows with unique addresses, the same for the same seed."""
    rng = random.Random(seed)
    countries = list(COUNTRIES)
    weights = [COUNTRIES[c][0] for c in countries]
    for i in range(count):
        country = rng.choices(countries, weights)[0]
        _, languages, firsts, lasts = COUNTRIES[country]
        first, last = rng.choice(firsts), rng.choice(lasts)
        domain = DOMAINS[i % len(DOMAINS)] if i < 1000 else DOMAINS[i % 4]
        email = f"member{i:07d}.{country.lower()}@{domain}"
        interests = ";".join(rng.sample(INTERESTS, rng.choice([0, 1, 1, 2, 2, 3])))
        language = rng.choice(languages) if rng.random() > 0.05 else ""
        org = f"{rng.choice(['Centre', 'Network', 'Initiative', 'Foundation'])} {i % 97}"
        yield [email, f"{first} {last}", country, language, interests, org, rng.choice(ORG_TYPES)]


INVALID_ROWS = [
    ["ivan.petrov@", "Ivan Petrov", "BY", "ru", "fatherhood", "", ""],
    ["not an address", "Anna", "GE", "ka", "", "", ""],
    ["lela@example.org", "Lela", "Atlantis", "ka", "research", "", ""],
    ["samir@example.org", "Samir", "AZ", "english", "", "", ""],
    ["", "Nobody", "KG", "ky", "", "", ""],
]
SHOWCASE_ROWS = [
    # the same person as the first generated row, typed in another case: an update, not a duplicate
    ["MEMBER0000000.{cc}@EXAMPLE.ORG", "", "", "", "training", "", ""],
    # a country by alpha-3 and by English name; a language tag in another spelling
    ["aida@example.net", "Aida Bekova", "KGZ", "ky", "youth engagement", "", "ngo"],
    ["goran@example.net", "Goran Ilić", "North Macedonia", "mk", "fatherhood", "", "ngo"],
    ["vesna@example.net", "Vesna Lukić", "rs", "sr_latn", "gender norms", "", "academia"],
    # a name a spreadsheet would run as a formula: stored as typed, exported with a leading '
    ["formula@example.com", '=HYPERLINK("http://evil.example")', "GE", "en", "", "", ""],
]


def write_example(out: TextIO, members: int = 295) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    generated = list(rows(members))
    first_country = generated[0][2].lower()
    for i, row in enumerate(generated):
        writer.writerow(row)
        if i % 60 == 30 and INVALID_ROWS:
            writer.writerow(INVALID_ROWS[(i // 60) % len(INVALID_ROWS)])
    for row in SHOWCASE_ROWS:
        writer.writerow([cell.replace("{cc}", first_country) for cell in row])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--example", action="store_true", help="write subscribers/example.csv")
    args = parser.parse_args()
    if args.example:
        with open("subscribers/example.csv", "w", encoding="utf-8", newline="") as out:
            write_example(out)
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(args.rows, args.seed))


if __name__ == "__main__":
    main()
