"""Resident ID numbers (GB 11643-1999): the check character and the birth date."""
from __future__ import annotations

import re
from datetime import date

_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The check character that completes 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def birth_date(number: str) -> date | None:
    """The birth date an ID number encodes, or None when it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problems(number: str, today: date | None = None) -> list[str]:
    """Why `number` is not a valid ID number (empty when it is)."""
    number = number.strip().upper()
    if not _SHAPE.fullmatch(number):  # ASCII only: full-width digits would dodge duplicate checks
        return ["format"]
    found = []
    if number[17] != check_char(number[:17]):
        found.append("check_digit")
    born = birth_date(number)
    if born is None or born.year < 1900:
        found.append("birth_date")
    elif born > (today or date.today()):
        found.append("birth_date_future")
    return found
