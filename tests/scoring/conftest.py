"""What scoring's tests share: scoring's own database (a fresh schema each test)."""
from __future__ import annotations

import pytest


@pytest.fixture
def db(make_db):
    return make_db("scoring")
