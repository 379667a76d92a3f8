"""Copy this app's data from SQLite to Postgres: `python -m {{ cookiecutter.package_name }}.copy_db`.

    python -m {{ cookiecutter.package_name }}.copy_db --source sqlite:///app.db [--target postgresql://…]
        [--truncate-target] [--dry-run] [--batch-size 5000]

Without --target the target is DATABASE_URL or DATABASE_SECRET_ARN, read as the app
reads them. Stop the app's writes first: rows written to the source later are not copied.

1. Checks, before anything is written: the source is at this checkout's latest
   migration and has the models' tables and columns; the target is at that revision or
   an earlier one, and holds no rows in the app's tables (--truncate-target deletes
   them, after saying how many). --dry-run stops here and reports what would be copied.
2. `alembic upgrade head` on the target.
3. Each table of the models, parents before children, in batches written with binary
   COPY and in one transaction per table, keeping primary keys; the next batch is read
   while one is written. Rows are read and written through the models' column types, so
   what SQLite stores loosely (0/1 booleans, timestamps with or without an offset, hex
   UUIDs) arrives typed. Ids are UUIDs the app draws, so nothing on the target needs to
   continue after them.
4. Verification: each table's row count and checksum, on both sides: SHA-256 of every
   row's values as canonical JSON, in primary-key order. The source's rows are hashed as
   they are copied; Postgres writes the target's JSON itself.

Exit status: 0 copied and verified; 1 a table failed to copy or differs (a failed
table is left as it was; the tables before it stay copied); 2 refused, nothing written.
"""

# Rows per batch, read or written.
BATCH_SIZE = 5000
