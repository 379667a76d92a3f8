{%- set uploads = cookiecutter.use_s3_uploads == "y" -%}
"""ids are UUIDv7s the app draws; owners' lists are indexed in id order

Every id the API hands out is now an opaque UUID (the same on every backend, and the
cursor pagination runs on it). An integer id n becomes the UUID whose 128 bits are n
(00000000-0000-0000-0000-00000000002a for 42): existing rows keep their order, ahead of
every new id, and every reference to them follows. The id sequences go.

Access tokens issued before name users by their integer id: they stop working, so
everyone signs in again once.

Revision ID: 0003
Revises: {{ "0002" if uploads else "0001" }}
Create Date: 2026-01-03 00:00:00+00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "{{ "0002" if uploads else "0001" }}"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The largest id an INTEGER column held: only ids up to it can go back.
MAX_INTEGER_ID = 2**31 - 1
# (table, column) of every integer id and reference, parents first.
ID_COLUMNS = [
    ("users", "id"),
    ("items", "id"),
    ("items", "owner_id"),
{%- if uploads %}
    ("uploads", "owner_id"),
{%- endif %}
]
# The tables whose integer ids a serial sequence drew on Postgres.
SEQUENCED = [table for table, column in ID_COLUMNS if column == "id"]
# The foreign keys to users.id: (table, constraint).
REFERENCES = [
    ("items", "fk_items_owner_id_users"),
{%- if uploads %}
    ("uploads", "fk_uploads_owner_id_users"),
{%- endif %}
]
OWNER_LISTS = [{{ '"items", "uploads"' if uploads else '"items"' }}]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table, constraint in REFERENCES:
            op.drop_constraint(constraint, table, type_="foreignkey")
        # The serial defaults go first: nextval cannot fill a uuid.
        for table in SEQUENCED:
            op.alter_column(table, "id", existing_type=sa.Integer(), server_default=None)
    for table, column in ID_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Integer(),
                type_=sa.Uuid(),
                existing_nullable=False,
                postgresql_using=f"lpad(to_hex({column}), 32, '0')::uuid",
            )
        if not postgres:
            # Batch mode copied the integers as text ("42"); sa.Uuid keeps 32 hex digits.
            rows = sa.table(table, sa.column(column))
            hex_digits = sa.func.printf("%032x", sa.cast(rows.c[column], sa.Integer))
            op.execute(sa.update(rows).values({column: hex_digits}))
    if postgres:
        for table in SEQUENCED:
            op.execute(f"DROP SEQUENCE IF EXISTS {table}_id_seq")
        _create_references()
    _index_owner_lists(["owner_id", "id"])


def downgrade() -> None:
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    for table, column in ID_COLUMNS:
        ids = sa.table(table, sa.column(column, sa.Uuid())).c[column]
        newer = connection.scalar(
            sa.select(sa.func.count()).where(ids > uuid.UUID(int=MAX_INTEGER_ID))
        )
        if newer:
            raise RuntimeError(
                f"{table}.{column} holds {newer} ids made after revision 0003: "
                "no integer can hold them, so this downgrade would lose rows"
            )
    _index_owner_lists(["owner_id"])
    if postgres:
        for table, constraint in REFERENCES:
            op.drop_constraint(constraint, table, type_="foreignkey")
    for table, column in ID_COLUMNS:
        if not postgres:
            # The hex digits are the integer; SQLite parses no hex, so Python does.
            rows = sa.table(table, sa.column(column))
            ids = rows.c[column]
            for (value,) in connection.execute(sa.select(ids).distinct()).fetchall():
                op.execute(sa.update(rows).where(ids == value).values({column: int(value, 16)}))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Uuid(),
                type_=sa.Integer(),
                existing_nullable=False,
                postgresql_using=(
                    f"('x' || right(replace({column}::text, '-', ''), 8))::bit(32)::int"
                ),
            )
    if postgres:
        for table in SEQUENCED:
            op.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
            ids = sa.table(table, sa.column("id")).c.id
            following = sa.func.coalesce(sa.func.max(ids), 0) + 1
            op.execute(sa.select(sa.func.setval(f"{table}_id_seq", following, False)))
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
        _create_references()


def _create_references() -> None:
    for table, constraint in REFERENCES:
        op.create_foreign_key(constraint, table, "users", ["owner_id"], ["id"], ondelete="CASCADE")


def _index_owner_lists(columns: list[str]) -> None:
    for table in OWNER_LISTS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_owner_id")
            batch_op.create_index(f"ix_{table}_owner_id", columns, unique=False)
