"""The civil-affairs registry look-up: is this person on the 低保/特困/低收入 list?

Two registries answer the same question:

- TableRegistry reads the list imported from a civil-affairs CSV into verification's own
  database (`python -m services.verification.registry_import`), keyed by the ID number's keyed
  hash; the plain number is never stored.
- HttpRegistry asks a civil-affairs web service, over this protocol:

      POST {base_url}/allowance-lookups
      Content-Type: application/json
      X-Api-Key: <key>                       (only when a key is configured)
      {"id_number": "411602194803150020"}

      200 {"enrolled": true, "kind": "dibao", "since": "2023-05-01"}   on the list
          kind is dibao | tekun | low_income, since is YYYY-MM-DD or null;
          {"enrolled": false} also means not on the list
      404 {"enrolled": false}                                          not on the list
          (a 404 without that body, e.g. a wrong URL's error page, is unavailable)

  The ID number travels only in the body, never in the URL, so it stays out of access logs.
  Any other answer (another status, a redirect, a timeout, a refused connection, a body that
  is not that JSON) raises RegistryUnavailable, whose message holds no personal data.

registry_from picks HttpRegistry when MICROWISH_REGISTRY_URL is set (MICROWISH_REGISTRY_API_KEY,
MICROWISH_REGISTRY_TIMEOUT_SECONDS, default 3), TableRegistry otherwise.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from http.client import HTTPException
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from services.verification.models import AllowanceRecord
from shared.pii import keyed_hash

KINDS = ("dibao", "tekun", "low_income")
KIND_LABELS = {"dibao": "低保", "tekun": "特困", "low_income": "低收入"}
ENROLLED, ENDED = "enrolled", "ended"
_MAX_REPLY_BYTES = 64 * 1024  # an answer is a few fields; more means something is wrong


class RegistryUnavailable(Exception):
    """The registry could not answer (down, timed out, bad reply)."""

    def __init__(self, message: str, down: bool = False):
        super().__init__(message)
        self.down = down  # not reachable at all (rather than a bad answer): pause asking


@dataclass(frozen=True)
class Allowance:
    """What a registry said about one person."""

    enrolled: bool
    kind: str | None = None  # dibao | tekun | low_income
    since: date | None = None
    source: str = ""  # "table" | "http": which registry answered

    def label(self) -> str:
        """低保在册（2023-05-01起） or 未在低保、特困名单中."""
        if not self.enrolled:
            return "未在低保、特困名单中"
        if self.kind not in KIND_LABELS:
            return "在低保、特困名单中"
        start = f"（{self.since.isoformat()}起）" if self.since else ""
        return f"{KIND_LABELS[self.kind]}在册{start}"


class Registry(Protocol):
    def lookup(self, id_number: str) -> Allowance: ...  # raises RegistryUnavailable

    # What it can answer for many at once, cheaply; the rest are looked up one by one.
    def lookup_many(self, id_numbers: set[str]) -> dict[str, Allowance]: ...


class TableRegistry:
    """The list imported into verification's own database."""

    def __init__(self, db, hash_key: str):
        self.db = db
        self.hash_key = hash_key

    def lookup(self, id_number: str) -> Allowance:
        key = keyed_hash(self.hash_key, id_number)
        try:
            with self.db.session() as session:
                record = session.get(AllowanceRecord, key)
        except SQLAlchemyError:
            # The driver's message would carry the statement's parameters: keep them out.
            raise RegistryUnavailable("低保名单数据库无法查询") from None
        return _allowance(record)

    def lookup_many(self, id_numbers: set[str]) -> dict[str, Allowance]:
        """Every number's answer in one query; none when the table cannot be read."""
        keys = {keyed_hash(self.hash_key, n): n for n in id_numbers}
        try:
            with self.db.session() as session:
                records = {r.id_number_hash: r for r in session.scalars(
                    select(AllowanceRecord).where(AllowanceRecord.id_number_hash.in_(keys)))}
        except SQLAlchemyError:
            return {}  # each is asked again on its own, and says why it cannot be answered
        return {n: _allowance(records.get(key)) for key, n in keys.items()}


