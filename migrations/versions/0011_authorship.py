"""who wrote the text that survives, kept with each snapshot; the volume-of-edits counts go

Revision ID: 0011_authorship
Revises: 0010_pending_signups
Create Date: 2026-12-04 19:30:00

The counts of updates and bytes per author (``document_contributions``) measured the volume of
edits, not the text: typing 3,000 characters and deleting them moved every share. They are not
carried over: a snapshot written before this revision has no authorship, and its text is credited
to nobody ("author not recorded") until it is rewritten.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_authorship"
down_revision = "0010_pending_signups"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authors", sa.Text(), nullable=True))
    op.drop_table("document_contributions")


def downgrade():
    op.create_table(
        "document_contributions",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=40), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("updates", sa.BigInteger(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_document_contributions_author_id_users")),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_document_contributions_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dossier_id", "document", "author_id", name=op.f("pk_document_contributions")),
    )
    with op.batch_alter_table("document_snapshots", schema=None) as batch_op:
        batch_op.drop_column("authors")
