"""The programme's figures as the seed reports state them, over the wishes' rows. No I/O."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from shared.timestamps import as_utc
from shared.vocab import CATEGORIES, KIND_LABELS, WISH_TYPES

ACTIVE = ("claimed", "fulfilled", "confirmed")  # a claim given up (released) is no claim
DONE = ("fulfilled", "confirmed")
# Who claimed a wish (浦东: 284 by party members, the rest by party organisations and citizens).
CLAIMERS = {"party_member": "党员", "party_org": "党组织", "company": "企业",
            "other_org": "其他单位和组织", "citizen": "爱心群众", "unknown": "尚未登记"}
UNKNOWN = "未知"
UNCATEGORISED = "未分类"


@dataclass(frozen=True)
class Row:
    """One wish as the figures see it: where, what, and how far it got."""

    community_code: str | None = None
    community_name: str | None = None
    street: str | None = None
    district: str | None = None
    district_name: str | None = None
    kind: str | None = None
    wish_type: str | None = None
    category: str | None = None
    urgent: bool = False
    verified: bool = False
    rejected: bool = False
    published_at: datetime | None = None
    first_claimed_at: datetime | None = None
    fulfilled_at: datetime | None = None
    claim_state: str | None = None
    claimed_by: str | None = None  # one of CLAIMERS, for a claimed wish

    @property
    def claimed(self) -> bool:
        return self.claim_state in ACTIVE

    @property
    def fulfilled(self) -> bool:
        return self.claim_state in DONE

    @property
    def confirmed(self) -> bool:
        return self.claim_state == "confirmed"


def claimer_group(kind: str | None, party_member: bool | None, org_type: str | None) -> str:
    """Which of CLAIMERS a claimer is, from the member copy (unknown until intake announced them)."""
    if kind == "person":
        return "party_member" if party_member else "citizen"
    if kind == "organisation":
        return org_type if org_type in ("party_org", "company") else "other_org"
    return "unknown"


def counts(rows: list[Row]) -> dict:
    """How many were collected, verified, published, claimed, fulfilled, confirmed."""
    published = sum(r.published_at is not None for r in rows)
    claimed = sum(r.claimed for r in rows)
    return {"collected": len(rows), "verified": sum(r.verified for r in rows),
            "rejected": sum(r.rejected for r in rows), "urgent": sum(r.urgent for r in rows),
            "published": published, "claimed": claimed,
            "claimed_share": share(claimed, published),
            "fulfilled": sum(r.fulfilled for r in rows),
            "confirmed": sum(r.confirmed for r in rows)}


def share(part: int, whole: int) -> float | None:
    """part of whole, to four places (None of nothing)."""
    return round(part / whole, 4) if whole else None


def claimed_by(rows: list[Row]) -> list[dict]:
    """The claimed wishes by who claimed them, every group listed (0 too), with its share."""
    seen = Counter(r.claimed_by or "unknown" for r in rows if r.claimed)
    total = sum(seen.values())
    return [{"code": code, "label": label, "count": seen[code], "share": share(seen[code], total)}
            for code, label in CLAIMERS.items()]


def _breakdown(rows: list[Row], key, vocab: dict | None = None) -> list[dict]:
    """The counts of each group of `rows` (`key` of a row: its code and its label)."""
    groups: dict = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    if vocab:  # a fixed vocabulary: every entry in its order (0 too), then anything else heard of
        order = list(vocab.items())
        order += sorted((k for k in groups if k not in order), key=lambda k: str(k[0]))
    else:
        order = sorted(groups, key=lambda k: (k[0] is None, str(k[0])))
    return [{"code": code, "label": label, **_short(groups.get((code, label), []))}
            for code, label in order]


def _short(rows: list[Row]) -> dict:
    c = counts(rows)
    return {k: c[k] for k in ("collected", "published", "claimed", "fulfilled", "confirmed")}


def _labelled(vocab: dict, code: str | None, missing: str = UNKNOWN) -> tuple:
    return code, vocab.get(code, code) if code else missing


def breakdowns(rows: list[Row]) -> dict:
    """The counts by material/spiritual, individual/team, category, community, street, district."""
    return {
        "by_kind": _breakdown(rows, lambda r: _labelled(KIND_LABELS, r.kind), KIND_LABELS),
        "by_wish_type": _breakdown(rows, lambda r: _labelled(WISH_TYPES, r.wish_type), WISH_TYPES),
        "by_category": _breakdown(rows, lambda r: _labelled(CATEGORIES, r.category, UNCATEGORISED),
                                  CATEGORIES),
        "by_community": _breakdown(rows, lambda r: (r.community_code, r.community_name
                                                    or r.community_code or UNKNOWN)),
        "by_street": _breakdown(rows, lambda r: (r.street, r.street or UNKNOWN)),
        "by_district": _breakdown(rows, lambda r: (r.district, r.district_name or r.district
                                                   or UNKNOWN)),
    }


def _spans(pairs) -> list[float]:
    return [(as_utc(b) - as_utc(a)).total_seconds() for a, b in pairs
            if a is not None and b is not None and as_utc(b) >= as_utc(a)]


def timing(seconds: list[float]) -> dict:
    """How many, the median and the fastest, in seconds and in Chinese words."""
    mid, fastest = (median(seconds), min(seconds)) if seconds else (None, None)
    return {"count": len(seconds), "median_seconds": mid, "fastest_seconds": fastest,
            "median_zh": duration_zh(mid), "fastest_zh": duration_zh(fastest)}


def times(rows: list[Row]) -> dict:
    """From publication to the first claim (浦东's record: four minutes) and to fulfilment."""
    return {"to_claim": timing(_spans((r.published_at, r.first_claimed_at) for r in rows)),
            "to_fulfilment": timing(_spans((r.published_at, r.fulfilled_at)
                                           for r in rows if r.fulfilled))}


def duration_zh(seconds: float | None) -> str:
    """4 分钟, 2 小时 5 分钟, 3 天 4 小时: a span as a person reads it ('—' for none)."""
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days} 天 {hours} 小时" if hours else f"{days} 天"
    if hours:
        return f"{hours} 小时 {mins} 分钟" if mins else f"{hours} 小时"
    return f"{mins} 分钟" if mins else f"{int(seconds)} 秒"


def figures(rows: list[Row], active_members: int, registered_members: int) -> dict:
    """Every figure the dashboard, the API and the export show."""
    return {"totals": counts(rows), "claimed_by": claimed_by(rows), **breakdowns(rows),
            "times": times(rows),
            "members": {"registered": registered_members, "active": active_members}}
