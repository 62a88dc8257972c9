"""Attachments: photos checked by their bytes, not their names, and kept encrypted."""
from __future__ import annotations

import base64
import binascii
import hashlib

from services.intake.submissions.models import Attachment
from shared.envelope import new_id

# The first bytes of each accepted format; the declared type must match what the bytes are.
TYPES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",),
         "image/webp": (b"RIFF",)}
MAX_BYTES = 2 * 1024 * 1024  # a phone photo, scaled down by the web form; a card is legible at this
MOST = 3


def decode(data: str) -> bytes | None:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def problem(content_type: str, data: str) -> str | None:
    """The code of what is wrong with an attachment, or None."""
    if len(data) > (MAX_BYTES * 4) // 3 + 4:
        return "file_too_large"
    raw = decode(data)
    if raw is None:
        return "invalid_base64"
    if not raw:
        return "empty_file"
    if len(raw) > MAX_BYTES:
        return "file_too_large"
    if not any(raw.startswith(magic) for magic in TYPES.get(content_type, ())):
        return "file_type_mismatch"
    if content_type == "image/webp" and raw[8:12] != b"WEBP":
        return "file_type_mismatch"
    return None


def store(submission_id: str, items: list[dict], sealer) -> list[Attachment]:
    """Attachment rows for a submission, their bytes sealed like any personal data."""
    rows = []
    for item in items:
        raw = decode(item["data"])
        rows.append(Attachment(
            id=new_id(), submission_id=submission_id, purpose=item["purpose"],
            content_type=item["content_type"], size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(), data_enc=sealer.seal(item["data"])))
    return rows


def summary(rows: list[Attachment]) -> list[dict]:
    """What may be shown about attachments without opening them."""
    return [{"id": a.id, "purpose": a.purpose, "content_type": a.content_type, "size": a.size}
            for a in rows]
