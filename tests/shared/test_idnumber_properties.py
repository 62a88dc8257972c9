"""Properties of the GB 11643 MOD 11-2 check character, tried on many generated numbers.

The arithmetic behind them: with the check character worth 10 for X, a valid number has
sum(a[p] * 2**(17-p)) ≡ 1 (mod 11) over all 18 positions. Changing one digit by d (1..9) moves the
sum by d * 2**k, never 0 mod 11 since 11 is prime. Swapping different digits a, b at positions k
apart moves it by (a - b) * 2**m * (2**k - 1), which is 0 mod 11 only when 2**k ≡ 1, i.e. k = 10:
adjacent swaps are always caught, swaps ten places apart never are.
"""
from __future__ import annotations

from datetime import date

from hypothesis import assume, given, settings, strategies as st

from shared.idnumber import WEIGHTS, check_char, problems

TODAY = date(2025, 1, 1)
CHARS = "0123456789X"
MODEST = settings(max_examples=200, deadline=None)

prefixes = st.text(alphabet="0123456789", min_size=17, max_size=17)


@st.composite
def valid_numbers(draw) -> str:
    """A number problems() accepts: any region, a real past birth date, any serial."""
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    serial = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    first17 = f"{region}{born:%Y%m%d}{serial}"
    return first17 + check_char(first17)


def _swap(number: str, i: int, j: int) -> str:
    chars = list(number)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


@MODEST
@given(prefixes)
def test_exactly_one_check_character_completes_any_prefix(first17):
    """Of the eleven candidates 0-9 and X, exactly one passes the check, and it is check_char's."""
    passing = [c for c in CHARS if "check_digit" not in problems(first17 + c, TODAY)]
    assert passing == [check_char(first17)]


@MODEST
@given(valid_numbers())
def test_generated_numbers_are_valid(number):
    """The generator's numbers have no problems at all (so the other properties start from valid)."""
    assert problems(number, TODAY) == []


@MODEST
@given(valid_numbers(), st.integers(0, 17), st.sampled_from(CHARS))
def test_any_single_character_error_is_caught_by_the_check(number, position, replacement):
    """Changing one character of a valid number always breaks its check (or its format, for X)."""
    assume(replacement != number[position])
    changed = number[:position] + replacement + number[position + 1:]
    found = problems(changed, TODAY)
    if replacement == "X" and position < 17:
        assert found == ["format"]  # X only ever stands last
    else:
        assert "check_digit" in found


@MODEST
@given(valid_numbers(), st.integers(0, 16))
def test_an_adjacent_transposition_of_different_characters_is_caught(number, position):
    """Swapping two neighbouring different characters always makes the number invalid."""
    assume(number[position] != number[position + 1])
    found = problems(_swap(number, position, position + 1), TODAY)
    if number[17] == "X" and position == 16:
        assert found == ["format"]  # the X moved off the end
    else:
        assert "check_digit" in found


@MODEST
@given(valid_numbers(), st.lists(st.integers(0, 17), min_size=2, max_size=2, unique=True))
def test_a_transposition_of_digits_is_caught_unless_ten_places_apart(number, positions):
    """Swapping two different digits anywhere is caught, except ten places apart."""
    i, j = sorted(positions)
    assume(number[i] != number[j] and "X" not in (number[i], number[j]))
    caught = "check_digit" in problems(_swap(number, i, j), TODAY)
    assert caught is (j - i != 10)


@MODEST
@given(valid_numbers(), st.integers(0, 7))
def test_a_transposition_ten_places_apart_slips_through(number, i):
    """Ten places apart the weights are equal (2**10 ≡ 1 mod 11), so the check cannot see the swap."""
    assume(number[i] != number[i + 10] and "X" not in (number[i], number[i + 10]))
    assert "check_digit" not in problems(_swap(number, i, i + 10), TODAY)
    assert WEIGHTS[i] == (WEIGHTS[i + 10] if i + 10 < 17 else 1)  # position 18 (the check) weighs 1


@MODEST
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_lowercase_x_check_character_is_read_as_uppercase(first16):
    """A number whose check character is X is just as valid with x, and an invalid one as invalid."""
    # The last digit's weight (2) is invertible mod 11, so at most one digit makes the check X;
    # for one prefix in eleven the digit needed would be 10, and there is none.
    endings = [first16 + d for d in "0123456789" if check_char(first16 + d) == "X"]
    assume(endings)
    first17 = endings[0]
    assert problems(first17 + "x", TODAY) == problems(first17 + "X", TODAY)
    assert "check_digit" not in problems(first17 + "x", TODAY)
    wrong = first16 + str((int(first17[16]) + 1) % 10) + "x"
    assert "check_digit" in problems(wrong, TODAY)
    assert problems(wrong, TODAY) == problems(wrong.upper(), TODAY)
