"""运维页: the queue table, dead letters by reason and a replay button, for the `ops` role only;
the same reads and the same audited replay as `microwish ops`."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request
from sqlalchemy import exc as sa_exc

from services.ops import dead, rules
from services.ops.broker import ManagementApi, Unreachable, vhost_of
from services.ops.config import broker_url as ops_broker_url, from_env as ops_config
from shared.access import OPS, allow, require_principal
from shared.envelope import utcnow
from shared.pages import render
from shared.settings import SERVICES
from shared.web import database, settings

bp = Blueprint("ops_pages", __name__)


def _dbs() -> dict:
    """Every service's database (ops read their dead letters), opened once per app."""
    made = current_app.extensions.get("microwish.ops_dbs")
    if made is None:
        from services.worker import service_module
        from shared.db import Database
        made = {s: database() if s == "intake" else
                Database(settings(), s, service_module(s).METADATA) for s in SERVICES}
        current_app.extensions["microwish.ops_dbs"] = made
    return made


@bp.get("/ops")
@allow(OPS)
def ops_page():
    problems, rows, groups = [], [], []
    try:
        api = ManagementApi(ops_config(), vhost_of(ops_broker_url(ops_config(), settings())),
                            timeout=5)
        rows = rules.queue_rows(api.queues(), utcnow())
    except Unreachable as exc:
        problems.append(exc.said)
    found = []
    for service, db in _dbs().items():  # one service's database away hides no other's
        try:
            found += dead.copies({service: db})
        except sa_exc.DBAPIError:
            problems.append(f"无法读取 {service} 的数据库 / cannot read {service}'s database")
    groups = rules.group(found)
    return render("ops.html", rows=rows, groups=groups, problems=problems, age=rules.age)


@bp.post("/ops/replay")
@allow(OPS)
def replay_submit():
    queue, reason = request.form.get("queue", "")[:200], request.form.get("reason", "")[:1000]
    if rules.owner(queue) is None:
        return redirect("/ops?m=不是本平台消费的队列", 303)
    try:
        results = dead.replay(_dbs(), current_app.extensions["microwish.sealer"],
                              ops_broker_url(ops_config(), settings()), queue, require_principal(),
                              ops_config().replay_limit, reason or None)
    except Unreachable as exc:
        return redirect(f"/ops?m={exc.said}", 303)
    sent = sum(r.outcome == "replayed" for r in results)
    refused = sum(r.outcome.startswith("refused") for r in results)
    return redirect(f"/ops?m=已重放 {sent} 条，{refused} 条超过重放上限未重放", 303)
