"""escalation: when a wish nobody took in time went to its community party organisation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('wishes') as batch:
        batch.add_column(sa.Column('escalated_at', Instant(), nullable=True))
    # The escalation scan: open wishes nobody has taken, not yet escalated.
    op.create_index('ix_wishes_unescalated', 'wishes', ['published_at'],
                    postgresql_where=sa.text("status = 'published' AND escalated_at IS NULL"),
                    sqlite_where=sa.text("status = 'published' AND escalated_at IS NULL"))


def downgrade() -> None:
    op.drop_index('ix_wishes_unescalated', table_name='wishes')
    with op.batch_alter_table('wishes') as batch:
        batch.drop_column('escalated_at')
