"""Verification's application factory and its message handlers."""
from __future__ import annotations

from services.verification import api, handlers as on
from services.verification.models import Base
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.settings import from_env
from shared.web import make_app

SERVICE = "verification"
METADATA = Base.metadata


def create_app(settings=None, db=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db)
    app.register_blueprint(api.bp)
    return app


def handlers(settings) -> list[Handler]:
    return [Handler(topology.queue("verification.wish-submitted"),
                    on.make_verify(Sealer(settings.pii_keys))),
            Handler(topology.queue("verification.wish-erased"), on.erase)]
