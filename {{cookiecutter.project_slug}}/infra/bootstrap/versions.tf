terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
    }
  }

  # Local state on purpose: this creates the bucket every other state lives in. Keep
  # terraform.tfstate safe (it holds no secret), or move it into the bucket afterwards.
}
