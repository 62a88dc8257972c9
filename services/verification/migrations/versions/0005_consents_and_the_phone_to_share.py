"""consents and the phone the wisher agreed to share

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('reviews') as batch:
        batch.add_column(sa.Column('consents', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('phone_sealed', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('phone_sealed')
        batch.drop_column('consents')
