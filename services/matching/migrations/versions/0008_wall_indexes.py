"""the wall's indexes: its order and keyset, its total from the index, a category's wishes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 18:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PUBLISHED = "status = 'published'"


def upgrade() -> None:
    # Read backwards for newest first; the filters' columns included so the total is counted
    # from the index alone (bench/wall.py).
    op.create_index('ix_wishes_wall', 'wishes', ['published_at', 'id'],
                    postgresql_include=['community_code', 'category', 'kind', 'urgent',
                                        'wish_type'],
                    postgresql_where=sa.text(PUBLISHED), sqlite_where=sa.text(PUBLISHED))
    op.create_index('ix_wishes_wall_category', 'wishes', ['category', 'published_at', 'id'],
                    postgresql_include=['community_code'], postgresql_where=sa.text(PUBLISHED), sqlite_where=sa.text(PUBLISHED))


def downgrade() -> None:
    op.drop_index('ix_wishes_wall_category', table_name='wishes')
    op.drop_index('ix_wishes_wall', table_name='wishes')
