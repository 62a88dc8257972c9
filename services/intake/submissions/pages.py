"""The web pages for posting a wish from a phone and following it: the form, list and status."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, redirect, request
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from services.intake import config
from services.intake.communities import actions as communities
from services.intake.errors import ConsentMissing, Inconsistent, KeyReused
from services.intake.submissions import actions, http as api, personal, rules
from services.intake.submissions.forms import (ANSWER_FIELDS, CHOICES, CONSENT_FIELDS, PHOTOS,
                                               WISH_FIELDS, errors_by_input, photos, read)
from services.intake.submissions.models import Submission
from services.intake.submissions.schemas import InfoAnswerSchema, SubmissionSchema
from shared.access import LIAISON, allow, require_principal
from shared.clock import CHINA
from shared.envelope import new_id, utcnow
from shared.errors import MESSAGES_ZH, ApiError, field_errors
from shared.pages import SUBMITTERS, render
from shared.vocab import (ATTACHMENT_PURPOSES, CONSENT_METHODS, CONSENT_RELATIONS, KIND_LABELS,
                          INFO_FIELDS, NEXT_STEPS, SKILLS, STATUS_LABELS, TARGET_GROUPS, TIMES, WISH_TYPES)
from shared.web import page_or_json, uow

bp = Blueprint("submit_pages", __name__)
_PLACED = {*WISH_FIELDS, *CONSENT_FIELDS, *PHOTOS, "consent", "consent.photo_ref", "note"}
LABELS = {"status": STATUS_LABELS, "groups": TARGET_GROUPS, "skills": SKILLS, "times": TIMES,
          "kinds": KIND_LABELS, "wish_types": WISH_TYPES, "relations": CONSENT_RELATIONS,
          "purposes": ATTACHMENT_PURPOSES,
          "methods": {k: v for k, v in CONSENT_METHODS.items() if k != "self_service"}}
_NOTICES = {"submitted": "心愿已提交，社区将尽快审核。", "answered": "补充的信息已提交，将重新审核。"}



@bp.url_value_preprocessor
def _allowphotos(_endpoint, _values) -> None:
    """Forms carry photos: raise the body limit before the access check reads the form's token."""
    request.max_content_length = config.current().max_submission_bytes


@bp.errorhandler(ApiError)
def _refused(err: ApiError):
    """The status page with the Chinese reason, the login form, or (for API callers) JSON."""
    return page_or_json(err, request.path.removesuffix("/info"),
                        lambda: _page("wish_status.html", err.status, sub=None, error=err.message))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    return _refused(ApiError(413, "payload_too_large"))


@bp.get("/submit")
@allow(*SUBMITTERS)
def submit_form():
    now = datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M")
    return _form_page(MultiDict({"consent.at": now, "wish_type": "individual"}))


@bp.post("/submit")
@allow(*SUBMITTERS)
def submit_post():
    """The same submission the JSON API takes, validated by the same schema, stored once per key."""
    who, form = require_principal(), request.form
    data = read(form, WISH_FIELDS + (CONSENT_FIELDS if who.role == LIAISON else ()))
    data.setdefault("wisher", {})  # so an empty section names each missing field, not "wisher"
    if who.role == LIAISON:
        data.setdefault("consent", {})
    if "community_code" not in data and len(who.communities) == 1:
        data["community_code"] = who.communities[0]
    items, sources = photos(PHOTOS if who.role == LIAISON else ("photo",))
    if items:
        data["attachments"] = items
    if "consent_photo" in sources and isinstance(data.get("consent"), dict):
        data["consent"].setdefault("photo_ref", "attachment:consent_card")
    try:
        loaded = SubmissionSchema().load(data)
        by = api.submitter(who, loaded["community_code"])
        if who.role != LIAISON:  # posting it is the consent; the two choices are what they ticked
            ticked = read(form, CHOICES).get("consent", {})
            if ticked:
                loaded["consent"] = rules.self_service(utcnow(), **ticked)
    except ValidationError as exc:
        return _form_page(form, errors_by_input(field_errors(exc.messages), sources))
    except ApiError as refused:
        return _form_page(form, errors_by_input(refused.fields, sources), refused.status)
    key = form.get("idempotency_key", "")
    ref = f"{who.id}:{key if 0 < len(key) <= 100 else new_id()}"  # as the API keys web posts
    unit, sent = uow(), rules.digest(data)
    try:
        try:
            sub, _ = actions.submit(unit, api.protection(), by, ref, loaded, sent_digest=sent)
            unit.commit()
        except IntegrityError:  # a double tap raced the first request in: show the one stored
            unit.session.rollback()
            sub = actions.find(unit, by.source, ref)
            actions.check_same(sub, sent)
    except ConsentMissing as refused:
        return _form_page(form, errors_by_input(refused.fields, sources))
    except KeyReused as reused:  # sent, then changed (the back button): ask, don't merge
        return _form_page(form, status=409, key=new_id(), sent_before=reused.original.id)
    return redirect(f"/my/wishes/{sub.id}?m=submitted", 303)


