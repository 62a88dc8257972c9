"""the wisher's consents: phone reveals to the claimer, and 圆梦 stories

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 01:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Wishes from before were never asked: no consent to either.
    with op.batch_alter_table('wishes') as batch:
        batch.add_column(sa.Column('share_phone', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('phone_sealed', sa.Text(), nullable=True))
        batch.add_column(sa.Column('publicity', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('story_at', Instant(), nullable=True))
    op.create_index('ix_wishes_stories', 'wishes', ['story_at', 'id'],
                    postgresql_where=sa.text('story_at IS NOT NULL'),
                    sqlite_where=sa.text('story_at IS NOT NULL'))
    op.create_table(
        'phone_reveals',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('claim_id', sa.String(length=36), sa.ForeignKey('claims.id'), nullable=False),
        sa.Column('wish_id', sa.String(length=36), nullable=False),
        sa.Column('member_id', sa.String(length=64), nullable=False),
        sa.Column('revealed_by', sa.String(length=64), nullable=False),
        sa.Column('revealed_at', Instant(), nullable=False),
        sa.UniqueConstraint('claim_id', 'member_id', name='uq_phone_reveal'))
    op.create_index('ix_phone_reveals_claim_id', 'phone_reveals', ['claim_id'])
    op.create_index('ix_phone_reveals_wish_id', 'phone_reveals', ['wish_id'])


def downgrade() -> None:
    op.drop_table('phone_reveals')
    op.drop_index('ix_wishes_stories', table_name='wishes')
    with op.batch_alter_table('wishes') as batch:
        for column in ('story_at', 'publicity', 'phone_sealed', 'share_phone'):
            batch.drop_column(column)
