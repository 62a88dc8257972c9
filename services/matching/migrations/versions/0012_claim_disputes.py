"""claim disputes: a deed reported done that the liaison or the wisher says is not, and why

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('dispute_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('disputed_at', Instant(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.drop_column('disputed_at')
        batch.drop_column('dispute_reason')
