"""Signed tokens: intake issues them, every service verifies them with this one helper."""
from __future__ import annotations

import functools
import time
import uuid
from dataclasses import dataclass, field

import jwt

# The allow-list: a token signed any other way ("none" included) is refused.
ALGORITHMS = ["HS256"]
AUDIENCE = "microwish"
ISSUER = "microwish-intake"
_REQUIRED = ["exp", "iat", "sub", "aud", "iss", "jti", "typ", "role"]


class TokenError(Exception):
    """A token that cannot be trusted; `code` says why (expired or invalid)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Principal:
    """Who is calling: an account (or a system client) with its role and its scope."""

    id: str
    role: str
    name: str = ""
    communities: tuple[str, ...] = ()
    unit: str | None = None
    org: str | None = None
    app_id: str | None = None
    jti: str = ""
    via_cookie: bool = field(default=False, compare=False)
    # The account's token version when this was issued (intake refuses an outdated one).
    version: int = field(default=0, compare=False)

    def claims(self) -> dict:
        return {"sub": self.id, "role": self.role, "name": self.name,
                "communities": list(self.communities), "unit": self.unit, "org": self.org,
                "app_id": self.app_id, "ver": self.version}

    @classmethod
    def from_claims(cls, claims: dict, via_cookie: bool = False) -> "Principal":
        return cls(id=claims["sub"], role=claims["role"], name=claims.get("name") or "",
                   communities=tuple(claims.get("communities") or ()), unit=claims.get("unit"),
                   org=claims.get("org"), app_id=claims.get("app_id"), jti=claims["jti"],
                   via_cookie=via_cookie, version=int(claims.get("ver") or 0))


class Tokens:
    """Sign with the first key of `kid:secret,kid:secret,...`; verify with whichever `kid` says."""

    def __init__(self, keys: str):
        pairs = [item.split(":", 1) for item in keys.split(",") if item.strip()]
        self.current = pairs[0][0].strip()
        self.keys = {kid.strip(): secret.strip() for kid, secret in pairs}
        # A token's signature and claims are checked once; a client that sends it again (every
        # request of a session does) costs only the look-up and the expiry check.
        self._checked = functools.lru_cache(maxsize=4096)(self._decode)

    def issue(self, principal: Principal, ttl: int, kind: str = "access",
              now: float | None = None) -> tuple[str, dict]:
        """A signed token of `kind` for `principal`, valid for `ttl` seconds; also its claims."""
        now = int(time.time() if now is None else now)
        claims = {**principal.claims(), "typ": kind, "aud": AUDIENCE, "iss": ISSUER,
                  "iat": now, "exp": now + ttl, "jti": uuid.uuid4().hex}
        token = jwt.encode(claims, self.keys[self.current], algorithm=ALGORITHMS[0],
                           headers={"kid": self.current})
        return token, claims

    def verify(self, token: str, kind: str = "access") -> dict:
        """The claims of a valid, unexpired token of `kind`; TokenError otherwise."""
        claims = self._checked(token, kind)
        if claims["exp"] <= time.time():  # as PyJWT judges it, for a token it passed before
            raise TokenError("token_expired")
        return dict(claims)

    def _decode(self, token: str, kind: str) -> dict:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid not in self.keys:
                raise TokenError("invalid_token")
            claims = jwt.decode(token, self.keys[kid], algorithms=ALGORITHMS, audience=AUDIENCE,
                                issuer=ISSUER, options={"require": _REQUIRED})
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("token_expired") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("invalid_token") from exc
        if claims["typ"] != kind:
            raise TokenError("invalid_token")
        return claims
