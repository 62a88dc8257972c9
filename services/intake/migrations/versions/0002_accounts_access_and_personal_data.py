"""accounts, access and personal data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:36:23.818354

"""
from typing import Sequence, Union

from alembic import op

from shared.ratelimit import create_rate_limit_table_v1
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('accounts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('communities', sa.JSON(), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=True),
    sa.Column('org_code', sa.String(length=32), nullable=True),
    sa.Column('app_id', sa.String(length=64), nullable=True),
    sa.Column('broker_user', sa.String(length=64), nullable=True),
    sa.Column('api_key_hash', sa.String(length=64), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('api_key_hash'),
    sa.UniqueConstraint('app_id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('audit_entries',
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('community_code', sa.String(length=32), nullable=True),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('message_id')
    )
    op.create_index(op.f('ix_audit_entries_action'), 'audit_entries', ['action'], unique=False)
    op.create_index(op.f('ix_audit_entries_actor_id'), 'audit_entries', ['actor_id'], unique=False)
    op.create_index(op.f('ix_audit_entries_at'), 'audit_entries', ['at'], unique=False)
    op.create_index(op.f('ix_audit_entries_object_id'), 'audit_entries', ['object_id'], unique=False)
    create_rate_limit_table_v1(op)
    op.create_table('refresh_tokens',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('jti')
    )
    op.create_index(op.f('ix_refresh_tokens_account_id'), 'refresh_tokens', ['account_id'], unique=False)
    op.add_column('submissions', sa.Column('name_enc', sa.Text(), nullable=True))
    op.add_column('submissions', sa.Column('id_number_enc', sa.Text(), nullable=True))
    op.add_column('submissions', sa.Column('id_number_hash', sa.String(length=64), nullable=True))
    op.add_column('submissions', sa.Column('phone_enc', sa.Text(), nullable=True))
    op.add_column('submissions', sa.Column('address_enc', sa.Text(), nullable=True))
    op.add_column('submissions', sa.Column('minor', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('submissions', sa.Column('consent_relation', sa.String(length=20), nullable=True))
    op.add_column('submissions', sa.Column('consent_method', sa.String(length=30), nullable=True))
    op.add_column('submissions', sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('submissions', sa.Column('consent_name_enc', sa.Text(), nullable=True))
    op.add_column('submissions', sa.Column('consent_photo_ref', sa.String(length=200), nullable=True))
    op.add_column('submissions', sa.Column('submitted_by', sa.String(length=36), nullable=True))
    op.add_column('submissions', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('submissions', sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_submissions_closed_at'), 'submissions', ['closed_at'], unique=False)
    op.create_index(op.f('ix_submissions_id_number_hash'), 'submissions', ['id_number_hash'], unique=False)
    op.create_index(op.f('ix_submissions_submitted_by'), 'submissions', ['submitted_by'], unique=False)
    # The sealed blob gives way to one encrypted column per field (SQLite needs a batch copy).
    with op.batch_alter_table('submissions') as batch_op:
        batch_op.drop_column('wisher_sealed')


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('submissions') as batch_op:
        batch_op.add_column(sa.Column('wisher_sealed', sa.Text(), nullable=False, server_default=''))
    op.drop_index(op.f('ix_submissions_submitted_by'), table_name='submissions')
    op.drop_index(op.f('ix_submissions_id_number_hash'), table_name='submissions')
    op.drop_index(op.f('ix_submissions_closed_at'), table_name='submissions')
    op.drop_column('submissions', 'erased_at')
    op.drop_column('submissions', 'closed_at')
    op.drop_column('submissions', 'submitted_by')
    op.drop_column('submissions', 'consent_photo_ref')
    op.drop_column('submissions', 'consent_name_enc')
    op.drop_column('submissions', 'consent_at')
    op.drop_column('submissions', 'consent_method')
    op.drop_column('submissions', 'consent_relation')
    op.drop_column('submissions', 'minor')
    op.drop_column('submissions', 'address_enc')
    op.drop_column('submissions', 'phone_enc')
    op.drop_column('submissions', 'id_number_hash')
    op.drop_column('submissions', 'id_number_enc')
    op.drop_column('submissions', 'name_enc')
    op.drop_index(op.f('ix_refresh_tokens_account_id'), table_name='refresh_tokens')
    op.drop_table('refresh_tokens')
    op.drop_table('rate_limits')
    op.drop_index(op.f('ix_audit_entries_object_id'), table_name='audit_entries')
    op.drop_index(op.f('ix_audit_entries_at'), table_name='audit_entries')
    op.drop_index(op.f('ix_audit_entries_actor_id'), table_name='audit_entries')
    op.drop_index(op.f('ix_audit_entries_action'), table_name='audit_entries')
    op.drop_table('audit_entries')
    op.drop_table('accounts')
