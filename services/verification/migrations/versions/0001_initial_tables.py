"""initial tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:24:33.365279

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.messaging_tables import create_messaging_tables_v1, drop_messaging_tables_v1


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    create_messaging_tables_v1(op)
    op.create_table('reviews',
    sa.Column('wish_id', sa.String(length=36), nullable=False),
    sa.Column('community_code', sa.String(length=32), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('wish_id')
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_community_code'), ['community_code'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_community_code'))

    op.drop_table('reviews')
    drop_messaging_tables_v1(op)
