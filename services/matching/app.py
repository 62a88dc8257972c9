"""Matching's composition root: the app and its blueprints, and what it consumes from the bus."""
from __future__ import annotations

from services.matching import communities, config as matching_config, errors, members, openapi
from services.matching.channel import http as channel_http
from services.matching.claims import http as claims_http, points, steps_http, team_http
from services.matching.claims.alternatives import Alternatives
from services.matching.escalation import http as escalation_http, jobs as escalation_jobs
from services.matching.handover import actions as handover_actions, http as handover_http
from services.matching.models import Base
from services.matching.notices import http as notices_http, jobs as notice_jobs
from services.matching.notices import honours as honour_notices
from services.matching.notices.contacts import AddressBook
from services.matching.notices.senders import sender_from
from services.matching.publication import actions as publication_actions
from services.matching.publication import handlers as publication
from services.matching.publication import http as publication_http
from services.matching.reveal import http as reveal_http
from services.matching.stories import http as stories_http
from services.matching.web import (http as wall_http, my_claims, my_claims_forms, pages, tracking,
                                   tracking_forms)
from shared import topology
from shared.consumer import Handler
from shared.pii import Sealer
from shared.runtime import Job
from shared.settings import environ, from_env
from shared.web import make_app

SERVICE = "matching"
METADATA = Base.metadata
BLUEPRINTS = (wall_http.bp, claims_http.bp, steps_http.bp, team_http.bp, handover_http.bp,
              publication_http.bp, escalation_http.bp, channel_http.bp, pages.bp, my_claims.bp,
              my_claims_forms.bp, tracking.bp, tracking_forms.bp, notices_http.bp, reveal_http.bp,
              stories_http.bp, openapi.bp)


def create_app(settings=None, db=None, config=None):
    config = config or matching_config.from_env()
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db, errors.HTTP_STATUS,
                   config)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # what a race's losers are offered, remembered a moment per worker (claims.alternatives)
    app.extensions["matching.alternatives"] = Alternatives(config.alternatives_seconds)
    app.extensions["microwish.sealer"] = Sealer(app.extensions["microwish.settings"].pii_keys)
    return app


def handlers(settings, config=None) -> list[Handler]:
    """Queue → handler: every message matching takes from the bus."""
    on_verified = publication.make_on_verified(config or matching_config.from_env())
    return [Handler(topology.queue("matching.wish-verified"), on_verified,
                    prefetch=on_verified.prefetch),
            Handler(topology.queue("matching.wish-erased"), publication.on_erased),
            Handler(topology.queue("matching.members"), members.keep),
            Handler(topology.queue("matching.communities"), communities.keep),
            Handler(topology.queue("matching.points"), points.on_awarded),
            Handler(topology.queue("matching.honours"), honour_notices.on_honour)]


def jobs(settings, config=None, sender=None) -> list[Job]:
    """Matching's scheduled scans: the meeting-day batches whose hour has come, the reminders and
    overdue claims of the day, and the notices still to deliver (by `sender`)."""
    config = config or matching_config.from_env()
    sender = sender or sender_from(environ())
    addresses = AddressBook(Sealer(settings.pii_keys))  # opens contacts only to send
    return [Job("publication", config.publication_scan_seconds,
                lambda db: publication_actions.open_all_due(db, config)),
            Job("claim-deadlines", config.deadline_scan_seconds,
                lambda db: (notice_jobs.remind(db, config.reminder_days),
                            notice_jobs.release_overdue(db, config.overdue_grace_days))),
            Job("handover-lapses", config.deadline_scan_seconds, handover_actions.lapse_due),
            Job("escalation", config.deadline_scan_seconds,
                lambda db: escalation_jobs.escalate(db, config.escalate_after_days,
                                                    config.escalate_before_deadline_days)),
            Job("notices", config.notice_send_seconds,
                lambda db: notice_jobs.deliver(db, sender, per_hour=config.notices_per_hour,
                                               addresses=addresses,
                                               max_attempts=config.notice_max_attempts))]
