"""assignments: a liaison's assignment (指派) of an escalated wish to a member or organisation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN = sa.text("outcome = 'offered'")


def upgrade() -> None:
    op.create_table(
        'assignments',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('wish_id', sa.String(length=36), sa.ForeignKey('wishes.id'), nullable=False),
        sa.Column('to_member', sa.String(length=64), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.Column('offered_at', Instant(), nullable=False),
        sa.Column('expires_at', Instant(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('answered_at', Instant(), nullable=True))
    op.create_index('ix_assignments_wish_id', 'assignments', ['wish_id'])
    op.create_index('ix_assignments_to_member', 'assignments', ['to_member'])
    op.create_index('uq_assignments_open', 'assignments', ['wish_id'], unique=True,
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_table('assignments')
