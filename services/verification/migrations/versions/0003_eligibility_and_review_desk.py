"""eligibility, the review desk and the allowance table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:13:18.971515

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('allowance_records',
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('district', sa.String(length=32), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id_number_hash')
    )
    op.create_table('round_entries',
    sa.Column('round', sa.String(length=10), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.Column('wish_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('round', 'id_number_hash')
    )
    op.create_index(op.f('ix_round_entries_wish_id'), 'round_entries', ['wish_id'], unique=False)
    op.add_column('reviews', sa.Column('wisher_sealed', sa.Text(), nullable=True))
    op.add_column('reviews', sa.Column('household_hash', sa.String(length=64), nullable=True))
    op.add_column('reviews', sa.Column('round', sa.String(length=10), nullable=False, server_default=''))
    op.add_column('reviews', sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
    op.add_column('reviews', sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('reviews', sa.Column('wish_type', sa.String(length=20), nullable=False, server_default='individual'))
    op.add_column('reviews', sa.Column('team', sa.JSON(), nullable=True))
    op.add_column('reviews', sa.Column('estimated_value', sa.Integer(), nullable=True))
    op.add_column('reviews', sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('reviews', sa.Column('details', sa.JSON(), nullable=True))
    op.add_column('reviews', sa.Column('category', sa.String(length=20), nullable=True))
    op.add_column('reviews', sa.Column('skills', sa.JSON(), nullable=True))
    op.add_column('reviews', sa.Column('categorisation', sa.JSON(), nullable=True))
    op.add_column('reviews', sa.Column('service_standard', sa.Text(), nullable=True))
    op.add_column('reviews', sa.Column('deadline', sa.Date(), nullable=True))
    op.add_column('reviews', sa.Column('reasons', sa.JSON(), nullable=True))
    op.create_index(op.f('ix_reviews_decision'), 'reviews', ['decision'], unique=False)
    op.create_index(op.f('ix_reviews_household_hash'), 'reviews', ['household_hash'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_reviews_household_hash'), table_name='reviews')
    op.drop_index(op.f('ix_reviews_decision'), table_name='reviews')
    op.drop_column('reviews', 'reasons')
    op.drop_column('reviews', 'deadline')
    op.drop_column('reviews', 'service_standard')
    op.drop_column('reviews', 'categorisation')
    op.drop_column('reviews', 'skills')
    op.drop_column('reviews', 'category')
    op.drop_column('reviews', 'details')
    op.drop_column('reviews', 'urgent')
    op.drop_column('reviews', 'estimated_value')
    op.drop_column('reviews', 'team')
    op.drop_column('reviews', 'wish_type')
    op.drop_column('reviews', 'received_at')
    op.drop_column('reviews', 'revision')
    op.drop_column('reviews', 'round')
    op.drop_column('reviews', 'household_hash')
    op.drop_column('reviews', 'wisher_sealed')
    op.drop_index(op.f('ix_round_entries_wish_id'), table_name='round_entries')
    op.drop_table('round_entries')
    op.drop_table('allowance_records')
