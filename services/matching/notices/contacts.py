"""Where notices reach people: the sealed contacts matching keeps from intake's events, a member's
under their account id and a community office's under liaisons:<code>; opened only to send."""
from __future__ import annotations

from sqlalchemy import select

from services.matching.models import Contact
from shared.timestamps import as_utc

FIELDS = ("phone", "email", "wechat_openid")  # what a contact may hold, as each channel needs


def _keep(uow, recipient: str, sealed: str | None, occurred_at) -> None:
    """The recipient's contact as of the event; a late, older event never overwrites it."""
    row = uow.session.get(Contact, recipient)
    if row is None:
        uow.session.add(Contact(recipient=recipient, sealed=sealed, as_of=occurred_at))
    elif as_utc(row.as_of) < as_utc(occurred_at):
        row.sealed, row.as_of = sealed, occurred_at


def keep_member(uow, event) -> None:
    """member.registered / member.updated: the member's sealed contact (None: intake has none)."""
    _keep(uow, event.payload.member_id, event.payload.contact_sealed, event.occurred_at)


def keep_community(uow, event) -> None:
    """community.*: the office contact its liaisons' notices go to."""
    _keep(uow, f"liaisons:{event.payload.code}", event.payload.office_contact_sealed,
          event.occurred_at)


class AddressBook:
    """Opens the contacts of the recipients a delivery scan is about to send to."""

    def __init__(self, sealer):
        self.sealer = sealer

    def addresses(self, session, recipients: set[str], field: str) -> dict[str, str]:
        """recipient → the `field` of their contact, for those who have one (one query); a
        contact sealed with a key nobody holds any more counts as none."""
        if not recipients:
            return {}
        found = {}
        for recipient, sealed in session.execute(select(Contact.recipient, Contact.sealed).where(
                Contact.recipient.in_(recipients), Contact.sealed.is_not(None))):
            try:
                value = (self.sealer.open(sealed) or {}).get(field)
            except (ValueError, AttributeError):
                continue
            if isinstance(value, str) and value.strip():
                found[recipient] = value.strip()
        return found
