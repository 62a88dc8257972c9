"""verification's category, skills, standard and deadline

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:46:04.698695

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('wishes', sa.Column('category', sa.String(length=20), nullable=True))
    op.add_column('wishes', sa.Column('skills', sa.JSON(), nullable=True))
    op.add_column('wishes', sa.Column('service_standard', sa.Text(), nullable=True))
    op.add_column('wishes', sa.Column('deadline', sa.Date(), nullable=True))
    op.add_column('wishes', sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(op.f('ix_wishes_category'), 'wishes', ['category'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_wishes_category'), table_name='wishes')
    op.drop_column('wishes', 'urgent')
    op.drop_column('wishes', 'deadline')
    op.drop_column('wishes', 'service_standard')
    op.drop_column('wishes', 'skills')
    op.drop_column('wishes', 'category')
