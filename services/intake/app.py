"""Intake's composition root: the app and its blueprints, what it consumes, its scheduled jobs."""
from __future__ import annotations

from services.intake import config as intake_config, errors
from services.intake.accounts import (http as accounts_http, pages as accounts_pages,
                                      staff_http, staff_pages, systems, systems_http)
from services.intake.accounts.actions import by_api_key, principal_of, token_current
from services.intake.audit import handlers as audit_handlers, http as audit_http
from services.intake.claimers import (http as claimers_http, organisations_http,
                                      pages as claimers_pages)
from services.intake.claimers import models as _claimer_tables  # noqa: F401 (they join METADATA)
from services.intake.communities import http as communities_http
from services.intake.contracts import openapi
from services.intake.models import Base
from services.intake.ops import pages as ops_pages
from services.intake.submissions import (actions as submissions, handlers as submission_handlers,
                                         http as submissions_http, jobs as submission_jobs,
                                         pages as submissions_pages)
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.runtime import Job
from shared.settings import from_env
from shared.web import make_app, uow

SERVICE = "intake"
METADATA = Base.metadata  # every sub-area's models, imported above, have joined it
BLUEPRINTS = (submissions_http.bp, submissions_pages.bp, accounts_http.bp, accounts_pages.bp,
              claimers_http.bp, organisations_http.bp, claimers_pages.bp, communities_http.bp,
              audit_http.bp, openapi.bp, ops_pages.bp, staff_http.bp, staff_pages.bp,
              systems_http.bp)


def _resolve_api_key(key: str):
    account = by_api_key(uow().session, key)
    return principal_of(account) if account is not None else None


def create_app(settings=None, db=None, config=None):
    settings = settings or from_env()
    app = make_app(__name__, SERVICE, METADATA, settings, db, errors.HTTP_STATUS,
                   config or intake_config.from_env())
    app.extensions["microwish.sealer"] = Sealer(settings.pii_keys)
    app.extensions["microwish.api_keys"] = _resolve_api_key
    app.extensions["microwish.token_current"] = lambda who: token_current(uow().session, who)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def handlers(settings) -> list[Handler]:
    """Queue → handler: every message intake takes from the bus."""
    protection = submissions.Protection(Sealer(settings.pii_keys), settings.pii_hash_key)
    queued = submission_handlers
    return [
        Handler(topology.SUBMISSIONS, queued.make_apply(protection), decode=queued.decode,
                key=queued.key, on_poison=queued.on_poison, on_resend=queued.on_resend,
                prefetch=queued.prefetch),
        Handler(topology.queue("intake.wish-outcomes"), queued.record_outcome,
                prefetch=queued.prefetch_outcomes),
        Handler(topology.queue("intake.audit"), audit_handlers.keep),
    ]


def declare(connection, db) -> None:
    """What intake declares beyond the topology: every registered system's receipts queue."""
    systems.declare_receipts(connection, db)


def jobs(settings, config=None) -> list[Job]:
    """Intake's scheduled scans of its own tables."""
    config = config or intake_config.from_env()
    return [Job("retention", config.retention_interval_seconds,
                lambda db: submission_jobs.erase_due(db, config.retention_days))]
