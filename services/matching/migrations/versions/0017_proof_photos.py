"""proof photos: what a claimer sends with their report of the deed, sealed

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 23:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'proof_photos',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('claim_id', sa.String(length=36), sa.ForeignKey('claims.id'), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data_sealed', sa.Text(), nullable=False),
        sa.Column('created_at', Instant(), nullable=False))
    op.create_index('ix_proof_photos_claim_id', 'proof_photos', ['claim_id'])


def downgrade() -> None:
    op.drop_table('proof_photos')
