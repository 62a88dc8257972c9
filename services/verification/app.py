"""Verification's composition root: the app and its blueprints, and what it consumes from the bus."""
from __future__ import annotations

from services.verification import config as verification_config, errors, handlers as on, policy
from services.verification import openapi
from services.verification.desk import http as desk_http, pages as desk_pages
from services.verification.models import Base
from services.verification.registry import registry_from
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.settings import from_env
from shared.web import make_app

SERVICE = "verification"
METADATA = Base.metadata


def create_app(settings=None, db=None, config=None):
    settings = settings or from_env()
    app = make_app(__name__, SERVICE, METADATA, settings, db, errors.HTTP_STATUS,
                   config or verification_config.from_env())
    app.extensions["microwish.sealer"] = Sealer(settings.pii_keys)
    app.register_blueprint(desk_http.bp)
    app.register_blueprint(desk_pages.bp)
    app.register_blueprint(openapi.bp)
    return app


def handlers(settings, config=None) -> list[Handler]:
    """Queue → handler: every message verification takes from the bus."""
    config = config or verification_config.from_env()
    registries = {}

    def registry_for(db):
        # One registry per database: the table one reads verification's own tables.
        if id(db) not in registries:
            registries[id(db)] = registry_from(config, settings.pii_hash_key, db)
        return registries[id(db)]

    verify = on.make_verify(Sealer(settings.pii_keys), settings.pii_hash_key, policy.current(),
                            registry_for)
    return [Handler(topology.queue("verification.wish-submitted"), verify, prefetch=verify.prefetch),
            Handler(topology.queue("verification.wish-erased"), on.erase)]
