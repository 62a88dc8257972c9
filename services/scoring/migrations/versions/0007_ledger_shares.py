"""ledger shares: a deed's points split among those who did it, in hundredths; one entry per
member of a claim

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# 0001 left the claim's unique constraint unnamed: PostgreSQL named it, SQLite's copy is named here.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_unique() -> str:
    return "ledger_claim_id_key" if op.get_bind().dialect.name == "postgresql" else "uq_ledger_claim_id"


def upgrade() -> None:
    with op.batch_alter_table('ledger', naming_convention=_SQLITE_NAMES) as batch:
        batch.drop_constraint(_old_unique(), type_='unique')
        batch.alter_column('points', existing_type=sa.Integer(),
                           type_=sa.Numeric(8, 2), existing_nullable=False)
        batch.create_unique_constraint('uq_ledger_share', ['claim_id', 'member_id'])


def downgrade() -> None:
    with op.batch_alter_table('ledger', naming_convention=_SQLITE_NAMES) as batch:
        batch.drop_constraint('uq_ledger_share', type_='unique')
        batch.alter_column('points', existing_type=sa.Numeric(8, 2),
                           type_=sa.Integer(), existing_nullable=False)
        batch.create_unique_constraint(_old_unique(), ['claim_id'])
