"""Photos people send (a wish card, proof of a deed): checked by their bytes, not their names."""
from __future__ import annotations

import base64
import binascii

from marshmallow import ValidationError, fields, validates_schema

from shared.fields import Strict, choice

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
    """The code of what is wrong with a photo sent as base64, or None."""
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


class PhotoSchema(Strict):
    """A photo inline as base64, its declared type matching its bytes."""

    content_type = choice(TYPES, required=True)
    data = fields.String(required=True)

    @validates_schema
    def _real_image(self, item: dict, **_kw) -> None:
        found = problem(item["content_type"], item["data"])
        if found:
            raise ValidationError(found, "data")