@bp.get("/my/wishes")
@allow(*SUBMITTERS)
def my_wishes():
    """A resident's own wishes; a liaison's communities' wishes."""
    subs = api.latest_visible(require_principal())
    return _page("my_wishes.html", subs=subs, community_names=communities.names(
        uow().session, [s.community_code for s in subs]))


@bp.get("/my/wishes/<submission_id>")
@allow(*SUBMITTERS)
def wish_status(submission_id: str):
    return _status_page(api.load_visible(submission_id))


@bp.post("/my/wishes/<submission_id>/info")
@allow(*SUBMITTERS)
def answer_info(submission_id: str):
    """Answer what verification asked: the same wish changes and gets its next revision."""
    sub, form = api.load_visible(submission_id), request.form
    uow().session.refresh(sub, with_for_update=True)  # two taps on 提交 answer once
    if sub.status != "needs_info":
        return _status_page(sub, status=409, error="该心愿当前不需要补充信息")
    current = personal.wish_of(sub)
    changes = {k: v for k, v in read(form, ANSWER_FIELDS).items()
               if k == "wisher" or v != current.get(k)}
    items, sources = photos(("photo",))
    if items:
        changes["attachments"] = items
    note = form.get("note", "").strip()
    if not changes and not note:
        return _status_page(sub, form, {"note": [MESSAGES_ZH["answer_empty"]]}, 422)
    try:
        loaded = InfoAnswerSchema().load({"changes": changes, **({"note": note} if note else {})})
        actions.answer(uow(), api.protection(), sub, loaded["changes"], loaded.get("note"),
                      require_principal().role)
    except ValidationError as exc:
        return _status_page(sub, form, errors_by_input(field_errors(exc.messages), sources), 422)
    except Inconsistent as bad:
        return _status_page(sub, form, errors_by_input(bad.fields, sources), 422)
    uow().commit()
    return redirect(f"/my/wishes/{sub.id}?m=answered", 303)


def _form_page(form, errors: dict | None = None, status: int | None = None,
               key: str | None = None, sent_before: str | None = None):
    errors, who = errors or {}, require_principal()
    placed = _PLACED if who.role == LIAISON else _PLACED - {"consent", *CONSENT_FIELDS} | {*CHOICES}
    return _page("submit.html", status or (422 if errors else 200), form=form, errors=errors,
                 communities=_named(who.communities),
                 others=[m for n, ms in errors.items() if n not in placed for m in ms],
                 key=key or form.get("idempotency_key") or new_id(), sent_before=sent_before,
                 photo_lost=(bool(errors) or bool(sent_before))
                 and any(f.filename for f in request.files.values()))


def _named(codes) -> dict[str, str]:
    """code → what the form shows: the community's name, or its code if none is registered."""
    names = communities.names(uow().session, codes)
    return {c: names.get(c, c) for c in codes}


def _status_page(sub: Submission, form=None, errors: dict | None = None, status: int = 200,
                 error: str | None = None):
    form = form or MultiDict({"title": sub.title, "description": sub.description,
                              "estimated_value": sub.estimated_value or ""})
    shown = api.view(sub)
    return _page("wish_status.html", status, sub=shown, masked=shown["wisher_masked"], form=form,
                 errors=errors or {}, error=error, next_step=NEXT_STEPS.get(sub.status),
                 info_fields=INFO_FIELDS)


def _page(template: str, status: int = 200, **context):
    body, status = render(template, status, labels=LABELS, when=_when,
                          notice=_NOTICES.get(request.args.get("m", "")), **context)
    return body, status, {"Cache-Control": "no-store"}  # the wisher's data, even masked


def _when(iso: str) -> str:
    """A stored time as China time; SQLite hands back naive UTC."""
    at = datetime.fromisoformat(iso)
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
