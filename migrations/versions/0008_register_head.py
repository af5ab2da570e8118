"""register head: the register's head anchored on the dossier row; TRUNCATE refused on PostgreSQL

The anchor is backfilled from the entries already stored, as they are: verify
each dossier's register (``codossier register verify``) before upgrading if in
doubt.

Revision ID: 0008_register_head
Revises: 0007_submission_package
Create Date: 2026-12-04 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_register_head"
down_revision = "0007_submission_package"
branch_labels = None
depends_on = None


# The row trigger of 0004 does not fire on TRUNCATE; this statement trigger (same function) refuses it.
NO_TRUNCATE_TRIGGER = """
CREATE TRIGGER register_entries_no_truncate
BEFORE TRUNCATE ON register_entries
FOR EACH STATEMENT EXECUTE FUNCTION register_entries_append_only()
"""
BACKFILL = """
UPDATE dossiers SET
    register_head_sequence = COALESCE(
        (SELECT MAX(r.sequence) FROM register_entries r WHERE r.dossier_id = dossiers.id), 0),
    register_head_hash = (
        SELECT r.hash FROM register_entries r WHERE r.dossier_id = dossiers.id ORDER BY r.sequence DESC LIMIT 1)
"""


def upgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("register_head_sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("register_head_hash", sa.String(length=64), nullable=True))
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER register_entries_no_truncate ON register_entries")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy of ``dossiers`` would trip the foreign keys pointing to it.
    op.drop_column("dossiers", "register_head_hash")
    op.drop_column("dossiers", "register_head_sequence")
