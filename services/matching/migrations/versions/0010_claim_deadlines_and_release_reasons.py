"""claim deadlines and release reasons: when a claim is due, why it was given up and by whom,
and when a liaison reinstated it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('release_reason', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('release_note', sa.Text(), nullable=True))
        batch.add_column(sa.Column('released_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('reinstated_at', Instant(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        for column in ('reinstated_at', 'released_by', 'release_note', 'release_reason',
                       'due_on'):
            batch.drop_column(column)
