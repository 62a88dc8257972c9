"""dead_letter: our sealed inspection copy of each message this service dead-lettered

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-10 09:00:00

"""
from typing import Sequence, Union

from alembic import op

from shared.dead_letters import create_dead_letters_v1, drop_dead_letters_v1

revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_dead_letters_v1(op)


def downgrade() -> None:
    drop_dead_letters_v1(op)
