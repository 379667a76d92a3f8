data "aws_partition" "current" {}

data "aws_vpc" "this" {
  count = var.vpc == null ? 0 : 1

  id = var.vpc.vpc_id
}

locals {
  functions = merge(
    {
      api = {
        handler              = "${var.handler_package}.lambda_handler.handler"
        description          = "HTTP API (API Gateway HTTP API v2)"
        timeout              = var.timeout
        reserved_concurrency = var.reserved_concurrency
        role                 = "app"
      }
    },
    var.migration == null ? {} : {
      # Concurrent migrations would race on the schema. No reservation keeps it to one (a
      # reservation needs an account quota above 100, which new accounts lack): nothing but
      # the deploy may invoke it (no trigger, no resource policy), and the deploy invokes it
      # once, synchronously, without SDK retries; Lambda itself never retries a direct
      # invocation (AWS Lambda guide, "Understanding retry behavior in Lambda").
      migrate = {
        handler              = "${var.handler_package}.lambda_handler.migrate"
        description          = "Database migrations (invoked by the deploy)"
        timeout              = var.migrate_timeout
        reserved_concurrency = null
        role                 = "migration"
      }
    },
    var.queue == null ? {} : {
      worker = {
        handler              = "${var.handler_package}.lambda_handler.worker"
        description          = "SQS jobs worker"
        timeout              = var.worker_timeout
        reserved_concurrency = var.worker_reserved_concurrency
        role                 = "worker"
      }
    },
  )

  function_names = { for k, _ in local.functions : k => "${var.name}-${k}" }
  environments   = { for k, _ in local.functions : k => k == "migrate" ? var.migration.environment : var.environment }
}

# Log groups exist before the functions so Lambda never creates an unencrypted one
# that lives forever; the roles get no logs:CreateLogGroup.
resource "aws_cloudwatch_log_group" "function" {
  #checkov:skip=CKV_AWS_338:retention is the log_retention_days input (default 365); a dev environment keeps less on purpose
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}
