"""The claims' baseline: a bare Flask endpoint doing one conditional UPDATE, and nothing else.

    gunicorn … "bench.claims_bare:create_app()"

No platform code: no token, no limits, no claim row, no events; one psycopg connection per worker
process (a sync worker serves one request at a time), on a copy of matching's wishes table.
"""
from __future__ import annotations

import os
import uuid

import psycopg
from flask import Flask

_conn: list = []
_CLAIM = ("UPDATE wishes SET status = 'claimed', claim_id = %s "
          "WHERE id = %s AND status = 'published' RETURNING id")


def _db() -> psycopg.Connection:
    """This worker's connection, opened after the fork."""
    if not _conn:
        schema = os.environ["MICROWISH_BARE_DATABASE_SCHEMA"]
        _conn.append(psycopg.connect(os.environ["MICROWISH_DATABASE_URL"], autocommit=True,
                                     options=f"-csearch_path={schema}"))
    return _conn[0]


def claim(wish_id: str):
    claim_id = str(uuid.uuid4())
    if _db().execute(_CLAIM, (claim_id, wish_id)).fetchone() is None:
        return {"error": {"code": "already_claimed"}}, 409
    return {"id": claim_id, "wish_id": wish_id, "status": "claimed"}, 201


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/api/v1/wishes/<wish_id>/claims", "claim", claim, methods=["POST"])
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app
