"""notices: matching's notifications, each written with what caused it and delivered after

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'notices',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('key', sa.String(length=200), nullable=False, unique=True),
        sa.Column('recipient', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('created_at', Instant(), nullable=False),
        sa.Column('deliver_at', Instant(), nullable=False),
        sa.Column('sent_at', Instant(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('last_error', sa.Text(), nullable=True))
    op.create_index('ix_notices_unsent', 'notices', ['deliver_at'],
                    postgresql_where=sa.text('sent_at IS NULL'),
                    sqlite_where=sa.text('sent_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_notices_unsent', table_name='notices')
    op.drop_table('notices')
