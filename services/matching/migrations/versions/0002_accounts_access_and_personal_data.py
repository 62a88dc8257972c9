"""accounts, access and personal data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:36:26.745460

"""
from typing import Sequence, Union

from alembic import op

from shared.ratelimit import create_rate_limit_table_v1
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    create_rate_limit_table_v1(op)
    op.add_column('claims', sa.Column('unit_code', sa.String(length=32), nullable=True))
    op.add_column('claims', sa.Column('released_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('wishes', sa.Column('contact_masked', sa.JSON(), nullable=True))
    op.add_column('wishes', sa.Column('submitted_by', sa.String(length=36), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('wishes', 'submitted_by')
    op.drop_column('wishes', 'contact_masked')
    op.drop_column('claims', 'released_at')
    op.drop_column('claims', 'unit_code')
    op.drop_table('rate_limits')
