"""Every route of every service is reached through the gateway's prefixes (the all-in-one's
dispatcher, which nginx mirrors): a route its prefix sends to another service is a 404 nobody
would see in that service's own tests."""
from __future__ import annotations

import re

from services import allinone
from services.worker import service_module
from shared.settings import SERVICES


def test_each_route_is_dispatched_to_a_service_that_serves_it(db_settings, make_db):
    apps = {s: service_module(s).create_app(db_settings, make_db(s)) for s in SERVICES}
    dispatcher = allinone.PrefixDispatcher(apps)
    lost = []
    for service, app in apps.items():
        for rule in app.url_map.iter_rules():
            path = re.sub(r"<[^>]+>", "x", rule.rule)
            reached = dispatcher.app_for(path)
            if rule.rule not in {r.rule for r in reached.url_map.iter_rules()}:
                lost.append((service, rule.rule))
    assert lost == [], lost
