# Used as `terraform init -backend-config=backend.hcl -backend-config="bucket=<state bucket>"
# -backend-config="region=<its region>"`: both are ../../bootstrap's outputs (the bucket's
# name holds the account id; the region is project.json's).
key          = "dev/terraform.tfstate"
use_lockfile = true
# No `encrypt = true`: it would store the state with S3-managed keys; without it the
# bucket's default encryption applies, bootstrap's KMS key (S3 uses a bucket's default
# encryption for every object put without encryption headers).
