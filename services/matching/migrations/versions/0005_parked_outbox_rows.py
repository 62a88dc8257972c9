"""parked outbox rows

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:20:00

"""
from typing import Sequence, Union

from alembic import op

from shared.messaging_tables import park_outbox_v2, unpark_outbox_v2

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    park_outbox_v2(op)


def downgrade() -> None:
    unpark_outbox_v2(op)
