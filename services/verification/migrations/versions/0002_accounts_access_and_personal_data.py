"""accounts, access and personal data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:36:25.284274

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('reviews', sa.Column('decided_by', sa.String(length=64), nullable=False, server_default='service'))
    op.add_column('reviews', sa.Column('source', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('reviews', sa.Column('source_ref', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('reviews', sa.Column('title', sa.String(length=100), nullable=False, server_default=''))
    op.add_column('reviews', sa.Column('description', sa.Text(), nullable=True))
    op.add_column('reviews', sa.Column('kind', sa.String(length=20), nullable=False, server_default='material'))
    op.add_column('reviews', sa.Column('wisher_display', sa.String(length=50), nullable=False, server_default='*'))
    op.add_column('reviews', sa.Column('contact_masked', sa.JSON(), nullable=True))
    op.add_column('reviews', sa.Column('submitted_by', sa.String(length=36), nullable=True))
    op.add_column('reviews', sa.Column('id_number_hash', sa.String(length=64), nullable=True))
    op.add_column('reviews', sa.Column('minor', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(op.f('ix_reviews_id_number_hash'), 'reviews', ['id_number_hash'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_reviews_id_number_hash'), table_name='reviews')
    op.drop_column('reviews', 'minor')
    op.drop_column('reviews', 'id_number_hash')
    op.drop_column('reviews', 'submitted_by')
    op.drop_column('reviews', 'contact_masked')
    op.drop_column('reviews', 'wisher_display')
    op.drop_column('reviews', 'kind')
    op.drop_column('reviews', 'description')
    op.drop_column('reviews', 'title')
    op.drop_column('reviews', 'source_ref')
    op.drop_column('reviews', 'source')
    op.drop_column('reviews', 'decided_by')
