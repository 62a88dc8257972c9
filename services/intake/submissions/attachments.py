"""Attachments: photos (checked by shared.photos) kept encrypted."""
from __future__ import annotations

import hashlib

from services.intake.submissions.models import Attachment
from shared.envelope import new_id
from shared.photos import decode

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
