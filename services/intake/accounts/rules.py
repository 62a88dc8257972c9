"""Account rules: what a government system may call itself. No I/O."""
from __future__ import annotations

import re

# A system's registered name: its messages' app_id, its broker user, its receipts' routing key.
APP_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_APP_ID = re.compile(APP_ID_PATTERN)


def valid_app_id(app_id: str | None) -> bool:
    """Lower-case letters, digits, - and _, at most 64 characters."""
    return bool(app_id) and bool(_APP_ID.match(app_id))
