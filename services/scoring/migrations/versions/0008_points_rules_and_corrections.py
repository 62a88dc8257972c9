"""points rules per community with the dates they apply from; corrections as reversing entries;
the wish's title on each entry for the points card

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:15:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('ledger') as batch:
        batch.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('reverses', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch.create_foreign_key('fk_ledger_reverses', 'ledger', ['reverses'], ['id'])
        batch.create_unique_constraint('uq_ledger_reverses', ['reverses'])
        batch.drop_constraint('uq_ledger_share', type_='unique')
        batch.create_unique_constraint('uq_ledger_share', ['claim_id', 'member_id', 'reason'])
    op.create_table(
        'point_rules',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('applies_from', sa.Date(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('set_by', sa.String(length=64), nullable=False),
        sa.Column('set_at', Instant(), nullable=False),
        sa.UniqueConstraint('scope', 'applies_from', name='uq_point_rule_day'))


def downgrade() -> None:
    op.drop_table('point_rules')
    with op.batch_alter_table('ledger') as batch:
        batch.drop_constraint('uq_ledger_share', type_='unique')
        batch.create_unique_constraint('uq_ledger_share', ['claim_id', 'member_id'])
        batch.drop_constraint('uq_ledger_reverses', type_='unique')
        batch.drop_constraint('fk_ledger_reverses', type_='foreignkey')
        for column in ('note', 'by', 'reverses', 'title'):
            batch.drop_column(column)
