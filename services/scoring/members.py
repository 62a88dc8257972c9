"""Scoring's copy of the claimers intake registered: whose points, for which employer unit."""
from __future__ import annotations

from services.scoring.models import Member
from shared.member_copy import keeper

keep = keeper(Member)
