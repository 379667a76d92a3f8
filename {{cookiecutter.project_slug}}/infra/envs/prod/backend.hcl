# Used as `terraform init -backend-config=backend.hcl -backend-config="bucket=<state bucket>"`;
# the state bucket is ../../bootstrap's output (it holds the account id, so it is not here).
key          = "prod/terraform.tfstate"
region       = "{{ cookiecutter.aws_region }}"
use_lockfile = true
# No `encrypt = true`: it would store the state with S3-managed keys; without it the
# bucket's default encryption applies, bootstrap's KMS key (S3 uses a bucket's default
# encryption for every object put without encryption headers).
