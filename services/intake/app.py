"""Intake's application factory and its message handlers."""
from __future__ import annotations

from services.intake import api, queue, submit
from services.intake.models import Base
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.settings import from_env
from shared.web import make_app

SERVICE = "intake"
METADATA = Base.metadata


def create_app(settings=None, db=None):
    settings = settings or from_env()
    app = make_app(__name__, SERVICE, METADATA, settings, db)
    app.extensions["microwish.sealer"] = Sealer(settings.pii_keys)
    app.register_blueprint(api.bp)
    return app


def handlers(settings) -> list[Handler]:
    return [
        Handler(topology.SUBMISSIONS, queue.make_apply(Sealer(settings.pii_keys)),
                decode=queue.decode, key=queue.key, on_poison=queue.on_poison),
        Handler(topology.queue("intake.wish-outcomes"), submit.record_outcome),
    ]
