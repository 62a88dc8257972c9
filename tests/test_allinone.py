"""The all-in-one default (memory:// and SQLite): demo wishes travel the whole way to points."""
from __future__ import annotations

import pytest
from werkzeug.test import Client

from services import demo
from services.allinone import AllInOne
from shared.settings import from_env
from tests.helpers import wait_for


@pytest.fixture
def platform(tmp_path):
    p = AllInOne(from_env({"MICROWISH_VAR_DIR": str(tmp_path)}).with_overrides(
        relay_idle_seconds=0.05))
    p.migrate()
    p.start()
    yield p
    p.stop()


def test_demo_wish_goes_from_seed_to_points_in_one_process(platform):
    assert demo.seed(platform.dbs["intake"], platform.settings) == len(demo.WISHES)
    assert demo.seed(platform.dbs["intake"], platform.settings) == 0  # seeding twice adds nothing
    client = Client(platform.wsgi)
    wall = wait_for(lambda: (items := client.get("/api/v1/wishes").json["items"])
                    and len(items) == len(demo.WISHES) and items, what="demo wishes on the wall")
    assert all("*" in w["wisher"] for w in wall)

    wish = wall[0]
    claim = client.post(f"/api/v1/wishes/{wish['id']}/claims", json={"member_id": "m-1"}).json
    client.post(f"/api/v1/claims/{claim['id']}/fulfilment", json={"note": "已送达"})
    client.post(f"/api/v1/claims/{claim['id']}/confirmation", json={})
    wait_for(lambda: client.get("/api/v1/points/m-1").json["total"] == 1, what="a point awarded")
    wait_for(lambda: client.get(f"/api/v1/submissions/{wish['id']}").json["status"] == "confirmed",
             what="intake follows the wish to confirmed")
    review = client.get(f"/api/v1/reviews/{wish['id']}").json
    assert review["decision"] == "verified" and review["rules"][0]["rule"] == "identity"
