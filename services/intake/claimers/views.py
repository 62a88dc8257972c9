"""How members and organisations are shown: phones in clear only to their own people."""
from __future__ import annotations

from services.intake.claimers.models import KIND_LABELS, ORG_TYPES, Member, Organisation
from shared.pii import mask_phone
from shared.vocab import SKILLS, TIMES


def _phone(sealer, sealed: str | None, own: bool) -> dict:
    phone = sealer.open_optional(sealed)
    if phone is None:
        return {"phone": None} if own else {"phone_masked": None}
    return {"phone": phone} if own else {"phone_masked": mask_phone(phone)}


def _offer(row) -> dict:
    return {"skills": list(row.skills or ()),
            "skill_labels": [SKILLS.get(s, s) for s in row.skills or ()],
            "skills_other": row.skills_other,
            "available_times": list(row.available_times or ()),
            "available_time_labels": [TIMES.get(t, t) for t in row.available_times or ()],
            "available_times_note": row.available_times_note}


def member_view(member: Member, sealer, own: bool = False) -> dict:
    """A claimer's profile; `own` (the member themself) shows their phone and username."""
    body = {"id": member.id, "kind": member.kind, "kind_label": KIND_LABELS[member.kind],
            "name": member.name, **_phone(sealer, member.phone_enc, own),
            "party_member": member.party_member, "unit_code": member.unit_code,
            "unit_name": member.unit_name, "community_code": member.community_code,
            "org_code": member.org_code, "registered_at": member.created_at.isoformat(),
            "updated_at": member.updated_at.isoformat(), **_offer(member)}
    org = member.organisation
    if org is not None:  # an admin: what they offer is their organisation's
        body["organisation"] = {"code": org.code, "name": org.name, "type": org.type,
                                "type_label": ORG_TYPES[org.type]}
    return body


def organisation_view(org: Organisation, sealer, own: bool = False) -> dict:
    """An organisation with its admins; `own` (one of its admins) shows the contact phone."""
    contact = _phone(sealer, org.contact_phone_enc, own)
    return {"code": org.code, "name": org.name, "type": org.type,
            "type_label": ORG_TYPES[org.type], "community_code": org.community_code,
            "contact_name": org.contact_name,
            **{f"contact_{k}": v for k, v in contact.items()}, **_offer(org),
            "admins": [{"id": a.id, "name": a.name, **_phone(sealer, a.phone_enc, False)}
                       for a in org.admins],
            "registered_at": org.created_at.isoformat(), "updated_at": org.updated_at.isoformat()}
