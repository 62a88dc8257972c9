"""ledger community

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Each ledger entry records the community of its deed (entries paid before have none)."""
    op.add_column('ledger', sa.Column('community_code', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_ledger_community_code'), 'ledger', ['community_code'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_ledger_community_code'), table_name='ledger')
    with op.batch_alter_table('ledger') as batch:  # SQLite drops a column by copying the table
        batch.drop_column('community_code')
