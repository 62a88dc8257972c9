"""Resident ID numbers: check character, birth date and format (GB 11643-1999)."""
from __future__ import annotations

import random
from datetime import date

import pytest

from shared.idnumber import check_char, problems

VALID = "11010519491231002X"


def test_well_known_example_is_valid():
    """The standard's own example number has no problems."""
    assert problems(VALID) == []


def test_wrong_check_char_is_reported():
    """A wrong final character is a check-digit problem."""
    assert problems(VALID[:17] + "5") == ["check_digit"]


def test_impossible_birth_date_is_reported():
    """19490230 (30 February) is not a real birth date."""
    first17 = "110105" + "19490230" + "002"
    assert problems(first17 + check_char(first17)) == ["birth_date"]


def test_future_birth_date_is_reported():
    """A birth date after `today` is refused."""
    first17 = "110105" + "20300101" + "002"
    number = first17 + check_char(first17)
    assert problems(number, today=date(2025, 1, 1)) == ["birth_date_future"]
    assert problems(number, today=date(2030, 1, 2)) == []


@pytest.mark.parametrize("number", [VALID[:17], VALID + "0", "", "1101051949123100XX"])
def test_wrong_length_or_shape_is_a_format_problem(number):
    """Anything but 17 digits and a check character is a format problem."""
    assert problems(number) == ["format"]


def test_lowercase_x_is_accepted():
    """A lowercase x check character counts as X."""
    assert problems(VALID.lower()) == []


def test_exactly_one_check_char_completes_any_17_digits():
    """For random 17-digit prefixes, exactly one of 0-9 and X passes the check-digit test."""
    rng = random.Random(11643)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        passing = [c for c in "0123456789X" if "check_digit" not in problems(first17 + c)]
        assert passing == [check_char(first17)]


def test_full_width_digits_are_a_format_problem():
    """Full-width digits are not a resident ID number."""
    full_width = VALID[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "X"
    assert problems(full_width) == ["format"]


def test_superscript_digits_are_a_format_problem_not_a_crash():
    """Characters str.isdigit() accepts but int() refuses give "format", not an exception."""
    assert problems("²" * 18) == ["format"]
