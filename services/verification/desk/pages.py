"""The liaisons' review desk pages: the queue by status, one wish in full, and the desk's forms.

Forms (desk_forms.py) are validated by the JSON API's own schemas and run the same desk actions
on a locked review.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, redirect, request
from sqlalchemy import func, select

from services.verification import decision as d
from services.verification.desk import http as api
from services.verification.desk.forms import ACTIONS, field_messages, texts
from services.verification.desk.schemas import BulkApproveSchema
from services.verification.desk.views import DECISION_LABELS, OUTCOME_LABELS, review_view
from services.verification.models import Review
from shared.access import LIAISON, allow, in_communities, require_principal
from shared.clock import CHINA, today_in_china
from shared.errors import ApiError, DomainError
from shared.pages import render
from shared.vocab import (ATTACHMENT_PURPOSES, CATEGORIES, INFO_FIELDS, KIND_LABELS, SKILLS,
                          TARGET_GROUPS, TIMES, WISH_TYPES)
from shared.web import as_api_error, page_or_json, uow, validated

bp = Blueprint("desk_pages", __name__)
RULE_NAMES = {"identity": "身份核验", "target_group": "帮扶对象", "age": "年龄",
              "allowance": "民政低保", "income": "家庭收入", "one_per_round": "每轮一愿",
              "household": "同户重复", "value_cap": "价值上限", "micro_wish": "微心愿范围",
              "team": "团体心愿", "category": "服务类别", "liaison_review": "人工审核"}
LABELS = {"decisions": DECISION_LABELS, "outcomes": OUTCOME_LABELS, "rules": RULE_NAMES,
          "categories": CATEGORIES, "skills": SKILLS, "groups": TARGET_GROUPS, "times": TIMES,
          "kinds": KIND_LABELS, "wish_types": WISH_TYPES, "askable": INFO_FIELDS,
          "purposes": ATTACHMENT_PURPOSES}
NOTICES = {"approved": "已审核通过，心愿将发布到心愿墙。", "rejected": "已驳回，提交人会看到驳回原因。",
           "info_requested": "已要求补充信息，心愿已退回提交人。", "edited": "修改已保存。",
           "reopened": "已重新审核：心愿回到待人工审核，请作出决定。",
           "bulk_approved": "已批量通过 {n} 个心愿，将发布到心愿墙。"}


def _forms(review: Review) -> set[str]:
    """The desk's actions this review's state allows; only its own liaison sees them."""
    if require_principal().role != LIAISON:
        return set()
    allowed = {"edit", "approve", "reject"} if review.decision in (d.PENDING, d.NEEDS_INFO) else set()
    if review.decision == d.PENDING:
        allowed.add("request-info")
    if review.decision == d.REJECTED and review.decided_by == "service":
        allowed.add("reopen")
    return allowed


def _page(template: str, status: int = 200, **context):
    notice = NOTICES.get(request.args.get("m", ""), "")
    count = request.args.get("n", "")
    body, status = render(template, status, labels=LABELS, when=_when,
                          today=today_in_china().isoformat(),
                          notice=notice.format(n=int(count) if count.isdigit() else "若干"),
                          **context)
    return body, status, {"Cache-Control": "no-store"}  # the wisher in clear, for the liaison


def _when(iso: str) -> str:
    """A stored time as China time; SQLite hands back naive UTC."""
    at = datetime.fromisoformat(iso)
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(CHINA).strftime(
        "%Y-%m-%d %H:%M")


@bp.errorhandler(ApiError)
@bp.errorhandler(DomainError)
def _refused(refused):
    """A refused form comes back to its wish's page; a refused page to the login or an error page."""
    err = as_api_error(refused)
    back = request.path if request.method == "GET" else request.path.rsplit("/", 1)[0]
    return page_or_json(err, back, lambda: _page("review_detail.html", err.status, r=None,
                                                 error=err.message))


def _counts() -> dict[str, int]:
    """How many reviews of each status the caller oversees (the tabs' numbers)."""
    who = require_principal()
    query = select(Review.decision, func.count()).group_by(Review.decision)
    query = in_communities(query, who, Review.community_code)
    return dict(uow().session.execute(query).all())


def _queue(status: str, err: ApiError | None = None, chosen=(), problems=()):
    community = request.args.get("community") or None
    rows = [review_view(r) for r in api.queue(status, community)]
    return _page("review_queue.html", err.status if err else 200, rows=rows, showing=status,
                 community=community, communities=require_principal().communities,
                 counts=_counts(), states=api.STATES, error=err.message if err else None,
                 problems=list(problems), chosen=set(chosen),
                 can_decide=require_principal().role == LIAISON)


def _detail(review: Review, err: ApiError | None = None, failed: str | None = None):
    wisher = api.wisher_for(review)  # audited: the look commits with its audit entry
    view = review_view(review, wisher=wisher)
    uow().commit()
    return _page("review_detail.html", err.status if err else 200, r=view, forms=_forms(review),
                 error=err.message if err else None, errors=field_messages(err),
                 failed=failed, form=request.form)


@bp.get("/review")
@allow(*api.OVERSEERS)
def queue_page():
    status = request.args.get("status")
    return _queue(status if status in api.STATES else d.PENDING)


@bp.get("/review/<wish_id>")
@allow(*api.OVERSEERS)
def detail_page(wish_id: str):
    return _detail(api.load(wish_id))


def _act(wish_id: str, name: str):
    """Validate one form as the API would, run the desk action on the locked review, commit."""
    action, unit, who = ACTIONS[name], uow(), require_principal()
    review = api.load(wish_id, for_update=True)
    try:
        body = validated(action.schema(), action.read(request.form, review))
        action.run(unit, who, review, *action.args(body))
    except (ApiError, DomainError) as refused:
        unit.session.rollback()
        return _detail(api.load(wish_id), as_api_error(refused), name)
    unit.commit()
    target = "/review" if action.to_queue else f"/review/{wish_id}"
    return redirect(f"{target}?m={action.done}", 303)


@bp.post("/review/<wish_id>/<any(approve, reject, 'request-info', edit, reopen):name>")
@allow(LIAISON)
def act_form(wish_id: str, name: str):
    """One wish's form: 通过, 驳回, 要求补充信息, 修改 or 重新审核."""
    return _act(wish_id, name)


@bp.post("/review/approve")
@allow(LIAISON)
def approve_many_form():
    """Approve the ticked wishes: all of them, or none, with why each refused one was refused."""
    unit, who, ids = uow(), require_principal(), request.form.getlist("wish_ids")
    try:
        body = validated(BulkApproveSchema(), {"wish_ids": ids, **texts(request.form, "note")})
        approved = api.bulk_approve(unit, who, body["wish_ids"], body.get("note"))
    except ApiError as err:
        unit.session.rollback()
        return _queue(d.PENDING, err, ids, _problems(err, ids))
    unit.commit()
    return redirect(f"/review?m=bulk_approved&n={len(approved)}", 303)


def _problems(err: ApiError, ids: list[str]) -> list[str]:
    """Each refused wish named by its title (when the caller may see it) and why."""
    unique, out = list(dict.fromkeys(ids)), []
    for found in err.fields:
        head, _, index = found["field"].partition(".")
        title = None
        if head == "wish_ids" and index.isdigit() and int(index) < len(unique):
            try:
                title = api.load(unique[int(index)]).title
            except ApiError:
                pass  # gone or out of scope: say only why
        out.append(f"《{title}》：{found['message']}" if title else found["message"])
    return out
