"""Every setting the service reads, from environment variables (and `.env` locally).

`get_settings()` reads them once per process. A bad value raises `SettingsError` whose
message is one line naming each offending variable.
"""

from __future__ import annotations

import functools
{%- if cookiecutter.database != "dynamodb" %}
import re
import ssl
from pathlib import Path
from typing import Annotated, Any, Literal, cast, get_args
{%- else %}
from typing import Annotated, Any, Literal
{%- endif %}

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
{%- if cookiecutter.database != "dynamodb" %}
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
{%- endif %}

# Public on purpose: anyone can read it here, which is why prod refuses it.
DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-prod"  # noqa: S105
MIN_PROD_JWT_SECRET_BYTES = 32
{%- if cookiecutter.database != "dynamodb" %}
# The async driver every Postgres URL is served by (postgres:// -> postgresql+asyncpg://).
POSTGRES_DRIVER = "postgresql+asyncpg"
# Postgres folds unquoted names to lower case and keeps 63 bytes of them.
DATABASE_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
{%- endif %}

# A laptop, the test suite, and the deployed environments: project.json's (dev, prod; a
# test checks the app accepts each) and staging, the one a team adds most often (an
# envs/staging root beside dev's and its name in project.json's list).
Environment = Literal["local", "test", "dev", "staging", "prod"]
{%- if cookiecutter.database != "dynamodb" %}
# libpq's sslmode names, which asyncpg also accepts for its `ssl` argument.
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
# The modes that check the server's certificate; the others encrypt without knowing whom to.
VERIFYING_SSL_MODES = frozenset({"verify-ca", "verify-full"})
# libpq's sslrootcert=system: the operating system's trust store.
SYSTEM_TRUST_STORE = "system"
# The authorities of every RDS and Aurora server certificate, packaged with the app so the
# wheel, the Lambda zip and the image all carry them: `make rds-ca` fetches the bundle
# into the package's root, beside main.py.
RDS_CA_BUNDLE = Path(__file__).parents[1] / "rds-ca-bundle.pem"
{%- else %}
# What DynamoDB allows in a table name: 3 to 255 of these characters (DynamoDB Developer
# Guide, "Supported data types and naming rules"); the prefix leaves room for the table's own.
TABLE_PREFIX_PATTERN = r"^[A-Za-z0-9_.-]{1,200}$"
# The local tables' (`make migrate`, `make emulator`).
LOCAL_TABLE_PREFIX = "{{ cookiecutter.project_slug }}-local-"
{%- endif %}
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
MailBackend = Literal["log", "ses", "none"]
{%- if cookiecutter.use_background_jobs == "y" %}
JobsBackend = Literal["inline", "sqs"]
# SQS's own ceiling for a long poll.
MAX_SQS_WAIT_SECONDS = 20
# Lambda's longest function timeout, so one number bounds a batch on either worker.
MAX_JOB_BATCH_SECONDS = 900
{%- endif %}