def _allowance(record: AllowanceRecord | None) -> Allowance:
    if record is None or record.status != ENROLLED:
        return Allowance(False, source="table")
    return Allowance(True, record.kind, record.since, source="table")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Following a redirect would resend (or drop) the body somewhere we were not told to trust.
    def redirect_request(self, *args, **kwargs):
        return None


class HttpRegistry:
    """A civil-affairs web service answering the protocol in this module's docstring."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 3.0,
                 pause: float = 30.0):
        self.url = base_url.rstrip("/") + "/allowance-lookups"
        self.api_key = api_key
        self.timeout = timeout
        # After the service failed, wait this long before asking again: while it is down every
        # wish would otherwise spend the whole timeout on it, and the queue would back up.
        self.pause = pause
        self._paused_until = 0.0
        self._opener = urllib.request.build_opener(_NoRedirects)

    def lookup_many(self, id_numbers: set[str]) -> dict[str, Allowance]:
        return {}  # the protocol asks for one person at a time: asked as the rules need them

    def lookup(self, id_number: str) -> Allowance:
        if time.monotonic() < self._paused_until:
            raise RegistryUnavailable("低保名单服务刚才无法连接，暂停查询，稍后自动重试") from None
        try:
            return self._ask(id_number)
        except RegistryUnavailable as exc:
            if exc.down:
                self._paused_until = time.monotonic() + self.pause
            raise

    def _ask(self, id_number: str) -> Allowance:
        body = json.dumps({"id_number": id_number.strip().upper()}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["X-Api-Key"] = self.api_key
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                reply = response.read(_MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            # A 404 counts only with the protocol's body: a wrong URL's 404 page is no answer.
            if exc.code == 404 and _parse(exc.read(_MAX_REPLY_BYTES + 1)) == Allowance(False, source="http"):
                exc.close()
                return Allowance(False, source="http")
            exc.close()
            raise RegistryUnavailable(f"低保名单服务返回了错误（HTTP {exc.code}）",
                                      down=exc.code >= 500) from None
        except (urllib.error.URLError, HTTPException, OSError) as exc:
            # `from None`: the causes hold nothing we need and nothing we may log.
            raise RegistryUnavailable(f"低保名单服务无法连接或超时（{_why(exc)}）", down=True) from None
        return _parse(reply)


def _why(exc: Exception) -> str:
    """A short reason without data: the error's type (URLError wraps the real one)."""
    reason = getattr(exc, "reason", exc)
    return type(reason).__name__ if isinstance(reason, BaseException) else type(exc).__name__


def _parse(reply: bytes) -> Allowance:
    """A 200 reply's body as an Allowance; anything off the protocol is unavailable."""
    try:
        data = json.loads(reply) if len(reply) <= _MAX_REPLY_BYTES else None
        if not isinstance(data, dict) or not isinstance(data.get("enrolled"), bool):
            raise ValueError
        if not data["enrolled"]:
            return Allowance(False, source="http")
        if data.get("kind") not in KINDS:
            raise ValueError
        since = data.get("since")
        since = date.fromisoformat(since) if since is not None else None
    except (ValueError, TypeError):  # JSONDecodeError is a ValueError; its .doc is the body
        raise RegistryUnavailable("低保名单服务的答复格式不正确") from None
    return Allowance(True, data["kind"], since, source="http")


def registry_from(config, hash_key: str, db) -> Registry:
    """HttpRegistry when MICROWISH_REGISTRY_URL is set (verification's config), else the table."""
    if config.registry_url:
        return HttpRegistry(config.registry_url, config.registry_api_key or None,
                            config.registry_timeout_seconds, config.registry_pause_seconds)
    return TableRegistry(db, hash_key)
