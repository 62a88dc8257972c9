"""hand-overs: a claimer's offer of their claim (or group place) to another member

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN = sa.text("outcome = 'offered'")


def upgrade() -> None:
    op.create_table(
        'handovers',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('claim_id', sa.String(length=36), sa.ForeignKey('claims.id'), nullable=False),
        sa.Column('from_member', sa.String(length=64), nullable=False),
        sa.Column('to_member', sa.String(length=64), nullable=False),
        sa.Column('offered_at', Instant(), nullable=False),
        sa.Column('expires_at', Instant(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('answered_at', Instant(), nullable=True))
    op.create_index('ix_handovers_claim_id', 'handovers', ['claim_id'])
    op.create_index('ix_handovers_to_member', 'handovers', ['to_member'])
    op.create_index('uq_handovers_open', 'handovers', ['claim_id', 'from_member'], unique=True,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_handovers_expiry', 'handovers', ['expires_at'],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_table('handovers')
