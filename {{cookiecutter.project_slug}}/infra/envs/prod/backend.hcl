# Used as `terraform init -backend-config=backend.hcl -backend-config="bucket=<state bucket>"`;
# the state bucket is ../../bootstrap's output (it holds the account id, so it is not here).
key          = "prod/terraform.tfstate"
region       = "{{ cookiecutter.aws_region }}"
encrypt      = true
use_lockfile = true
