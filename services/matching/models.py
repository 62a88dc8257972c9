"""Matching's tables: published wishes and their claims, and the outbox and inbox."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, literal_column, or_, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.community_copy import CommunityCopy
from shared.member_copy import MemberCopy
from shared.messaging_tables import add_messaging_tables
from shared.ratelimit import add_rate_limit_table
from shared.timestamps import Instant


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
RATE_LIMITS = add_rate_limit_table(Base.metadata)


WALL_FILTERS = ("community_code", "category", "kind", "urgent", "wish_type")


class Wish(Base):
    __tablename__ = "wishes"
    # The publication job's scan: the scheduled wishes in the order they open.
    __table_args__ = (Index("ix_wishes_due", "opens_at", "id",
                            postgresql_where=text("status = 'scheduled'"),
                            sqlite_where=text("status = 'scheduled'")),
                      # and the wishes whose community window is still to be announced closed
                      Index("ix_wishes_window", "citywide_at",
                            postgresql_where=text("NOT citywide_announced"),
                            sqlite_where=text("NOT citywide_announced")),
                      # the escalation scan: open wishes nobody has taken, not yet escalated
                      Index("ix_wishes_unescalated", "published_at",
                            postgresql_where=text(
                                "status = 'published' AND escalated_at IS NULL"),
                            sqlite_where=text("status = 'published' AND escalated_at IS NULL")),
                      # The wall: its order and keyset read backwards, and its total counted
                      # from the index alone under the usual filters (PostgreSQL's INCLUDE).
                      Index("ix_wishes_wall", "published_at", "id",
                            postgresql_include=list(WALL_FILTERS),
                            postgresql_where=text("status = 'published'"),
                            sqlite_where=text("status = 'published'")),
                      Index("ix_wishes_wall_category", "category", "published_at", "id",
                            postgresql_include=["community_code"],
                            postgresql_where=text("status = 'published'"),
                            sqlite_where=text("status = 'published'")),
                      # 圆梦故事: the confirmed wishes told in public, newest first.
                      Index("ix_wishes_stories", "story_at", "id",
                            postgresql_where=text("story_at IS NOT NULL"),
                            sqlite_where=text("story_at IS NOT NULL")))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    wisher_display: Mapped[str] = mapped_column(String(50))  # already masked: 张*
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)  # scheduled, then published …
    claim_id: Mapped[str | None] = mapped_column(String(36))
    published_at: Mapped[datetime | None] = mapped_column(Instant)
    # Publication: when its meeting-day batch opens (the job opens it then, unless held), the
    # batch it opened with, and when the community's window gives way to the whole city.
    opens_at: Mapped[datetime | None] = mapped_column(Instant)
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    batch: Mapped[str | None] = mapped_column(String(64))
    citywide_at: Mapped[datetime | None] = mapped_column(Instant)
    citywide_announced: Mapped[bool] = mapped_column(Boolean, default=False)  # opened_citywide
    # When nobody took it in time and it went to its community party organisation (上报).
    escalated_at: Mapped[datetime | None] = mapped_column(Instant)
    # Masked phone and address, shown only to the wish's own claimer and its liaisons.
    contact_masked: Mapped[dict | None] = mapped_column(JSON)
    submitted_by: Mapped[str | None] = mapped_column(String(36))
    # As verification sorted it: service category, skills needed, the standard and the due date.
    category: Mapped[str | None] = mapped_column(String(20), index=True)
    skills: Mapped[list | None] = mapped_column(JSON)
    service_standard: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    wish_type: Mapped[str] = mapped_column(String(20), default="individual")  # or team
    # A group claim (帮帮团): how many may serve together (None: one claimer), and how many
    # places its group still has while it forms. A forming group's wish stays published (on the
    # wall, to join) with its claim_id set; it is claimed once the group is full.
    capacity: Mapped[int | None] = mapped_column(Integer)
    places_left: Mapped[int] = mapped_column(Integer, default=0)
    # The wisher's consents: the liaison may tell its claimer the phone (sealed alone, until the
    # deed is confirmed), and the deed may be told in public (stories.rules.publicity_counts);
    # story_at is when it became a 圆梦故事 (its confirmation), None while it is none.
    share_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    publicity: Mapped[bool] = mapped_column(Boolean, default=False)
    story_at: Mapped[datetime | None] = mapped_column(Instant)


# Open wishes (SQL), said as the wall's indexes say it: a bound 'published' would keep a prepared
# statement's generic plan off those partial indexes.
PUBLISHED = Wish.status == literal_column("'published'")


def open_to(community_code: str | None, now):
    """The wishes a member of `community_code` may claim at `now` (SQL): their community's, and
    any whose community window has closed (publication.rules.may_claim says it of one wish)."""
    return or_(Wish.citywide_at.is_(None), Wish.citywide_at <= now,
               Wish.community_code == community_code)


def skill_pattern(skill: str) -> str:
    """What `needs_skill` looks for in the text of a wish's JSON list of skills."""
    return f'%"{skill}"%'


