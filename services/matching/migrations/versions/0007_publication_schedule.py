"""meeting-day publication: when a wish opens, held, its batch, the community window; its type;
a claim's idempotency key and the members an organisation names to serve

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('wishes') as batch:  # SQLite rebuilds the table to drop NOT NULL
        batch.alter_column('published_at', existing_type=Instant(), nullable=True)
        batch.add_column(sa.Column('opens_at', Instant(), nullable=True))
        batch.add_column(sa.Column('held', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('batch', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('citywide_at', Instant(), nullable=True))
        batch.add_column(sa.Column('citywide_announced', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('wish_type', sa.String(length=20), nullable=False,
                                   server_default='individual'))
    # The publication job's scan: the scheduled wishes in the order they open.
    op.create_index('ix_wishes_due', 'wishes', ['opens_at', 'id'],
                    postgresql_where=sa.text("status = 'scheduled'"),
                    sqlite_where=sa.text("status = 'scheduled'"))
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('idempotency_key', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('members', sa.JSON(), nullable=True))
        batch.create_unique_constraint('uq_claim_key', ['member_id', 'idempotency_key'])
    op.create_index('ix_wishes_window', 'wishes', ['citywide_at'],
                    postgresql_where=sa.text("NOT citywide_announced"),
                    sqlite_where=sa.text("NOT citywide_announced"))


def downgrade() -> None:
    op.drop_index('ix_wishes_window', table_name='wishes')
    with op.batch_alter_table('claims') as batch:
        batch.drop_constraint('uq_claim_key', type_='unique')
        batch.drop_column('members')
        batch.drop_column('idempotency_key')
    op.drop_index('ix_wishes_due', table_name='wishes')
    with op.batch_alter_table('wishes') as batch:
        batch.drop_column('wish_type')
        batch.drop_column('citywide_announced')
        batch.drop_column('citywide_at')
        batch.drop_column('batch')
        batch.drop_column('held')
        batch.drop_column('opens_at')
        batch.alter_column('published_at', existing_type=Instant(), nullable=False)
