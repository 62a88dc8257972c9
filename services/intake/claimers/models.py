"""Claimer registration (党员报到) tables: members and the organisations they may act for."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.intake.accounts.models import Account
from services.intake.models import Base
from shared.timestamps import Instant

PERSON, ORGANISATION = "person", "organisation"
KIND_LABELS = {PERSON: "个人", ORGANISATION: "组织"}
ORG_TYPES = {"party_org": "党组织", "company": "企业", "public_unit": "机关事业单位",
             "social_org": "社会组织"}


class Organisation(Base):
    """A party organisation, company or social organisation that claims wishes as a body."""

    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    community_code: Mapped[str] = mapped_column(String(32), index=True)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone_enc: Mapped[str | None] = mapped_column(Text)  # sealed (shared.pii.Sealer)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    skills_other: Mapped[str | None] = mapped_column(String(100))
    available_times: Mapped[list] = mapped_column(JSON, default=list)
    available_times_note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Instant)
    updated_at: Mapped[datetime] = mapped_column(Instant)
    admins: Mapped[list["Member"]] = relationship(back_populates="organisation",
                                                   order_by="Member.created_at")


class Member(Base):
    """One claimer account's profile: a person, or an organisation's admin acting for it."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))  # the display name, in clear
    phone_enc: Mapped[str | None] = mapped_column(Text)  # sealed
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)  # employer unit
    unit_name: Mapped[str | None] = mapped_column(String(100))
    # Residence community (where a party member reports); an admin's is their organisation's.
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    skills_other: Mapped[str | None] = mapped_column(String(100))
    available_times: Mapped[list] = mapped_column(JSON, default=list)
    available_times_note: Mapped[str | None] = mapped_column(String(200))
    org_code: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(Instant)
    updated_at: Mapped[datetime] = mapped_column(Instant)
    organisation: Mapped[Organisation | None] = relationship(back_populates="admins")
    account: Mapped[Account] = relationship()
