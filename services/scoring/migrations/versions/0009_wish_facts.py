"""wish facts: one row per wish, from its events, for the programme's statistics

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_WHEN = ('details_as_of', 'collected_at', 'submitted_at', 'verified_at', 'rejected_at',
         'published_at', 'erased_at', 'first_claimed_at')
_CLAIM_WHEN = ('claim_as_of', 'claimed_at', 'fulfilled_at', 'confirmed_at')


def upgrade() -> None:
    op.create_table(
        'wish_facts',
        sa.Column('wish_id', sa.String(length=36), nullable=False),
        sa.Column('community_code', sa.String(length=32), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('wish_type', sa.String(length=20), nullable=True),
        sa.Column('category', sa.String(length=30), nullable=True),
        sa.Column('urgent', sa.Boolean(), nullable=True),
        *[sa.Column(name, sa.DateTime(timezone=True), nullable=True) for name in _WHEN],
        sa.Column('claim_id', sa.String(length=36), nullable=True),
        sa.Column('claimer_id', sa.String(length=64), nullable=True),
        sa.Column('serving', sa.JSON(), nullable=True),
        sa.Column('claim_state', sa.String(length=20), nullable=True),
        *[sa.Column(name, sa.DateTime(timezone=True), nullable=True) for name in _CLAIM_WHEN],
        sa.PrimaryKeyConstraint('wish_id'))
    op.create_index('ix_wish_facts_community_code', 'wish_facts', ['community_code'])
    op.create_index('ix_wish_facts_collected_at', 'wish_facts', ['collected_at'])
    op.create_index('ix_wish_facts_claimed_at', 'wish_facts', ['claimed_at'])


def downgrade() -> None:
    op.drop_index('ix_wish_facts_claimed_at', table_name='wish_facts')
    op.drop_index('ix_wish_facts_collected_at', table_name='wish_facts')
    op.drop_index('ix_wish_facts_community_code', table_name='wish_facts')
    op.drop_table('wish_facts')
