"""notice delivery: contacts (sealed), a notice's channel, provider id, receipt, giving up

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.timestamps import Instant

revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_UNSENT = "sent_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        'contacts',
        sa.Column('recipient', sa.String(length=100), primary_key=True),
        sa.Column('sealed', sa.Text(), nullable=True),
        sa.Column('as_of', Instant(), nullable=False))
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('failed_at', Instant(), nullable=True))
        batch.add_column(sa.Column('failure', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('channel', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('provider_id', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('receipt_status', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('receipt_at', Instant(), nullable=True))
        batch.add_column(sa.Column('receipt_error', sa.String(length=200), nullable=True))
    op.drop_index('ix_notices_unsent', table_name='notices')
    op.create_index('ix_notices_unsent', 'notices', ['deliver_at'],
                    postgresql_where=sa.text(_UNSENT), sqlite_where=sa.text(_UNSENT))


def downgrade() -> None:
    op.drop_index('ix_notices_unsent', table_name='notices')
    op.create_index('ix_notices_unsent', 'notices', ['deliver_at'],
                    postgresql_where=sa.text("sent_at IS NULL"),
                    sqlite_where=sa.text("sent_at IS NULL"))
    with op.batch_alter_table('notices') as batch:
        for name in ('receipt_error', 'receipt_at', 'receipt_status', 'provider_id', 'channel',
                     'failure', 'failed_at'):
            batch.drop_column(name)
    op.drop_table('contacts')