class SettingsError(ValueError):
    """The environment holds a setting the service cannot start with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = "local"
{%- if cookiecutter.database == "dynamodb" %}

    # Each table's name is this prefix and its name in project.json's `tables` (users,
    # items, ...): Terraform sets the deployed environment's, `make migrate` creates the
    # local ones.
    dynamodb_table_prefix: str = Field(LOCAL_TABLE_PREFIX, pattern=TABLE_PREFIX_PATTERN)
{%- else %}

    # DATABASE_URL as given. It is the URL to connect to only when neither
    # DATABASE_SECRET_ARN nor DATABASE_IAM_USER is set: connect with db.database_url().
    raw_database_url: str = Field(
        "sqlite+aiosqlite:///./app.db", validation_alias="database_url", repr=False
    )
    # An RDS-format secret (username, password, host, port, dbname) that builds the Postgres
    # URL instead; DATABASE_HOST/PORT/NAME override what the secret holds (RDS-managed
    # secrets hold only the username and password).
    database_secret_arn: str = ""
    # Log in as this database user with an RDS IAM token instead, signed with the process's
    # own AWS credentials for each new connection: no password anywhere. Needs
    # DATABASE_HOST and DATABASE_NAME.
    database_iam_user: str = ""
    # The user the app logs in as (its DATABASE_IAM_USER), for the migrations, which run as
    # the database's owner: after upgrading they grant that user the app's privileges on
    # the app's tables, and no more (Postgres only).
    database_app_role: str = ""
    database_host: str = ""
    database_port: int | None = Field(None, ge=1, le=65535)
    database_name: str = ""
    # Connections kept open per process, and how many more a burst may open. SQLAlchemy
    # closes an overflow connection when it comes back to a full pool, so a process busy
    # beyond DB_POOL_SIZE pays a new login (a SCRAM exchange) for each such request: keep
    # the steady load within the pool. Each process opens at most the sum of the two.
    db_pool_size: int = Field(10, ge=1, le=100)
    db_max_overflow: int = Field(5, ge=0, le=100)
    db_pool_recycle: int = Field(1800, ge=-1, description="seconds; -1 never recycles")
    # Seconds a new connection may take. An Aurora instance paused at 0 ACUs resumes on the
    # first connection, in about 15 seconds (longer after a day paused), so Terraform sets
    # more there.
    db_connect_timeout: float = Field(5, gt=0, le=60)
    db_ssl: SslMode = "prefer"
    # Whom DB_SSL=verify-ca/verify-full trusts: a PEM file of authorities, `system` for the
    # OS trust store, or (empty) the RDS certificate bundle packaged with the app.
    db_ssl_root_cert: str = ""
{%- endif %}

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    # A Secrets Manager secret holding the signing key, read at first use instead.
    jwt_secret_arn: str = ""
    access_token_expire_minutes: int = Field(60, ge=1, le=60 * 24 * 30)
    # How long a password reset link works (it works once, and only until the password
    # changes).
    password_reset_expire_minutes: int = Field(30, ge=5, le=60 * 24)
    # The page a reset mail links to, which reads the token after `#token=` (a fragment:
    # browsers send it to no server, so no access log holds it). Empty: the mail holds
    # the token alone, for a client to send to /api/v1/auth/password-reset/confirm.
    password_reset_url: str = ""
    # A reset request is answered no sooner than this many seconds after it arrived,
    # whether its e-mail has an account (a token made, a mail sent) or not (nothing
    # done), so the answer's timing tells no one which. Keep it above what SES takes to
    # accept a message: the app logs `password_reset_slow` when it was not.
    password_reset_answer_seconds: float = Field(1.0, ge=0, le=10)

    # How mail leaves: `ses` sends through Amazon SES from MAIL_FROM, an identity verified
    # there (Terraform's); `log` prints each message on the app's output instead, reset
    # tokens included, so only ENVIRONMENT=local and test may; `none` sends nothing, and a
    # password reset answers 503 (an environment with no sender set up).
    mail_backend: MailBackend = Field(
        default_factory=lambda data: (
            "log" if data.get("environment", "local") in ("local", "test") else "ses"
        )
    )
    mail_from: str = ""

    cors_origins: Annotated[list[str], NoDecode] = []

    log_level: LogLevel = "INFO"
    log_json: bool = Field(default_factory=lambda data: data.get("environment") != "local")
    # When set, log lines also ship to this CloudWatch Logs group (never blocking a request):
    # for hosts without a log driver. ECS and Lambda store stdout in CloudWatch already.
    cloudwatch_log_group: str = ""

    aws_region: str = "{{ cookiecutter.aws_region }}"
    # Points every AWS client at an emulator (moto) instead of AWS.
    aws_endpoint_url: str = ""
{%- if cookiecutter.database == "dynamodb" %}
    # DynamoDB's own endpoint, under the AWS SDKs' name for it: a DynamoDB Local that keeps
    # its data (docker-compose.yml's) beside the emulator. Empty: AWS_ENDPOINT_URL's.
    aws_endpoint_url_dynamodb: str = ""
{%- endif %}
{%- if cookiecutter.database == "dynamodb" %}
    # Set by the Lambda runtime.
{%- else %}
    # Set by the Lambda runtime; the app sizes its database pool for Lambda when present.
{%- endif %}
    aws_lambda_function_name: str = ""
{%- if cookiecutter.use_s3_uploads == "y" %}

    # Presigned uploads go straight from the client to this bucket.
    uploads_bucket: str = ""
    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1, le=5 * 1024**3)
    upload_allowed_types: Annotated[list[str], NoDecode] = [
        "image/png",
        "image/jpeg",
        "application/pdf",
        "text/plain",
    ]
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}

    # `sqs` sends jobs to JOBS_QUEUE_URL for the worker; `inline` runs them in-process as
    # they are enqueued (local work, tests). Defaults to sqs when a queue URL is set.
    jobs_queue_url: str = ""
    jobs_backend: JobsBackend = Field(
        default_factory=lambda data: "sqs" if data.get("jobs_queue_url") else "inline"
    )
    # The worker's SQS long poll; shorter polls stop sooner on SIGTERM but cost more calls
    # (at least 1 s, so an idle worker never spins).
    jobs_wait_seconds: int = Field(MAX_SQS_WAIT_SECONDS, ge=1, le=MAX_SQS_WAIT_SECONDS)
    # The ECS worker finishes or gives back a received batch within this many seconds,
    # as the Lambda worker does within its function timeout; the queue's visibility
    # timeout is derived from the same number (infra/modules/stack).
    jobs_batch_timeout_seconds: int = Field(30, ge=1, le=MAX_JOB_BATCH_SECONDS)
{%- endif %}
{%- if cookiecutter.database != "dynamodb" %}

    @field_validator("raw_database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value).render_as_string(hide_password=False)

    @field_validator("database_iam_user", "database_app_role")
    @classmethod
    def _database_role_name(cls, value: str) -> str:
        # Interpolated into GRANT statements (an identifier cannot be a bind parameter).
        if value and not DATABASE_ROLE_NAME.fullmatch(value):
            raise ValueError(
                "must be a lower-case Postgres role name: a letter or _, then letters, "
                "digits or _ (at most 63)"
            )
        return value
{%- endif %}

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
        return origins
{%- if cookiecutter.use_s3_uploads == "y" %}

    @field_validator("upload_allowed_types", mode="before")
    @classmethod
    def _split_types(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [item.strip().lower() for item in value.split(",") if item.strip()]
        return value
{%- endif %}

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value
{%- if cookiecutter.database != "dynamodb" %}

    @model_validator(mode="after")
    def _apply_url_sslmode(self) -> Settings:
        # `?sslmode=` is libpq syntax that asyncpg rejects; honour it as DB_SSL instead.
        url = make_url(self.raw_database_url)
        sslmode = url.query.get("sslmode")
        if sslmode is not None:
            if "db_ssl" not in self.model_fields_set:
                self.db_ssl = self._valid_sslmode(sslmode)
            self.raw_database_url = url.difference_update_query(["sslmode"]).render_as_string(
                hide_password=False
            )
        return self

    @model_validator(mode="after")
    def _verification_needs_authorities(self) -> Settings:
        if self.db_ssl not in VERIFYING_SSL_MODES:
            if self.db_ssl_root_cert:
                raise ValueError(
                    f"DB_SSL_ROOT_CERT: DB_SSL={self.db_ssl} checks no certificate; "
                    "use verify-ca or verify-full"
                )
            return self
        trusted_authorities(self.db_ssl_root_cert)
        return self

    @staticmethod
    def _valid_sslmode(value: Any) -> SslMode:
        modes: tuple[SslMode, ...] = get_args(SslMode)
        if value not in modes:
            raise ValueError(f"DATABASE_URL: sslmode must be one of {', '.join(modes)}")
        return cast(SslMode, value)
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}

    @model_validator(mode="after")
    def _uploads_need_a_bucket(self) -> Settings:
        if not self.uploads_bucket and self.environment not in ("local", "test"):
            raise ValueError(f"UPLOADS_BUCKET: required when ENVIRONMENT={self.environment}")
        return self
{%- endif %}

{%- if cookiecutter.use_background_jobs == "y" %}

    @model_validator(mode="after")
    def _sqs_needs_a_queue(self) -> Settings:
        if self.jobs_backend == "sqs" and not self.jobs_queue_url:
            raise ValueError("JOBS_QUEUE_URL: required when JOBS_BACKEND=sqs")
        if self.jobs_backend == "inline" and (self.environment == "prod" or self.on_lambda):
            # Inline jobs run inside API requests with no retry, and on Lambda they would
            # wait for a second connection from a one-connection pool: local work only.
            raise ValueError("JOBS_BACKEND: prod and Lambda run jobs on SQS; set JOBS_QUEUE_URL")
        return self
{%- endif %}

    @model_validator(mode="after")
    def _mail_has_a_sender(self) -> Settings:
        if self.mail_backend == "log" and self.environment not in ("local", "test"):
            raise ValueError(
                "MAIL_BACKEND: log writes reset tokens to the app's output; "
                f"ENVIRONMENT={self.environment} sends mail with ses"
            )
        if self.mail_backend == "ses" and "@" not in self.mail_from:
            raise ValueError("MAIL_FROM: required when MAIL_BACKEND=ses (an address SES verified)")
        if self.password_reset_url and not self.password_reset_url.startswith(
            ("http://", "https://")
        ):
            raise ValueError("PASSWORD_RESET_URL: must be an http(s) URL of the reset page")
        return self

    @model_validator(mode="after")
    def _one_source_per_secret(self) -> Settings:
        if self.jwt_secret_arn and "jwt_secret" in self.model_fields_set:
            raise ValueError("JWT_SECRET_ARN: set either JWT_SECRET or JWT_SECRET_ARN, not both")
{%- if cookiecutter.database != "dynamodb" %}
        if self.database_secret_arn and "raw_database_url" in self.model_fields_set:
            raise ValueError(
                "DATABASE_SECRET_ARN: set either DATABASE_URL or DATABASE_SECRET_ARN, not both"
            )
{%- endif %}
        return self
{%- if cookiecutter.database != "dynamodb" %}

    @model_validator(mode="after")
    def _iam_user_needs_a_server(self) -> Settings:
        if not self.database_iam_user:
            return self
        if self.database_secret_arn or "raw_database_url" in self.model_fields_set:
            raise ValueError(
                "DATABASE_IAM_USER: set it instead of DATABASE_URL and DATABASE_SECRET_ARN"
            )
        missing = [name for name in ("database_host", "database_name") if not getattr(self, name)]
        if missing:
            raise ValueError(f"DATABASE_IAM_USER: needs {' and '.join(missing).upper()} too")
        # With IAM database authentication "network traffic to and from the database is
        # encrypted using SSL/TLS" (RDS User Guide): the token never travels in the clear.
        if self.db_ssl in ("disable", "allow"):
            raise ValueError("DB_SSL: IAM database authentication needs TLS (e.g. require)")
        return self
{%- endif %}

    @model_validator(mode="after")
    def _refuse_unsafe_prod(self) -> Settings:
        # A secret read from JWT_SECRET_ARN is checked when it is read (security.py).
        if self.environment == "prod" and not self.jwt_secret_arn:
            secret = self.jwt_secret.get_secret_value()
            if secret == DEV_JWT_SECRET:
                raise ValueError(
                    "JWT_SECRET: prod refuses the development default; set a random secret"
                )
            if len(secret.encode()) < MIN_PROD_JWT_SECRET_BYTES:
                raise ValueError(
                    f"JWT_SECRET: prod needs at least {MIN_PROD_JWT_SECRET_BYTES} bytes "
                    "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
        return self

    @property
    def on_lambda(self) -> bool:
        return bool(self.aws_lambda_function_name)
{%- if cookiecutter.database != "dynamodb" %}


def normalise_database_url(value: str) -> URL:
    """Map any SQLite or Postgres URL to its async driver (postgres:// -> postgresql+asyncpg://)."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("not a database URL (e.g. postgresql://user:pass@host/db)") from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return url.set(drivername=POSTGRES_DRIVER)
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


def trusted_authorities(root_cert: str) -> ssl.SSLContext:
    """A client context that trusts only DB_SSL_ROOT_CERT's authorities (see Settings).

    Not ssl.create_default_context: from Python 3.13 it adds VERIFY_X509_STRICT, which
    libpq does not apply, so a server psql accepts could be refused by the app.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if root_cert == SYSTEM_TRUST_STORE:
        context.load_default_certs()
        return context
    path = Path(root_cert) if root_cert else RDS_CA_BUNDLE
    if not root_cert and not path.is_file():
        raise ValueError(
            f"DB_SSL_ROOT_CERT: empty means the RDS certificate bundle packaged with the app, "
            f"and this build has none ({path.name}: `make rds-ca` fetches it); or name a PEM "
            "file, or `system`"
        )
    try:
        context.load_verify_locations(cafile=path)
    except ssl.SSLError:  # before OSError, which it is a kind of
        raise ValueError(f"DB_SSL_ROOT_CERT: {path} holds no PEM certificate") from None
    except OSError as error:
        raise ValueError(f"DB_SSL_ROOT_CERT: cannot read {path} ({error.strerror})") from None
    return context


def is_sqlite_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"
{%- endif %}


def describe(error: ValidationError) -> str:
    """One line naming every bad variable and what is wrong with it (never its value)."""
    parts = []
    for item in error.errors():
        variable = "_".join(str(part) for part in item["loc"]).upper()
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{variable}: {message}" if variable else message)
    return "; ".join(parts)


@functools.cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe(error)) from None
