"""Matching's application factory and its message handlers."""
from __future__ import annotations

from services.matching import api, claims, members, pages
from services.matching.models import Base
from shared import topology
from shared.consumer import Handler
from shared.settings import from_env
from shared.web import make_app

SERVICE = "matching"
METADATA = Base.metadata


def create_app(settings=None, db=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app


def handlers(settings) -> list[Handler]:
    return [Handler(topology.queue("matching.wish-verified"), claims.publish),
            Handler(topology.queue("matching.wish-erased"), claims.erase),
            Handler(topology.queue("matching.members"), members.keep)]
