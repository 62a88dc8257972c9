"""The pure rules of the wisher's consents: when a story may be told (a child's only with a
guardian's yes), how its doer is named, and who sees a phone the liaison told."""
from __future__ import annotations

import pytest

from services.matching.reveal.rules import reveal_problem, shows_phone
from services.matching.stories.rules import SOMEONE, is_story, public_name, publicity_counts


@pytest.mark.parametrize("consents, counts", [
    ({"publicity": True, "given_by": "self", "minor": False}, True),
    ({"publicity": True, "given_by": "relative", "minor": False}, True),
    ({"publicity": True, "given_by": "guardian", "minor": True}, True),
    ({"publicity": True, "given_by": "relative", "minor": True}, False),  # a child, no guardian
    ({"publicity": True, "given_by": "self", "minor": True}, False),
    ({"publicity": True, "minor": True}, False),
    ({"publicity": False, "given_by": "guardian", "minor": True}, False),
    ({"publicity": "yes", "given_by": "self", "minor": False}, False),  # only a real yes
    ({}, False), (None, False),
])
def test_publicity_counts_only_as_the_law_lets_it(consents, counts):
    assert publicity_counts(consents) is counts


def test_only_a_confirmed_deed_with_the_consent_is_a_story():
    assert is_story(True, "confirmed")
    assert not is_story(False, "confirmed")
    assert not any(is_story(True, s) for s in ("claimed", "fulfilled", "released"))


def test_the_doer_is_masked_unless_an_organisation():
    assert public_name("person", "张建国") == "张**"
    assert public_name("organisation", "浦东财务公司党支部") == "浦东财务公司党支部"
    assert public_name("person", "李红梅", team=True) == "李**等帮帮团成员"
    assert public_name(None, None) == SOMEONE


def test_the_phone_is_told_only_with_consent_to_an_active_claim_and_seen_by_its_claimer():
    assert reveal_problem(False, "claimed") == "no_phone_consent"
    assert reveal_problem(True, "confirmed") == "claim_not_active"
    assert reveal_problem(True, "released") == "claim_not_active"
    assert reveal_problem(True, "claimed") is None and reveal_problem(True, "fulfilled") is None
    assert shows_phone("m-1", "m-1", "fulfilled", {"m-1"})
    assert not shows_phone("m-2", "m-1", "claimed", {"m-1"})  # another who serves, say
    assert not shows_phone("m-1", "m-1", "claimed", set())  # not told yet
    assert not shows_phone("m-1", "m-1", "confirmed", {"m-1"})  # gone after confirmation
    assert not shows_phone("m-1", "m-1", "released", {"m-1"})
