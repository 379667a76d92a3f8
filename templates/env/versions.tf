terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
    }
  }

  # Filled in by `terraform init -backend-config=backend.hcl`: the state bucket that
  # ../../bootstrap creates. State is locked with a lock file in S3 itself.
  backend "s3" {}
}
