"""community office contact: the phone and email its liaisons' notices go to, sealed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('communities', sa.Column('office_contact_enc', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('communities', 'office_contact_enc')
