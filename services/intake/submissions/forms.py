"""The submit pages' forms: their fields read into the dict the submission schema loads, chosen
photos as attachments, and field errors placed next to their inputs."""
from __future__ import annotations

import base64
import re

from flask import request

from shared import photos as checked
from shared.errors import MESSAGES_ZH

_WISHER = ("wisher.name", "wisher.id_number", "wisher.phone", "wisher.address",
           "wisher.target_groups", "wisher.household_size", "wisher.household_monthly_income")
WISH_FIELDS = ("community_code", "title", "description", "kind", "wish_type", "team.name",
               "team.size", "estimated_value", "urgent", "skills", "skills_other",
               "preferred_times", "preferred_times_note", *_WISHER)
# The two yes/no choices: a liaison records them with the consent, a resident ticks them.
CHOICES = ("consent.share_phone", "consent.publicity")
CONSENT_FIELDS = ("consent.relation", "consent.method", "consent.name", "consent.at", *CHOICES)
ANSWER_FIELDS = ("title", "description", "estimated_value", *_WISHER)
PHOTOS = {"photo": "wish_card", "consent_photo": "consent_card"}  # file input → purpose
_INTS = {"estimated_value", "team.size", "wisher.household_size", "wisher.household_monthly_income"}
_LISTS = {"skills", "preferred_times", "wisher.target_groups"}
_COMPACT = {"wisher.id_number", "wisher.phone"}  # typed in groups on phones: 138 0394 1234
_LOCAL_TIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?\Z")


def read(form, names) -> dict:
    """Form fields → the nested dict the schema loads; blank fields are left out."""
    data: dict = {}
    for name in names:
        given = value(form, name)
        if given is not None:
            head, _, tail = name.partition(".")
            (data.setdefault(head, {}) if tail else data)[tail or head] = given
    return data


def value(form, name: str):
    """One field as the schema wants it: lists, numbers, China time; None when left blank."""
    if name in _LISTS:
        return form.getlist(name) or None
    if name in ("urgent", *CHOICES):  # a ticked box; unticked is left out (no)
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


def photos(names) -> tuple[list[dict], list[str]]:
    """Chosen photos as the API's base64 attachments, and which input each came from."""
    items, sources = [], []
    for name in names:
        upload = request.files.get(name)
        if upload is None or not upload.filename:
            continue
        raw = upload.read(checked.MAX_BYTES + 1)  # one byte over is enough to refuse it
        sniffed = next((t for t, magic in checked.TYPES.items() if raw.startswith(magic)), None)
        items.append({"purpose": PHOTOS[name], "content_type": sniffed or upload.mimetype,
                      "data": base64.b64encode(raw).decode()})
        sources.append(name)
    return items, sources


def errors_by_input(found: list[dict], sources: list[str]) -> dict[str, list[str]]:
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
