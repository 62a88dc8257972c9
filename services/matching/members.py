"""Matching's copy of the claimers intake registered: who they are, what they offer, where."""
from __future__ import annotations

from services.matching.models import Member
from shared.member_copy import keeper

keep = keeper(Member)
