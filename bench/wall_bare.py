"""The wall's baseline: a bare Flask endpoint doing the wall's SELECT and count by hand, its JSON.

    gunicorn … "bench.wall_bare:create_app()"

No platform code (the vocabulary's labels and China's time zone aside): one psycopg connection
per worker process (a sync worker serves one request at a time), SQL written out, the rows turned
into the same JSON the wall sends. Filters: district, category and the keyset cursor (`after`, as
the wall encodes it); a page of 20.
"""
from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timezone

import psycopg
from flask import Flask, Response, request

from shared.clock import CHINA
from shared.vocab import CATEGORIES, SKILLS

COLUMNS = ("w.id, w.community_code, c.name, w.title, w.description, w.kind, w.wisher_display, "
           "w.status, w.published_at, w.citywide_at, w.category, w.skills, w.service_standard, "
           "w.urgent, w.deadline, w.wish_type, w.capacity, w.places_left, w.claim_id")
_conn: list = []


def _db() -> psycopg.Connection:
    """This worker's connection, opened after the fork."""
    if not _conn:
        schema = os.environ.get("MICROWISH_MATCHING_DATABASE_SCHEMA", "matching")
        _conn.append(psycopg.connect(os.environ["MICROWISH_DATABASE_URL"], autocommit=True,
                                     options=f"-csearch_path={schema} -ctimezone=UTC",
                                     application_name=f"bench-bare:{schema}"[:63]))
    return _conn[0]


def _item(row, now: datetime) -> dict:
    (wid, code, name, title, description, kind, wisher, status, published, citywide, category,
     skills, standard, urgent, deadline, wish_type, capacity, places_left, claim_id) = row
    skills = json.loads(skills) if isinstance(skills, str) else (skills or [])
    item = {"id": wid, "community_code": code, "community_name": name or code, "title": title,
            "description": description, "kind": kind, "wisher": wisher, "status": status,
            "published_at": published.isoformat() if published else None,
            "citywide_at": citywide.isoformat() if citywide else None, "category": category,
            "category_label": CATEGORIES.get(category or "", ""), "skills": skills,
            "skill_labels": [SKILLS.get(s, s) for s in skills], "service_standard": standard,
            "urgent": bool(urgent), "deadline": deadline.isoformat() if deadline else None,
            "wish_type": wish_type, "capacity": capacity,
            "places_left": places_left if claim_id else capacity}
    if citywide is None or citywide <= now:
        item.update(open_to="city", open_to_label="全市可认领")
    else:
        at = citywide.astimezone(CHINA)
        item.update(open_to="community",
                    open_to_label=f"本社区报到党员优先认领，{at.month}月{at.day}日 {at:%H:%M}起全市可认领")
    return item


def wishes():
    args, where, params = request.args, ["w.status = 'published'"], []
    if "district" in args:
        where.append("c.district = %s")
        params.append(args["district"])
    if "category" in args:
        where.append("w.category = %s")
        params.append(args["category"])
    conn, filters = _db(), " AND ".join(where)
    # the wall's one statement: the page, its communities' names and the total beside each row
    count = (f"SELECT count(*) FROM wishes w LEFT JOIN communities c ON c.code = w.community_code "
             f"WHERE {filters}")
    page_params = [*params, *params]
    if "after" in args:
        at, _, wish_id = base64.urlsafe_b64decode(args["after"]).decode().partition("|")
        filters += " AND (w.published_at < %s OR w.published_at = %s AND w.id < %s)"
        at = datetime.fromisoformat(at)
        page_params += [at, at, wish_id]
    rows = conn.execute(f"SELECT {COLUMNS}, ({count}) FROM wishes w LEFT JOIN communities c "
                        f"ON c.code = w.community_code WHERE {filters} "
                        f"ORDER BY w.published_at DESC, w.id DESC LIMIT 21", page_params).fetchall()
    total = rows[0][-1] if rows else conn.execute(count, params).fetchone()[0]
    now = datetime.now(timezone.utc)
    items = [_item(row[:-1], now) for row in rows[:20]]
    last = rows[19] if len(rows) > 20 else None
    after = (base64.urlsafe_b64encode(f"{last[8].isoformat()}|{last[0]}".encode()).decode()
             if last else None)
    body = json.dumps({"items": items, "total": total, "next": after}, ensure_ascii=False,
                      separators=(",", ":"))
    return Response(body, mimetype="application/json")


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/api/v1/wishes", "wishes", wishes)
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app
