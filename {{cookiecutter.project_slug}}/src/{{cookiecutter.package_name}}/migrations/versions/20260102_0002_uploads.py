"""uploads

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "uploaded",
{%- if cookiecutter.use_background_jobs == "y" %}
                "processed",
{%- endif %}
                name="upload_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
{%- if cookiecutter.use_background_jobs == "y" %}
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
{%- endif %}
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_uploads_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        sa.UniqueConstraint("key", name=op.f("uq_uploads_key")),
    )
    with op.batch_alter_table("uploads") as batch_op:
        batch_op.create_index(batch_op.f("ix_uploads_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch_op:
        batch_op.drop_index(batch_op.f("ix_uploads_owner_id"))
    op.drop_table("uploads")
