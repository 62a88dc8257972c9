"""Intake's HTTP API: post a submission, follow it, and (for its liaisons) read the wisher's data."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.intake import config
from services.intake.communities import actions as communities
from services.intake.submissions import actions, attachments, personal, rules
from services.intake.submissions.models import Submission
from services.intake.submissions.schemas import InfoAnswerSchema, SubmissionSchema
from shared import audit, photos
from shared.access import (DISTRICT_ADMIN, LIAISON, RESIDENT, STREET_ADMIN, SYSTEM, allow,
                           in_communities, in_scope, require_principal)
from shared.envelope import new_id
from shared.errors import ApiError
from shared.pii import mask_address, mask_id_number, mask_phone
from shared.tokens import Principal
from shared.vocab import label
from shared.web import idempotency_key, load_json, settings, uow

bp = Blueprint("intake", __name__, url_prefix="/api/v1/submissions")
_POSTERS = (RESIDENT, LIAISON, SYSTEM)
_READERS = (RESIDENT, LIAISON, STREET_ADMIN, DISTRICT_ADMIN, SYSTEM)


def protection() -> personal.Protection:
    return personal.Protection(current_app.extensions["microwish.sealer"], settings().pii_hash_key)


def _open(sealed):
    return current_app.extensions["microwish.sealer"].open_optional(sealed)


@bp.url_value_preprocessor
def _allow_photos(_endpoint, _values) -> None:
    """Submissions may carry photos; every other route keeps the smaller default limit."""
    # Before any before_request: the app's character check reads the body first.
    request.max_content_length = config.current().max_submission_bytes


def view(sub: Submission, names: dict[str, str] | None = None) -> dict:
    """A submission with the wisher's data masked: what anyone allowed to follow it may see.

    `names` are the community names already looked up (a list's); else its own is."""
    if names is None:
        names = communities.names(uow().session, [sub.community_code])
    phone, address = _open(sub.phone_enc), _open(sub.address_enc)
    id_number = _open(sub.id_number_enc)
    asked = next((h for h in reversed(sub.history) if h.status == "needs_info"), None)
    return {
        "id": sub.id, "status": sub.status, "status_label": label(sub.status),
        **personal.wish_of(sub), "revision": sub.revision,
        # A person is shown the name; a code nobody registered stays as it is.
        "community_name": names.get(sub.community_code, sub.community_code),
        "info_requested": asked.reasons if asked is not None and sub.status == "needs_info"
        else None,
        "info_requested_fields": (asked.fields or []) if asked is not None and sub.status == "needs_info"
        else None,
        "attachments": attachments.summary(sub.attachments),
        "wisher": sub.wisher_display,
        "wisher_masked": {"name": sub.wisher_display,
                          "id_number": mask_id_number(id_number) if id_number else None,
                          "phone": mask_phone(phone) if phone else None,
                          "address": mask_address(address) if address else None},
        "minor": sub.minor, "erased": sub.erased_at is not None,
        "consent": {"relation": sub.consent_relation, "method": sub.consent_method,
                    "at": sub.consent_at.isoformat() if sub.consent_at else None,
                    "share_phone": bool(sub.consent_share_phone),
                    "publicity": bool(sub.consent_publicity)},
        "created_at": sub.created_at.isoformat(),
        "history": [{"status": h.status, "label": label(h.status),
                     "at": h.at.isoformat(), "reasons": h.reasons} for h in sub.history],
    }


def visible(who: Principal, sub: Submission) -> bool:
    """A resident follows their own, a system its own source's, a liaison their communities'."""
    if who.role == SYSTEM:
        return sub.source == who.app_id
    if who.role == RESIDENT:
        return sub.submitted_by == who.id
    return in_scope(who, sub.community_code)


def latest_visible(who: Principal, limit: int = 200) -> list[Submission]:
    """The newest submissions `who` may follow (the same rule as `visible`, as a query)."""
    query = select(Submission).order_by(Submission.created_at.desc()).limit(limit)
    if who.role == SYSTEM:
        query = query.where(Submission.source == who.app_id)
    elif who.role == RESIDENT:
        query = query.where(Submission.submitted_by == who.id)
    else:
        query = in_communities(query, who, Submission.community_code)
    return list(uow().session.scalars(query))


def load_visible(submission_id: str) -> Submission:
    sub = uow().session.get(Submission, submission_id)
    if sub is None or not visible(require_principal(), sub):
        raise ApiError(404, "not_found")  # out of scope looks the same as absent
    return sub


def submitter(who: Principal, community_code: str) -> actions.Submitter:
    if who.role == SYSTEM:
        return actions.Submitter(who.app_id, who.id, SYSTEM)
    if community_code not in who.communities:
        raise ApiError(403, "community_forbidden", [{"field": "community_code",
                                                     "code": "community_forbidden",
                                                     "message": "您只能为本人所在或负责的社区提交心愿"}])
    return actions.Submitter(rules.WEB, who.id, who.role)


@bp.post("")
@allow(*_POSTERS)
def create_submission():
    data = load_json(SubmissionSchema())
    by = submitter(require_principal(), data["community_code"])
    ref = idempotency_key() or new_id()
    if by.source == rules.WEB:
        ref = f"{by.account_id}:{ref}"  # one person's keys never collide with another's
    unit, sent = uow(), rules.digest(request.get_json())
    try:
        sub, created = actions.submit(unit, protection(), by, ref, data, sent_digest=sent)
        unit.commit()
    except IntegrityError:  # the same key raced in from another request: answer with that one
        unit.session.rollback()
        sub, created = actions.find(unit, by.source, ref), False
        actions.check_same(sub, sent)
    return view(sub), 201 if created else 200


@bp.get("")
@allow(*_READERS)
def list_submissions():
    subs = latest_visible(require_principal())
    names = communities.names(uow().session, [s.community_code for s in subs])
    return {"items": [view(s, names) for s in subs]}


@bp.get("/<submission_id>")
@allow(*_READERS)
def get_submission(submission_id: str):
    return view(load_visible(submission_id))


@bp.post("/<submission_id>/info")
@allow(*_POSTERS)
def answer_info_request(submission_id: str):
    """Answer what verification asked for: the same wish changes, and is verified afresh."""
    body = load_json(InfoAnswerSchema())
    sub = load_visible(submission_id)
    if sub.status != "needs_info":
        raise ApiError(409, "invalid_state", [{"field": "status", "code": "invalid_state",
                                               "message": "该心愿当前不需要补充信息"}])
    unit = uow()
    actions.answer(unit, protection(), sub, body["changes"], body.get("note"),
                  require_principal().role)
    unit.commit()
    return view(sub)


@bp.get("/<submission_id>/personal")
@allow(LIAISON)
def get_personal_data(submission_id: str):
    """The wisher's data in clear, for their own community's liaison only; every read is audited."""
    sub = load_visible(submission_id)
    _audit_read(sub, {"fields": ["name", "id_number", "phone", "address", "household",
                                 "consent.name"]})
    body = {"id": sub.id, "erased": sub.erased_at is not None,
            "wisher": personal.wisher_of(sub, current_app.extensions["microwish.sealer"]),
            "consent": {"relation": sub.consent_relation, "method": sub.consent_method,
                        "name": _open(sub.consent_name_enc), "photo_ref": sub.consent_photo_ref,
                        "at": sub.consent_at.isoformat() if sub.consent_at else None}}
    return body, 200, {"Cache-Control": "no-store"}


@bp.get("/<submission_id>/attachments/<attachment_id>")
@allow(LIAISON)
def get_attachment(submission_id: str, attachment_id: str):
    """A photo sent with the wish, for its liaison only; every read is audited."""
    sub = load_visible(submission_id)
    found = next((a for a in sub.attachments if a.id == attachment_id and a.data_enc), None)
    if found is None:
        raise ApiError(404, "not_found")
    _audit_read(sub, {"attachment": found.id, "purpose": found.purpose})
    raw = photos.decode(_open(found.data_enc))
    return raw, 200, {"Content-Type": found.content_type, "Cache-Control": "no-store",
                      "X-Content-Type-Options": "nosniff",
                      "Content-Disposition": "inline"}


def _audit_read(sub: Submission, detail: dict) -> None:
    unit = uow()
    audit.record(unit, require_principal(), "personal_data.read", "submission", sub.id,
                 sub.community_code, detail)
    unit.commit()
