"""accounts, access and personal data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:36:28.068824

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
    op.add_column('ledger', sa.Column('unit_code', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_ledger_unit_code'), 'ledger', ['unit_code'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_ledger_unit_code'), table_name='ledger')
    op.drop_column('ledger', 'unit_code')
