"""annual honours (letter, star, district) with their official process, and the numbering of
their documents

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0010'
# The integrator rechains this after 0009 (statistics), built in parallel.
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'honours',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('member_id', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('points', sa.Numeric(8, 2), nullable=False),
        sa.Column('community_code', sa.String(length=32), nullable=True),
        sa.Column('unit_code', sa.String(length=32), nullable=True),
        sa.Column('unit_name', sa.String(length=100), nullable=True),
        sa.Column('granted_at', Instant(), nullable=False),
        sa.Column('nominated_by', sa.String(length=64), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reviewed_by', sa.String(length=64), nullable=True),
        sa.Column('issued_by', sa.String(length=64), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('listed_by', sa.String(length=64), nullable=True),
        sa.Column('revoked_number', sa.Integer(), nullable=True),
        sa.Column('revoked_on', sa.Date(), nullable=True),
        sa.Column('history', sa.JSON(), nullable=False),
        sa.UniqueConstraint('member_id', 'year', 'level', name='uq_honour'),
        sa.UniqueConstraint('year', 'number', name='uq_honour_number'),
        sa.UniqueConstraint('year', 'revoked_number', name='uq_honour_revoked_number'))
    op.create_index('ix_honours_member_id', 'honours', ['member_id'])
    op.create_index('ix_honours_year', 'honours', ['year'])
    op.create_index('ix_honours_status', 'honours', ['status'])
    op.create_index('ix_honours_community_code', 'honours', ['community_code'])
    op.create_table(
        'honour_serials',
        sa.Column('series', sa.String(length=16), primary_key=True),
        sa.Column('last', sa.Integer(), nullable=False))


def downgrade() -> None:
    op.drop_table('honour_serials')
    for column in ('community_code', 'status', 'year', 'member_id'):
        op.drop_index(f'ix_honours_{column}', table_name='honours')
    op.drop_table('honours')
