"""consents to share the phone and to publish the story

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Rows from before: nobody was asked, so nobody agreed.
    with op.batch_alter_table('submissions') as batch:
        batch.add_column(sa.Column('consent_share_phone', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('consent_publicity', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('submissions') as batch:
        batch.drop_column('consent_publicity')
        batch.drop_column('consent_share_phone')
