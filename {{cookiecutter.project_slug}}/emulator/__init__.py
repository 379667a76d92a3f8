"""The local AWS emulator: moto, patched where it gets AWS wrong, for every use in this
project. One package, one way in:

- `make emulator` and docker-compose.yml: `python -m emulator`, a server holding the app's
  resources (resources.py);
- `make deploy-local` and the tests: server.py starts it in a thread or in its own process,
  terraform.py points a copy of infra/ at it;
- patches.py: the gaps, one patch each.

It is a dev dependency (the `emulator` group): never in an image the deploy ships nor in
the Lambda package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    session_token: str | None = None

    @classmethod
    def assumed(cls, response: dict[str, Any]) -> Credentials:
        """From an STS AssumeRole response."""
        issued = response["Credentials"]
        return cls(issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"])

    def environment(self) -> dict[str, str]:
        """As the AWS SDKs read them from the environment."""
        variables = {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}
        if self.session_token:
            variables["AWS_SESSION_TOKEN"] = self.session_token
        return variables


# The emulator account's own: moto accepts any credentials while it does not enforce IAM,
# and these never reach AWS.
ACCOUNT_CREDENTIALS = Credentials("test", "test")
