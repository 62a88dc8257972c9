"""How each of the desk's forms is read into the JSON API's schema and run as the same desk action."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from marshmallow import Schema

from services.verification.desk import actions as desk
from services.verification.desk.schemas import (AskSchema, EditSchema, NoteSchema, RejectSchema,
                                                ReopenSchema)
from services.verification.models import Review
from shared.errors import ApiError


def texts(form, *names: str) -> dict:
    """The named inputs, trimmed; empty ones left out so optional fields stay optional."""
    return {name: form.get(name, "").strip() for name in names if form.get(name, "").strip()}


def edits(form, review: Review) -> dict:
    """Only what the liaison changed: the edit form is filled with the current values."""
    changes = texts(form, "category", "deadline", "kind", "wish_type")
    for name in ("category", "kind", "wish_type"):
        if changes.get(name) == getattr(review, name):
            del changes[name]
    if review.deadline and changes.get("deadline") == review.deadline.isoformat():
        del changes["deadline"]
    skills = form.getlist("skills")
    if set(skills) != set(review.skills or []):
        changes["skills"] = skills
    return changes


@dataclass(frozen=True)
class Action:
    run: Callable  # the desk's function
    schema: type[Schema]  # the JSON API's schema for it
    read: Callable  # (form, review) → the dict the schema expects
    args: Callable  # loaded dict → the desk function's arguments after the review
    done: str  # the notice shown after the redirect
    to_queue: bool  # decided: back to the queue for the next one


ACTIONS = {
    "approve": Action(desk.approve, NoteSchema, lambda f, _r: texts(f, "note"),
                       lambda b: [b.get("note")], "approved", True),
    "reject": Action(desk.reject, RejectSchema, lambda f, _r: texts(f, "reason"),
                      lambda b: [b["reason"]], "rejected", True),
    "request-info": Action(desk.ask, AskSchema,
                            lambda f, _r: {**texts(f, "message"),
                                           "fields_needed": f.getlist("fields_needed")},
                            lambda b: [b["message"], b["fields_needed"]], "info_requested", True),
    "edit": Action(desk.edit, EditSchema, edits, lambda b: [b], "edited", False),
    "reopen": Action(desk.reopen, ReopenSchema, lambda f, _r: texts(f, "note"),
                      lambda b: [b["note"]], "reopened", False),
}


def field_messages(err: ApiError | None) -> dict[str, list[str]]:
    """Field errors keyed by the form input they belong beside (skills.2 → skills)."""
    out: dict[str, list[str]] = {}
    for found in err.fields if err else []:
        out.setdefault(found["field"].split(".")[0], []).append(found["message"])
    return out
