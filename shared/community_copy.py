"""A service's local copy of intake's communities (community.registered / community.updated)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.meeting_day import MeetingRule
from shared.member_copy import copy_keeper
from shared.timestamps import Instant

_FIELDS = ("name", "street", "district", "district_name", "meeting_day")


class CommunityCopy:
    """The columns of a community as intake announced it; mixed into each service's Community."""

    __tablename__ = "communities"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # chuanhui-wenming
    name: Mapped[str] = mapped_column(String(100))  # 文明社区: what people are shown
    street: Mapped[str] = mapped_column(String(100))  # 七一路街道
    district: Mapped[str] = mapped_column(String(32), index=True)  # chuanhui
    district_name: Mapped[str] = mapped_column(String(100))  # 川汇区
    # {"nth": 1, "weekday": 6}; None: no meeting day, its wishes open once verified (浦东's wall)
    meeting_day: Mapped[dict | None] = mapped_column(JSON)
    # When the applied event happened: a late, older event never overwrites a newer one.
    as_of: Mapped[datetime] = mapped_column(Instant)

    @property
    def meeting_rule(self) -> MeetingRule | None:
        return MeetingRule.of(self.meeting_day) if self.meeting_day is not None else None


def keeper(model):
    """The handler that applies community events to `model`, a service's CommunityCopy table."""
    return copy_keeper(model, "code", "code", _FIELDS)


def names(session, model, codes: Iterable[str | None]) -> dict[str, str]:
    """Each code's Chinese name, in one query; a community intake has not announced yet shows
    its code, so a page never breaks on it."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    rows = session.execute(select(model.code, model.name).where(model.code.in_(wanted)))
    known = dict(rows.all())
    return {code: known.get(code, code) for code in wanted}


def create_table(op) -> None:
    """The migration that adds a service's copy (the same in every service that keeps one)."""
    op.create_table(
        "communities",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("street", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("district_name", sa.String(length=100), nullable=False),
        sa.Column("meeting_day", sa.JSON(), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"))
    op.create_index("ix_communities_district", "communities", ["district"], unique=False)


def drop_table(op) -> None:
    op.drop_index("ix_communities_district", table_name="communities")
    op.drop_table("communities")
