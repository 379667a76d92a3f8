data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

data "aws_vpc" "this" {
  id = var.vpc_id
}

locals {
  # Decided by the domain (known at plan time), not the certificate ARN, which a sibling
  # module creates in the same apply.
  https   = var.domain_name != null
  use_efs = var.efs != null
  worker  = var.worker_command != null
  migrate = var.migration_command != null
  # With a database server the migrations log in as its owner and the app as a user that
  # owns nothing: the one-off migration task has a role and settings of its own.
  own_migration_role = var.migration != null

  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is the log_retention_days input (default 365); a dev environment keeps less on purpose
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  #checkov:skip=CKV_AWS_65:container_insights is on by default and in prod; dev turns it off, where its per-metric charge buys little
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  tags = var.tags
}