def needs_skill(skill):
    """The wishes that need `skill` (SQL): a JSON list of vocabulary codes, so its text holds
    "electrician" exactly, on PostgreSQL and SQLite alike. `skill` is a code, or a bind parameter
    that will hold its `skill_pattern`."""
    return Wish.skills.cast(String).like(skill_pattern(skill) if isinstance(skill, str) else skill)


class Claim(Base):
    __tablename__ = "claims"
    # A claimer's Idempotency-Key names one claim: a double tap gets the same one back; and the
    # claims-per-round allowance counts a claimer's claims in one round.
    __table_args__ = (UniqueConstraint("member_id", "idempotency_key", name="uq_claim_key"),
                      Index("ix_claims_round", "member_id", "round"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    wish_id: Mapped[str] = mapped_column(ForeignKey("wishes.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(Instant)
    fulfilled_at: Mapped[datetime | None] = mapped_column(Instant)
    confirmed_at: Mapped[datetime | None] = mapped_column(Instant)
    released_at: Mapped[datetime | None] = mapped_column(Instant)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    members: Mapped[list | None] = mapped_column(JSON, default=list)  # who serves: an organisation
    team: Mapped[bool] = mapped_column(Boolean, default=False)  # a group claim (帮帮团)
    # The round it counts in for the claimer's claims-per-round allowance (claims.rules).
    round: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date | None] = mapped_column(Date)  # claims.rules.due_on: when it must be done
    # Why it was given up (claims.rules.RELEASE_REASONS), in whose words, and by whom.
    release_reason: Mapped[str | None] = mapped_column(String(32))
    release_note: Mapped[str | None] = mapped_column(Text)
    released_by: Mapped[str | None] = mapped_column(String(64))
    reinstated_at: Mapped[datetime | None] = mapped_column(Instant)  # a release undone
    # The last time its deed, reported done, was said not to be, and why (the liaison's words).
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    disputed_at: Mapped[datetime | None] = mapped_column(Instant)


class TeamMember(Base):
    """One member of a group claim (帮帮团): who joined, when, and when they left, if they did."""

    __tablename__ = "team_members"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    joined_at: Mapped[datetime] = mapped_column(Instant)
    left_at: Mapped[datetime | None] = mapped_column(Instant)


class Member(MemberCopy, Base):
    """Matching's copy of the claimers intake registered: who they are, what they offer, where."""


class Community(CommunityCopy, Base):
    """Matching's copy of the communities intake keeps: their names and meeting days."""


_UNSENT = "sent_at IS NULL AND failed_at IS NULL"


class Notice(Base):
    """A notification to a person, written in the same commit as what caused it, then delivered
    (and retried) by the notices job: its own outbox. `key` makes each one exist once."""

    __tablename__ = "notices"
    # The delivery job's scan: what is unsent, in the order it may go out.
    # (Neither sent nor given up: an undeliverable or failed notice leaves the scan.)
    __table_args__ = (Index("ix_notices_unsent", "deliver_at", postgresql_where=text(
        _UNSENT), sqlite_where=text(_UNSENT)),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # e.g. reminder:<claim>:<rung>
    # a member's account id, or liaisons:<community> for the community's liaisons
    recipient: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))  # notices.templates.TEMPLATES
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Instant)
    deliver_at: Mapped[datetime] = mapped_column(Instant)  # after quiet hours, unless urgent
    sent_at: Mapped[datetime | None] = mapped_column(Instant)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Given up (never retried again): `failure` says why, e.g. no_address:phone,
    # rejected:isv.MOBILE_NUMBER_ILLEGAL, too_many_attempts.
    failed_at: Mapped[datetime | None] = mapped_column(Instant)
    failure: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(20))  # log | smtp | sms | wechat
    provider_id: Mapped[str | None] = mapped_column(String(100))  # the SMS BizId, WeChat msgid
    # The provider's delivery receipt: delivered | failed, its report time, its error code.
    receipt_status: Mapped[str | None] = mapped_column(String(20))
    receipt_at: Mapped[datetime | None] = mapped_column(Instant)
    receipt_error: Mapped[str | None] = mapped_column(String(200))


