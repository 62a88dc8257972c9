"""Matching's composition root: the app and its blueprints, and what it consumes from the bus."""
from __future__ import annotations

from services.matching import communities, config as matching_config, errors, members
from services.matching.claims import http as claims_http
from services.matching.models import Base
from services.matching.publication import handlers as publication
from services.matching.web import http as wall_http, pages
from shared import topology
from shared.consumer import Handler
from shared.settings import from_env
from shared.web import make_app

SERVICE = "matching"
METADATA = Base.metadata
BLUEPRINTS = (wall_http.bp, claims_http.bp, pages.bp)


def create_app(settings=None, db=None, config=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db, errors.HTTP_STATUS,
                   config or matching_config.from_env())
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def handlers(settings) -> list[Handler]:
    """Queue → handler: every message matching takes from the bus."""
    return [Handler(topology.queue("matching.wish-verified"), publication.on_verified,
                    prefetch=publication.prefetch_verified),
            Handler(topology.queue("matching.wish-erased"), publication.on_erased),
            Handler(topology.queue("matching.members"), members.keep),
            Handler(topology.queue("matching.communities"), communities.keep)]
