"""AWS clients for the deploy: the usual credential chain, or the emulator on loopback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploy.steps import StepError
from emulator import ACCOUNT_CREDENTIALS, Credentials


@dataclass(frozen=True)
class Aws:
    region: str
    # Set for `make deploy-local`: every client talks to the emulator instead of AWS, with
    # `credentials` (on AWS: the usual credential chain).
    endpoint_url: str | None = None
    credentials: Credentials = ACCOUNT_CREDENTIALS

    def client(self, service: str, *, read_timeout: int = 60, max_attempts: int = 3) -> Any:
        """`max_attempts` counts the first call (standard mode retries twice by default)."""
        # Imported here: `python -m deploy package` and the tests need no AWS SDK start-up.
        import boto3
        from botocore.config import Config

        config = Config(
            read_timeout=read_timeout, retries={"mode": "standard", "max_attempts": max_attempts}
        )
        if self.endpoint_url is None:
            session = boto3.session.Session(region_name=self.region)
        else:
            session = boto3.session.Session(
                region_name=self.region,
                aws_access_key_id=self.credentials.access_key,
                aws_secret_access_key=self.credentials.secret_key,
                aws_session_token=self.credentials.session_token,
            )
        # Typed per service by boto3-stubs, which the project installs for the app's
        # services only; the deploy's clients are used untyped.
        make_client: Any = session.client
        return make_client(service, endpoint_url=self.endpoint_url, config=config)

    def account_id(self) -> str:
        """The account the credentials belong to; missing or refused credentials are the
        first thing a deploy reports."""
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            account: str = self.client("sts").get_caller_identity()["Account"]
        except NoCredentialsError:
            raise StepError(
                "no AWS credentials: set AWS_PROFILE (after `aws sso login`) or "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
            ) from None
        except (BotoCoreError, ClientError) as error:
            raise StepError(f"AWS refused the credentials: {error}") from None
        return account

    def bucket_exists(self, bucket: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client("s3").head_bucket(Bucket=bucket)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket"):
                return False
            raise StepError(f"cannot read the state bucket {bucket}: {error}") from None
        return True


def error_code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    response = getattr(error, "response", None) or {}
    code: str = response.get("Error", {}).get("Code", "")
    return code
