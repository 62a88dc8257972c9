"""notices of members and units who do not take part, and the half-yearly feedback to units

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 02:00:00

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
        'participation_notices',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('unit_code', sa.String(length=32), nullable=False),
        sa.Column('unit_name', sa.String(length=100), nullable=False),
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('community_code', sa.String(length=32), nullable=True),
        sa.Column('district', sa.String(length=32), nullable=False),
        sa.Column('period', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('edited_by', sa.String(length=64), nullable=True),
        sa.Column('drafted_at', Instant(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=64), nullable=True),
        sa.Column('issued_by', sa.String(length=64), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('history', sa.JSON(), nullable=False),
        sa.UniqueConstraint('kind', 'unit_code', 'scope', 'period', name='uq_notice'),
        sa.UniqueConstraint('year', 'number', name='uq_notice_number'))
    op.create_index('ix_participation_notices_unit_code', 'participation_notices', ['unit_code'])
    op.create_index('ix_participation_notices_community_code', 'participation_notices',
                    ['community_code'])
    op.create_index('ix_participation_notices_status', 'participation_notices', ['status'])
    op.create_table(
        'feedback_reports',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('unit_code', sa.String(length=32), nullable=False),
        sa.Column('unit_name', sa.String(length=100), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('half', sa.Integer(), nullable=False),
        sa.Column('generated_at', Instant(), nullable=False),
        sa.Column('generated_by', sa.String(length=64), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.UniqueConstraint('unit_code', 'year', 'half', name='uq_feedback_report'))
    op.create_index('ix_feedback_reports_unit_code', 'feedback_reports', ['unit_code'])


def downgrade() -> None:
    op.drop_index('ix_feedback_reports_unit_code', table_name='feedback_reports')
    op.drop_table('feedback_reports')
    for column in ('status', 'community_code', 'unit_code'):
        op.drop_index(f'ix_participation_notices_{column}', table_name='participation_notices')
    op.drop_table('participation_notices')
