"""initial tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:24:34.756479

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.messaging_tables import create_messaging_tables_v1, drop_messaging_tables_v1


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    create_messaging_tables_v1(op)
    op.create_table('wishes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('community_code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('wisher_display', sa.String(length=50), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('claim_id', sa.String(length=36), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wishes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wishes_community_code'), ['community_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_wishes_status'), ['status'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('wish_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['wish_id'], ['wishes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_wish_id'), ['wish_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_wish_id'))
        batch_op.drop_index(batch_op.f('ix_claims_member_id'))

    op.drop_table('claims')
    with op.batch_alter_table('wishes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wishes_status'))
        batch_op.drop_index(batch_op.f('ix_wishes_community_code'))

    op.drop_table('wishes')
    drop_messaging_tables_v1(op)