class Contact(Base):
    """Where a recipient is reached, sealed (shared.pii.Sealer): a member's phone, email and
    WeChat openid from member.* events, a community office's from community.* events (recipient
    liaisons:<code>). Kept apart from Member, whose columns scoring shares and must not hold it."""

    __tablename__ = "contacts"

    recipient: Mapped[str] = mapped_column(String(100), primary_key=True)
    sealed: Mapped[str | None] = mapped_column(Text)  # {"phone", "email", "wechat_openid"}
    as_of: Mapped[datetime] = mapped_column(Instant)  # a late, older event never overwrites


class Handover(Base):
    """A claimer's offer to hand their claim (or their place in a group) to another member, who
    accepts or declines; one not answered in time lapses, and the claim stays where it was."""

    __tablename__ = "handovers"
    # One open offer per claimer and claim; the lapse job's scan of open offers by expiry.
    __table_args__ = (
        Index("uq_handovers_open", "claim_id", "from_member", unique=True,
              postgresql_where=text("outcome = 'offered'"),
              sqlite_where=text("outcome = 'offered'")),
        Index("ix_handovers_expiry", "expires_at", postgresql_where=text("outcome = 'offered'"),
              sqlite_where=text("outcome = 'offered'")))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    from_member: Mapped[str] = mapped_column(String(64))
    to_member: Mapped[str] = mapped_column(String(64), index=True)
    offered_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    outcome: Mapped[str] = mapped_column(String(16))  # handover.rules.OUTCOMES
    answered_at: Mapped[datetime | None] = mapped_column(Instant)


class Assignment(Base):
    """A liaison's assignment (指派) of an escalated wish to a member or an organisation, who
    accepts (and so claims it) or declines; one not answered in time lapses."""

    __tablename__ = "assignments"
    __table_args__ = (Index("uq_assignments_open", "wish_id", unique=True,
                            postgresql_where=text("outcome = 'offered'"),
                            sqlite_where=text("outcome = 'offered'")),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    wish_id: Mapped[str] = mapped_column(ForeignKey("wishes.id"), index=True)
    to_member: Mapped[str] = mapped_column(String(64), index=True)
    by: Mapped[str] = mapped_column(String(64))  # the liaison's account id
    offered_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    outcome: Mapped[str] = mapped_column(String(16))  # handover.rules' outcomes
    answered_at: Mapped[datetime | None] = mapped_column(Instant)


class ClaimMessage(Base):
    """One message on a claim's channel between its claimer and the wish's liaison (who speaks
    for the wisher), sealed: what people type may name them."""

    __tablename__ = "claim_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(16))  # channel.rules.SIDES
    body_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Instant)


class ProofPhoto(Base):
    """A photo the claimer sent with their report of the deed, sealed; only the wish's liaisons
    open it."""

    __tablename__ = "proof_photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Instant)


class ClaimPoints(Base):
    """What one member's share of a confirmed deed earned, as scoring announced it
    (points.awarded): what 我的认领 shows beside the claim."""

    __tablename__ = "claim_points"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    points: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))  # the member's total after it
    awarded_at: Mapped[datetime] = mapped_column(Instant)


class PhoneReveal(Base):
    """A liaison told a claimer the wisher's phone (with the wisher's consent): who, to whom,
    when. Only the record is kept; the phone is opened from the wish's seal when shown."""

    __tablename__ = "phone_reveals"
    __table_args__ = (UniqueConstraint("claim_id", "member_id", name="uq_phone_reveal"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    wish_id: Mapped[str] = mapped_column(String(36), index=True)
    member_id: Mapped[str] = mapped_column(String(64))  # the claimer it was told to
    revealed_by: Mapped[str] = mapped_column(String(64))  # the liaison's account id
    revealed_at: Mapped[datetime] = mapped_column(Instant)
