# IAM: a role per function, limited to its own log group, X-Ray, its VPC interfaces and
# the stack's policy for it.

locals {
  # A role per function, each with the stack's policy for it: only the migration may read
  # the database owner's secret, only the worker may consume the queue.
  roles = merge(
    { app = { function = "api", policy_json = var.app_policy_json } },
    var.migration == null ? {} : { migration = { function = "migrate", policy_json = var.migration.policy_json } },
    var.queue == null ? {} : { worker = { function = "worker", policy_json = var.app_policy_json } },
  )
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = "${var.name}-lambda-${each.key}"
  description          = "The ${var.name} ${each.value.function} function"
  assume_role_policy   = data.aws_iam_policy_document.assume_lambda.json
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

# Every role: its function's own log group, X-Ray.
data "aws_iam_policy_document" "runtime" {
  for_each = local.roles

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.value.function].arn}:*"]
  }

  # X-Ray has no resource-level permissions for these actions.
  statement {
    sid       = "XRay"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "runtime" {
  for_each = local.roles

  name   = "runtime"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.runtime[each.key].json
}

resource "aws_iam_role_policy" "stack" {
  for_each = local.roles

  name   = each.key
  role   = aws_iam_role.this[each.key].id
  policy = each.value.policy_json
}

# ENI management only: the AWS managed VPC execution policy would also grant
# logs:CreateLogGroup on every log group.
resource "aws_iam_role_policy_attachment" "vpc" {
  for_each = var.vpc == null ? {} : local.roles

  role       = aws_iam_role.this[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}

# What AWSLambdaENIManagementAccess lacks of the VPC execution permissions: Lambda also
# describes the function's subnets with its role (AWSLambdaVPCAccessExecutionRole grants
# ec2:DescribeSubnets since its v3, January 2024). Describe calls take no resource ARN.
data "aws_iam_policy_document" "vpc_subnets" {
  statement {
    actions   = ["ec2:DescribeSubnets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "vpc_subnets" {
  for_each = var.vpc == null ? {} : local.roles

  name   = "describe-subnets"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.vpc_subnets.json
}

data "aws_iam_policy_document" "worker_queue" {
  count = var.queue == null ? 0 : 1

  statement {
    sid = "ConsumeJobsQueue"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "DecryptJobsQueue"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "worker_queue" {
  count = var.queue == null ? 0 : 1

  name   = "queue"
  role   = aws_iam_role.this["worker"].id
  policy = data.aws_iam_policy_document.worker_queue[0].json
}
