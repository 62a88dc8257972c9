"""The leaderboards' one use case: a member chooses whether the members' board lists them."""
from __future__ import annotations

from datetime import datetime

from services.scoring.leaderboards.models import LeaderboardPreference
from shared import audit
from shared.sql import insert_for


def set_listed(uow, who, listed: bool, now: datetime) -> None:
    """Upsert the choice (two taps at once leave one row), audited."""
    session = uow.session
    session.execute(insert_for(session.bind.dialect.name)(LeaderboardPreference).values(
        member_id=who.id, listed=listed, set_at=now).on_conflict_do_nothing())
    row = session.get(LeaderboardPreference, who.id, with_for_update=True, populate_existing=True)
    row.listed, row.set_at = listed, now
    audit.record(uow, who, "leaderboard.preference", "member", who.id, None, {"listed": listed})
