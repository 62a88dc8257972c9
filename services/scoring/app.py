"""Scoring's composition root: the app and its blueprints, and what it consumes from the bus."""
from __future__ import annotations

from services.scoring import communities, members, openapi
from services.scoring.feedback import actions as feedback, http as feedback_http
from services.scoring.feedback import pages as feedback_pages
from services.scoring.card import pages as card_pages
from services.scoring.honours import http as honours_http, pages as honour_pages
from services.scoring.leaderboards import http as boards_http, pages as board_pages
from services.scoring.ledger import handlers as ledger, http as ledger_http
from services.scoring.models import Base
from services.scoring.notices import actions as notices, config as notice_config
from services.scoring.notices import http as notices_http, pages as notice_pages
from services.scoring.stats import handlers as stats
from services.scoring.stats import http as stats_http
from services.scoring.stats import pages as stats_pages
from services.scoring.web import http as points_http
from shared import topology
from shared.consumer import Handler
from shared.runtime import Job
from shared.settings import from_env
from shared.web import make_app

SERVICE = "scoring"
METADATA = Base.metadata


def create_app(settings=None, db=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db)
    app.register_blueprint(points_http.bp)
    app.register_blueprint(ledger_http.bp)
    app.register_blueprint(stats_http.bp)
    app.register_blueprint(stats_pages.bp)
    app.register_blueprint(honours_http.bp)
    app.register_blueprint(honour_pages.bp)
    app.register_blueprint(notices_http.bp)
    app.register_blueprint(notice_pages.bp)
    app.register_blueprint(feedback_http.bp)
    app.register_blueprint(feedback_pages.bp)
    app.register_blueprint(card_pages.bp)
    app.register_blueprint(boards_http.bp)
    app.register_blueprint(board_pages.bp)
    app.register_blueprint(openapi.bp)
    return app


def handlers(settings) -> list[Handler]:
    """Queue → handler: every message scoring takes from the bus."""
    return [Handler(topology.queue("scoring.wish-confirmed"), ledger.on_confirmed),
            Handler(topology.queue("scoring.members"), members.keep),
            Handler(topology.queue("scoring.communities"), communities.keep),
            Handler(topology.queue("scoring.wish-facts"), stats.on_wish_event)]


def jobs(settings) -> list[Job]:
    """Scoring's scheduled scans, each derived from stored state and safe beside another worker:
    the notices' drafts of the year, and each unit's feedback of the half just ended (once)."""
    every = notice_config.scan_seconds()
    return [Job("participation-notices", every, notices.scan),
            Job("half-year-feedback", every, feedback.scan)]
