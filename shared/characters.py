"""Characters no input may carry: control characters and lone surrogates, found anywhere in a
request or a message and named by the field that holds them."""
from __future__ import annotations

import re

from shared.errors import MESSAGES_ZH

CODE = "invalid_characters"

# Tab, LF and CR are real text (browsers send CRLF from textareas); every other C0/C1 control
# breaks PostgreSQL (NUL) or hides what a person reads, and a lone surrogate cannot be encoded.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def bad(text: str) -> bool:
    return _BAD.search(text) is not None


def found(data, prefix: str = "") -> list[str]:
    """The dotted names of every string (or key) in nested JSON-like `data` that holds one."""
    if isinstance(data, str):
        return [prefix or "_schema"] if bad(data) else []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, (list, tuple)):
        items = enumerate(data)
    else:
        return []
    out: list[str] = []
    for key, value in items:
        name = f"{prefix}.{key}" if prefix else str(key)
        out.extend([name] if isinstance(key, str) and bad(key) else found(value, name))
    return out


def in_pairs(pairs) -> list[str]:
    """The names of (name, value) pairs, as a multidict's items, where either holds one."""
    pairs = [(name, value if isinstance(value, str) else "") for name, value in pairs]
    # one search over all of them first: nearly every request holds none
    if not bad("".join(name + value for name, value in pairs)):
        return []
    return list(dict.fromkeys(name for name, value in pairs if bad(name) or bad(value)))


def field_errors(names: list[str]) -> list[dict]:
    """One invalid_characters field error per name."""
    return [{"field": name, "code": CODE, "message": MESSAGES_ZH[CODE]} for name in names]
