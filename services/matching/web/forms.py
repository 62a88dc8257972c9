"""What the claim pages' forms share: the member a form names, and a refusal said on the page
the form came from."""
from __future__ import annotations

from flask import current_app, redirect, request

from services.matching.channel import actions as channel, rules as channel_rules
from shared.access import principal
from shared.errors import ApiError, DomainError
from shared.web import as_api_error, page_or_json, uow

NAME_MISSING = "请从名单中选择，或填写对方在“我的认领”页上看到的编号"


def named_member() -> str:
    """The member a form names: an id typed in (what the member reads on their own 我的认领
    page) wins over the one picked from the list; usernames are intake's, not matching's."""
    return (request.form.get("to_id") or "").strip() or (request.form.get("to") or "").strip()


def name_problem(to: str) -> str | None:
    """What is wrong with the member a form names, in Chinese, or None."""
    if not to:
        return NAME_MISSING
    if len(to) > 64:
        return "编号不超过 64 个字符"
    return None


def said(err: ApiError) -> str:
    """Why, in Chinese: the fields' own words where they have them, else the code's."""
    return "；".join(f["message"] for f in err.fields if f.get("message")) or err.message


def refusals_on(bp, page, back: str) -> None:
    """A refused form says why on `page` (a browser; JSON for anyone else); what the refused
    step began is rolled back first."""
    def refused(exc):
        err = as_api_error(exc)
        uow().session.rollback()
        return page_or_json(err, back, lambda: page(err.status, said(err)))
    bp.register_error_handler(ApiError, refused)
    bp.register_error_handler(DomainError, refused)


def message_from_form(c, side: str, page, back: str, word: str):
    """Post the form's message on the claim's channel as the caller, on `side`, and go `back`;
    an empty or overlong one is said on `page` (`word`: what the page calls a message)."""
    body = (request.form.get("body") or "").strip()
    if not body or len(body) > channel_rules.MAX_LENGTH:
        return page(422, f"{word}不能为空，且不超过 {channel_rules.MAX_LENGTH} 字")
    channel.post(uow(), current_app.extensions["microwish.sealer"], c, principal().id, side, body)
    uow().commit()
    return redirect(back, 303)
