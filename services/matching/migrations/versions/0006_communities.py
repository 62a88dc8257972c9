"""communities

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:08:41.308571

"""
from typing import Sequence, Union

from alembic import op

from shared import community_copy


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    community_copy.create_table(op)


def downgrade() -> None:
    community_copy.drop_table(op)
