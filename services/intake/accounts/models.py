"""Accounts (people and government systems) and their refresh tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base
from shared.timestamps import Instant


class Account(Base):
    """Someone who logs in (or a government system with an API key) and their scope."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(50))
    communities: Mapped[list] = mapped_column(JSON, default=list)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    org_code: Mapped[str | None] = mapped_column(String(32))
    # System clients: their source name, broker user, and a hash of their API key.
    app_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    broker_user: Mapped[str | None] = mapped_column(String(64))
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Instant)
    # Every token carries the version it was issued at: disabling, a reset or a new password
    # bumps it, so tokens issued before stop working at once (intake checks it each request).
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A temporary password (a reset, a new staff account): only changing it is allowed.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())


class RefreshToken(Base):
    """A refresh token's id, so logout and rotation can revoke it."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    revoked_at: Mapped[datetime | None] = mapped_column(Instant)
