terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
      # The access logs' bucket is made in us-east-1 (logs.tf).
      configuration_aliases = [aws.us_east_1]
    }
  }
}
