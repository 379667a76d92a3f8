"""Copy this app's data from its SQL database into its DynamoDB tables:
`python -m {{ cookiecutter.package_name }}.copy_db`.

    python -m {{ cookiecutter.package_name }}.copy_db --source sqlite:///app.db|postgresql://…
        [--truncate-target] [--dry-run]

The source is a database the SQL variant of this template made (SQLite or Postgres),
migrated to SOURCE_REVISION. The target is the tables DYNAMODB_TABLE_PREFIX names, in
AWS_REGION (or at AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL), read as the app reads
them. Stop the app's writes first: rows written to the source later are not copied.

1. Checks, before anything is written: the source is at SOURCE_REVISION, and each of its
   tables has the records' columns (one the records lack would be left behind: refused;
   a nullable one it lacks is left empty); every target table exists and holds no items
   (--truncate-target deletes them, after saying how many). --dry-run stops here.
2. Each table, users first, read in batches and written with BatchWriteItem, each row
   stored as the app stores it: a user with its e-mail's item in user_emails, a pending
   upload with the time DynamoDB's TTL may delete it. Ids are kept.
3. Verification: each target table's item count and checksum, on both sides. A Scan
   returns items in no particular order, so the checksum is the sum of each row's SHA-256
   (copy_db/checksum.py), which no order changes.

Exit status: 0 copied and verified; 1 a table failed to copy or differs (what was written
stays: fix the cause and copy again with --truncate-target); 2 refused, nothing written.

SQLAlchemy and the SQL drivers come with the `copy` dependency group (`uv sync`): the
app itself, its image and its Lambda package have none of them.
"""

# The SQL variant's latest migration: the schema the copy reads (ids as UUIDs).
SOURCE_REVISION = "0003"
# Rows read from the source at a time.
ROWS_PER_READ = 1000
# BatchWriteItem's limit: 25 put or delete requests per call (DynamoDB API Reference).
ITEMS_PER_WRITE = 25
# BatchWriteItem calls under way at once (botocore keeps 10 connections per client).
WRITERS = 8
