"""Reading notices for the routes and pages: the caller's own, as answers show them."""
from __future__ import annotations

from sqlalchemy import select

from services.scoring.notices import actions, rules
from services.scoring.notices.models import ParticipationNotice as Notice
from shared.access import DISTRICT_ADMIN, STREET_ADMIN, UNIT_ADMIN


def visible(session, who, query: dict) -> list[Notice]:
    stmt = select(Notice).order_by(Notice.id.desc())
    if who.role == STREET_ADMIN:
        stmt = stmt.where(Notice.kind == rules.INACTIVE,
                          Notice.community_code.in_(who.communities or [""]))
    elif who.role == UNIT_ADMIN:
        stmt = stmt.where(Notice.unit_code == (who.unit or ""), Notice.status == rules.ISSUED)
    elif who.role != DISTRICT_ADMIN:
        return []
    for column, key in ((Notice.status, "status"), (Notice.kind, "kind")):
        if query.get(key):
            stmt = stmt.where(column == query[key])
    return list(session.scalars(stmt))


def one(session, who, notice_id: str) -> Notice:
    notice = session.get(Notice, int(notice_id)) if notice_id.isdigit() else None
    if notice is None or not actions.visible_to(who, notice):
        raise rules.refused(404, "not_found")
    return notice


def as_dict(n: Notice, who=None) -> dict:
    step = next((s for s, (start, _end) in rules.STEPS.items() if start == n.status), None)
    return {"id": n.id, "kind": n.kind, "title": rules.KIND_ZH[n.kind], "status": n.status,
            "status_zh": rules.STATUS_ZH[n.status], "unit_code": n.unit_code,
            "unit_name": n.unit_name, "community_code": n.community_code,
            "district": n.district, "period": n.period, "start": n.start.isoformat(),
            "end": n.end.isoformat(), "facts": n.facts, "body": n.body,
            "edited_by": n.edited_by, "number": rules.number_text(n.year, n.number),
            "issued_on": n.issued_on.isoformat() if n.issued_on else None,
            "next_step": step, "next_step_by": rules.ACTOR[n.kind] if step else None,
            "mine": bool(who and step and who.role == rules.ACTOR[n.kind]),
            "pdf": f"/api/v1/notices/{n.id}/notice.pdf" if n.status == rules.ISSUED else None,
            "history": n.history}
