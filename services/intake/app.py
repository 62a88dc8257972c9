"""Intake's application factory, its message handlers and its scheduled jobs."""
from __future__ import annotations

from services.intake import (api, audit_trail, auth_api, openapi, pages, queue, retention,
                             submit)
from services.intake import member_models  # noqa: F401  (its tables join METADATA)
from services.intake import member_orgs_api, member_pages, members_api
from services.intake import submit_pages
from services.intake.accounts import by_api_key, principal_of
from services.intake.models import Base
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.runtime import Job
from shared.settings import from_env
from shared.web import make_app, uow

SERVICE = "intake"
METADATA = Base.metadata


def _resolve_api_key(key: str):
    account = by_api_key(uow().session, key)
    return principal_of(account) if account is not None else None


def create_app(settings=None, db=None):
    settings = settings or from_env()
    app = make_app(__name__, SERVICE, METADATA, settings, db)
    app.extensions["microwish.sealer"] = Sealer(settings.pii_keys)
    app.extensions["microwish.api_keys"] = _resolve_api_key
    for blueprint in (api.bp, auth_api.bp, pages.bp, audit_trail.bp, openapi.bp):
        app.register_blueprint(blueprint)
    for blueprint in (members_api.bp, member_orgs_api.bp, member_pages.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(submit_pages.bp)
    return app


def handlers(settings) -> list[Handler]:
    protection = submit.Protection(Sealer(settings.pii_keys), settings.pii_hash_key)
    return [
        Handler(topology.SUBMISSIONS, queue.make_apply(protection),
                decode=queue.decode, key=queue.key, on_poison=queue.on_poison,
                on_resend=queue.on_resend),
        Handler(topology.queue("intake.wish-outcomes"), submit.record_outcome),
        Handler(topology.queue("intake.audit"), audit_trail.keep),
    ]


def jobs(settings) -> list[Job]:
    return [Job("retention", settings.retention_interval_seconds,
                lambda db: retention.erase_due(db, settings.retention_days))]
