"""Verification's application factory and its message handlers."""
from __future__ import annotations

from services.verification import api, desk_pages, handlers as on, policy
from services.verification.models import Base
from services.verification.registry import registry_from
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.settings import from_env
from shared.web import make_app

SERVICE = "verification"
METADATA = Base.metadata


def create_app(settings=None, db=None):
    settings = settings or from_env()
    app = make_app(__name__, SERVICE, METADATA, settings, db)
    app.extensions["microwish.sealer"] = Sealer(settings.pii_keys)
    app.register_blueprint(api.bp)
    app.register_blueprint(desk_pages.bp)
    return app


def handlers(settings) -> list[Handler]:
    registries = {}

    def registry_for(db):
        # One registry per database: the table one reads verification's own tables.
        if id(db) not in registries:
            registries[id(db)] = registry_from(settings, db)
        return registries[id(db)]

    verify = on.make_verify(Sealer(settings.pii_keys), settings.pii_hash_key, policy.current(),
                            registry_for)
    return [Handler(topology.queue("verification.wish-submitted"), verify),
            Handler(topology.queue("verification.wish-erased"), on.erase)]
