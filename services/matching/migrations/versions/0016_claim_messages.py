"""claim messages: the brokered channel between a claimer and the wish's liaison

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 23:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'claim_messages',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('claim_id', sa.String(length=36), sa.ForeignKey('claims.id'), nullable=False),
        sa.Column('author_id', sa.String(length=64), nullable=False),
        sa.Column('side', sa.String(length=16), nullable=False),
        sa.Column('body_sealed', sa.Text(), nullable=False),
        sa.Column('created_at', Instant(), nullable=False))
    op.create_index('ix_claim_messages_claim_id', 'claim_messages', ['claim_id'])


def downgrade() -> None:
    op.drop_table('claim_messages')
