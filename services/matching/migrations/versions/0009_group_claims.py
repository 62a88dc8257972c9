"""group claims (帮帮团): a wish's capacity and the places its group has left, the members of a
group claim; the round a claim counts in

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('wishes') as batch:
        batch.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('places_left', sa.Integer(), nullable=False,
                                   server_default='0'))
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('round', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('team', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_index('ix_claims_round', 'claims', ['member_id', 'round'])
    op.create_table(
        'team_members',
        sa.Column('claim_id', sa.String(length=36), sa.ForeignKey('claims.id'), primary_key=True),
        sa.Column('member_id', sa.String(length=64), primary_key=True),
        sa.Column('unit_code', sa.String(length=32), nullable=True),
        sa.Column('joined_at', Instant(), nullable=False),
        sa.Column('left_at', Instant(), nullable=True))
    op.create_index('ix_team_members_member_id', 'team_members', ['member_id'])


def downgrade() -> None:
    op.drop_index('ix_team_members_member_id', table_name='team_members')
    op.drop_table('team_members')
    op.drop_index('ix_claims_round', table_name='claims')
    with op.batch_alter_table('claims') as batch:
        batch.drop_column('team')
        batch.drop_column('round')
    with op.batch_alter_table('wishes') as batch:
        batch.drop_column('places_left')
        batch.drop_column('capacity')
