"""Eligibility rules: decisions on realistic wishers, with Chinese reasons."""
from __future__ import annotations

import re
from datetime import date

from shared.idnumber import check_char
from services.verification.rules import RuleResult, decide

TODAY = date(2025, 6, 1)


def _id_number(birth: str = "19520314", serial: str = "001") -> str:
    first17 = f"410102{birth}{serial}"
    return first17 + check_char(first17)


def _wisher(id_number: str) -> dict:
    return {"name": "李景荣", "id_number": id_number, "phone": "13803941234"}


def test_valid_wisher_is_verified():
    """A correct ID number passes the one identity rule."""
    decision = decide(_wisher(_id_number()), TODAY)
    assert decision.verified
    assert decision.results == [RuleResult("identity", True)]
    assert decision.reasons == []


def test_bad_check_digit_is_rejected_with_a_chinese_reason():
    """A wrong check character rejects the wish with code id_check_digit and a Chinese message."""
    good = _id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    decision = decide(_wisher(bad), TODAY)
    assert not decision.verified
    assert decision.reasons[0]["code"] == "id_check_digit"
    assert re.search(r"[\u4e00-\u9fff]", decision.reasons[0]["message"])


def test_future_birth_date_is_rejected():
    """A child born after `today` is rejected with id_birth_date_future."""
    decision = decide(_wisher(_id_number("20250701")), TODAY)
    assert not decision.verified
    assert [r["code"] for r in decision.reasons] == ["id_birth_date_future"]


def test_explain_lists_the_identity_rule():
    """explain() records every rule run, by name, with its outcome."""
    explained = decide(_wisher(_id_number()), TODAY).explain()
    assert [e["rule"] for e in explained] == ["identity"]
    assert explained[0]["passed"] is True
