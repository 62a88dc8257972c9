"""The honours' settings: the year's points that earn the letter and the star."""
from __future__ import annotations

from decimal import Decimal

from services.scoring.honours.rules import Thresholds
from shared.settings import environ


def thresholds(env: dict[str, str] | None = None) -> Thresholds:
    """MICROWISH_HONOUR_LETTER_POINTS (20) and MICROWISH_HONOUR_STAR_POINTS (30); read on each
    use (a dictionary look-up), so every worker and web process counts alike."""
    env = environ(env)
    letter = Decimal(env.get("MICROWISH_HONOUR_LETTER_POINTS", "20"))
    star = Decimal(env.get("MICROWISH_HONOUR_STAR_POINTS", "30"))
    if not 0 < letter < star:
        raise ValueError("MICROWISH_HONOUR_LETTER_POINTS must be above 0 and below "
                         "MICROWISH_HONOUR_STAR_POINTS")
    return Thresholds(letter, star)
