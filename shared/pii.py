"""Personal data: sealing (encryption with a key id, so old data survives rotation) and masking."""
from __future__ import annotations

import hashlib
import hmac
import json
import re

from cryptography.fernet import Fernet, InvalidToken


class Sealer:
    """Encrypts with the first key of `kid:key,kid:key,...`; opens with whichever key sealed it."""

    def __init__(self, keys: str):
        pairs = [item.split(":", 1) for item in keys.split(",") if item.strip()]
        self.current = pairs[0][0].strip()
        self.keys = {kid.strip(): Fernet(key.strip().encode()) for kid, key in pairs}

    def seal(self, data) -> str:
        token = self.keys[self.current].encrypt(json.dumps(data, ensure_ascii=False).encode())
        return f"{self.current}.{token.decode()}"

    def open(self, sealed: str):
        kid, _, token = sealed.partition(".")
        if kid not in self.keys:
            raise ValueError(f"unknown key id {kid!r}")
        try:
            return json.loads(self.keys[kid].decrypt(token.encode()))
        except InvalidToken as exc:
            raise ValueError("sealed data cannot be opened") from exc

    def seal_optional(self, value):
        """Seal a value that may be absent; None stays None."""
        return None if value is None else self.seal(value)

    def open_optional(self, sealed: str | None):
        return None if sealed is None else self.open(sealed)


def keyed_hash(key: str, value: str) -> str:
    """A keyed hash for look-ups (duplicate ID numbers) that nobody without the key can reverse."""
    normalised = value.strip().upper()
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_id_number(number: str) -> str:
    """410000195203140011 → 410***********0011; claimers never see even this."""
    return number[:3] + "*" * max(0, len(number) - 7) + number[-4:] if len(number) > 7 else "****"


def mask_address(address: str) -> str:
    """河南省周口市川汇区文明路12号 → 河南省周口市****: the area, never the door."""
    return address[:6] + "****" if address else ""


# What a person may type into free text that identifies someone: an ID number (18 characters),
# a mainland mobile number, or a landline with its area code.
_TYPED = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")


def mask_typed(text: str) -> str:
    """Free text with every ID and phone number in it masked: 电话13812341234 → 电话138****1234."""
    def masked(found: re.Match) -> str:
        value = found.group(0)
        return mask_id_number(value) if len(value) == 18 else mask_phone(value)
    return _TYPED.sub(masked, text)
