"""Verification's fixtures: its database, the handler as the worker builds it, wishes it decided."""
from __future__ import annotations

import pytest

from services.verification import handlers, policy
from services.verification.registry import TableRegistry
from shared.pii import Sealer
from tests.factories import STREET, wish_submitted
from tests.helpers import person_id


@pytest.fixture
def db(make_db):
    return make_db("verification")


@pytest.fixture
def verify(db_settings):
    """The handler as the worker builds it, over the imported allowance table."""
    hash_key = db_settings.pii_hash_key
    return handlers.make_verify(Sealer(db_settings.pii_keys), hash_key, policy.load(),
                                lambda db: TableRegistry(db, hash_key))


class Decided:
    """decided(serial, wisher changes, **wish changes): a wish through the real rules; its id."""

    def __init__(self, db_settings, db, verify):
        self.settings, self.db, self.verify = db_settings, db, verify

    def __call__(self, serial: int, wisher: dict | None = None, **wish) -> str:
        # Each serial is a wisher of their own (one wish a person a round) in a house of their own.
        event = wish_submitted(self.settings, wisher={
            "id_number": person_id(serial, "19500918"), "address": STREET.format(serial),
            **(wisher or {})}, **wish)
        with self.db.uow() as unit:
            self.verify(unit, event)
            unit.commit()
        return event.payload.wish_id

    def near_threshold(self, serial: int, **wish) -> str:
        """Per capita 1300 a month against 川汇区's 1250: left to the desk (income_near_threshold)."""
        return self(serial, {"household_size": 2, "household_monthly_income": 2600}, **wish)

    def gift_card(self, serial: int) -> str:
        """A gift card is no micro-wish: the rules reject it."""
        return self(serial, title="想要一张购物卡", description="过年想给家里买点东西，想要一张超市购物卡。")


@pytest.fixture
def decided(db_settings, db, verify) -> Decided:
    return Decided(db_settings, db, verify)
