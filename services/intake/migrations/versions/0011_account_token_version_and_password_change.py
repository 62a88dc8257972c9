"""accounts: a token version (disabling or a reset ends every session) and must-change-password

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('token_version', sa.Integer(), server_default='0',
                                        nullable=False))
    op.add_column('accounts', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))


def downgrade() -> None:
    op.drop_column('accounts', 'must_change_password')
    op.drop_column('accounts', 'token_version')
