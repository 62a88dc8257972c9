"""What the leaderboards take: the year (China's; this year by default) and the board, and a
member's choice to be listed."""
from __future__ import annotations

from marshmallow import fields, validate

from services.scoring.leaderboards.rules import BOARDS, MEMBERS
from shared.fields import Flag, Strict, choice


class BoardQuery(Strict):
    year = fields.Integer(load_default=None,
                          validate=validate.Range(2000, 2100, error="out_of_range"))
    board = choice(BOARDS, load_default=MEMBERS)


class PreferenceSchema(Strict):
    listed = Flag(required=True)
