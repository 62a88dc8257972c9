"""claim points: what each member's share of a confirmed deed earned, as scoring announced it

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 01:05:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'claim_points',
        sa.Column('claim_id', sa.String(length=36), sa.ForeignKey('claims.id'), primary_key=True),
        sa.Column('member_id', sa.String(length=64), primary_key=True),
        sa.Column('points', sa.Numeric(8, 2), nullable=False),
        sa.Column('total', sa.Numeric(10, 2), nullable=False),
        sa.Column('awarded_at', Instant(), nullable=False))


def downgrade() -> None:
    op.drop_table('claim_points')
