"""The web pages for posting a wish from a phone and following it: the form, list and status."""
from __future__ import annotations

import base64
import re
from datetime import datetime, timezone

from flask import Blueprint, redirect, request
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from services.intake import config
from services.intake.errors import ConsentMissing, Inconsistent, KeyReused
from services.intake.importer.rows import METHOD_LABELS, RELATION_LABELS
from services.intake.submissions import actions, attachments, http as api, personal, rules
from services.intake.submissions.models import Submission
from services.intake.submissions.schemas import InfoAnswerSchema, SubmissionSchema
from shared.access import LIAISON, allow, require_principal
from shared.clock import CHINA
from shared.envelope import new_id
from shared.errors import MESSAGES_ZH, ApiError, field_errors
from shared.pages import SUBMITTERS, render
from shared.vocab import (ATTACHMENT_PURPOSES, KIND_LABELS, NEXT_STEPS, SKILLS, STATUS_LABELS,
                          TARGET_GROUPS, TIMES, WISH_TYPES)
from shared.web import page_or_json, uow

bp = Blueprint("submit_pages", __name__)
_WISHER = ("wisher.name", "wisher.id_number", "wisher.phone", "wisher.address",
           "wisher.target_groups", "wisher.household_size", "wisher.household_monthly_income")
WISH_FIELDS = ("community_code", "title", "description", "kind", "wish_type", "team.name",
               "team.size", "estimated_value", "urgent", "skills", "skills_other",
               "preferred_times", "preferred_times_note", *_WISHER)
CONSENT_FIELDS = ("consent.relation", "consent.method", "consent.name", "consent.at")
ANSWER_FIELDS = ("title", "description", "estimated_value", *_WISHER)
PHOTOS = {"photo": "wish_card", "consent_photo": "consent_card"}  # file input → purpose
_PLACED = {*WISH_FIELDS, *CONSENT_FIELDS, *PHOTOS, "consent", "consent.photo_ref", "note"}
_INTS = {"estimated_value", "team.size", "wisher.household_size", "wisher.household_monthly_income"}
_LISTS = {"skills", "preferred_times", "wisher.target_groups"}
_COMPACT = {"wisher.id_number", "wisher.phone"}  # typed in groups on phones: 138 0394 1234
_LOCAL_TIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?\Z")
LABELS = {"status": STATUS_LABELS, "groups": TARGET_GROUPS, "skills": SKILLS, "times": TIMES,
          "kinds": KIND_LABELS, "wish_types": WISH_TYPES, "relations": RELATION_LABELS,
          "purposes": ATTACHMENT_PURPOSES,
          "methods": {k: v for k, v in METHOD_LABELS.items() if k != "self_service"}}
_NOTICES = {"submitted": "心愿已提交，社区将尽快审核。", "answered": "补充的信息已提交，将重新审核。"}



@bp.url_value_preprocessor
def _allow_photos(_endpoint, _values) -> None:
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
    data = _read(form, WISH_FIELDS + (CONSENT_FIELDS if who.role == LIAISON else ()))
    data.setdefault("wisher", {})  # so an empty section names each missing field, not "wisher"
    if who.role == LIAISON:
        data.setdefault("consent", {})
    if "community_code" not in data and len(who.communities) == 1:
        data["community_code"] = who.communities[0]
    items, sources = _photos(PHOTOS if who.role == LIAISON else ("photo",))
    if items:
        data["attachments"] = items
    if "consent_photo" in sources and isinstance(data.get("consent"), dict):
        data["consent"].setdefault("photo_ref", "attachment:consent_card")
    try:
        loaded = SubmissionSchema().load(data)
        by = api.submitter(who, loaded["community_code"])
    except ValidationError as exc:
        return _form_page(form, _errors(field_errors(exc.messages), sources))
    except ApiError as refused:
        return _form_page(form, _errors(refused.fields, sources), refused.status)
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
        return _form_page(form, _errors(refused.fields, sources))
    except KeyReused as reused:  # sent, then changed (the back button): ask, don't merge
        return _form_page(form, status=409, key=new_id(), sent_before=reused.original.id)
    return redirect(f"/my/wishes/{sub.id}?m=submitted", 303)


