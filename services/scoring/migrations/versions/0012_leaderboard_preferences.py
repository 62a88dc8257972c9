"""members' choice to be left off the public leaderboard, and the ledger indexed by time for
the year's boards

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0012'
# The integrator rechains this after 0011 (notices and feedback), built in parallel.
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'leaderboard_preferences',
        sa.Column('member_id', sa.String(length=64), primary_key=True),
        sa.Column('listed', sa.Boolean(), nullable=False),
        sa.Column('set_at', Instant(), nullable=False),
    )
    op.create_index('ix_ledger_at', 'ledger', ['at'])


def downgrade() -> None:
    op.drop_index('ix_ledger_at', table_name='ledger')
    op.drop_table('leaderboard_preferences')