@bp.get("/my/wishes")
@allow(*SUBMITTERS)
def my_wishes():
    """A resident's own wishes; a liaison's communities' wishes."""
    return _page("my_wishes.html", subs=api.latest_visible(require_principal()))


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
    changes = {k: v for k, v in _read(form, ANSWER_FIELDS).items()
               if k == "wisher" or v != current.get(k)}
    items, sources = _photos(("photo",))
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
        return _status_page(sub, form, _errors(field_errors(exc.messages), sources), 422)
    except Inconsistent as bad:
        return _status_page(sub, form, _errors(bad.fields, sources), 422)
    uow().commit()
    return redirect(f"/my/wishes/{sub.id}?m=answered", 303)


def _read(form, names) -> dict:
    """Form fields → the nested dict the schema loads; blank fields are left out."""
    data: dict = {}
    for name in names:
        value = _value(form, name)
        if value is not None:
            head, _, tail = name.partition(".")
            (data.setdefault(head, {}) if tail else data)[tail or head] = value
    return data


def _value(form, name: str):
    if name in _LISTS:
        return form.getlist(name) or None
    if name == "urgent":
        return True if form.get(name) else None
    text = form.get(name, "").strip()
    if name in _COMPACT:
        text = re.sub(r"[\s-]+", "", text)
    if not text:
        return None
    if name in _INTS:
        try:
            return int(text)
        except ValueError:
            return text  # the schema answers 应为整数
    if name == "consent.at" and _LOCAL_TIME.match(text):
        return text + "+08:00"  # a phone's date-time picker gives local (China) time
    return text


def _photos(names) -> tuple[list[dict], list[str]]:
    """Chosen photos as the API's base64 attachments, and which input each came from."""
    items, sources = [], []
    for name in names:
        upload = request.files.get(name)
        if upload is None or not upload.filename:
            continue
        raw = upload.read(attachments.MAX_BYTES + 1)  # one byte over is enough to refuse it
        sniffed = next((t for t, magic in attachments.TYPES.items() if raw.startswith(magic)), None)
        items.append({"purpose": PHOTOS[name], "content_type": sniffed or upload.mimetype,
                      "data": base64.b64encode(raw).decode()})
        sources.append(name)
    return items, sources


def _errors(found: list[dict], sources: list[str]) -> dict[str, list[str]]:
    """Field errors keyed by the form input they belong next to."""
    out: dict[str, list[str]] = {}
    for err in found:
        name, message = err["field"].removeprefix("changes."), err["message"]
        if name.startswith("attachments"):
            index = name.split(".")[1] if "." in name else ""
            name = sources[int(index)] if index.isdigit() and int(index) < len(sources) else "photo"
            if err["code"] == "invalid_choice":  # a HEIC or PDF, say: not a type we take
                message = MESSAGES_ZH["file_type_mismatch"]
        name = "team.name" if name == "team" else name
        out.setdefault(name, []).append(message)
    return out


def _form_page(form, errors: dict | None = None, status: int | None = None,
               key: str | None = None, sent_before: str | None = None):
    errors, who = errors or {}, require_principal()
    placed = _PLACED if who.role == LIAISON else _PLACED - {"consent", *CONSENT_FIELDS}
    return _page("submit.html", status or (422 if errors else 200), form=form, errors=errors,
                 communities={c: c for c in who.communities},
                 others=[m for n, ms in errors.items() if n not in placed for m in ms],
                 key=key or form.get("idempotency_key") or new_id(), sent_before=sent_before,
                 photo_lost=(bool(errors) or bool(sent_before))
                 and any(f.filename for f in request.files.values()))


def _status_page(sub: Submission, form=None, errors: dict | None = None, status: int = 200,
                 error: str | None = None):
    form = form or MultiDict({"title": sub.title, "description": sub.description,
                              "estimated_value": sub.estimated_value or ""})
    shown = api.view(sub)
    return _page("wish_status.html", status, sub=shown, masked=shown["wisher_masked"], form=form,
                 errors=errors or {}, error=error, next_step=NEXT_STEPS.get(sub.status))


def _page(template: str, status: int = 200, **context):
    body, status = render(template, status, labels=LABELS, when=_when,
                          notice=_NOTICES.get(request.args.get("m", "")), **context)
    return body, status, {"Cache-Control": "no-store"}  # the wisher's data, even masked


def _when(iso: str) -> str:
    """A stored time as China time; SQLite hands back naive UTC."""
    at = datetime.fromisoformat(iso)
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
