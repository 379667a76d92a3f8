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

  # A role per function, each with the stack's policy for it: only the migration may read
  # the database owner's secret, only the worker may consume the queue.
  roles = merge(
    {
      app       = { function = "api", policy_json = var.app_policy_json }
      migration = { function = "migrate", policy_json = var.migration.policy_json }
    },
    var.queue == null ? {} : { worker = { function = "worker", policy_json = var.app_policy_json } },
  )
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

resource "aws_security_group" "this" {
  count = var.vpc == null ? 0 : 1

  name        = "${var.name}-lambda"
  description = "Lambda functions of ${var.name}: HTTPS out, Postgres inside the VPC"
  vpc_id      = var.vpc.vpc_id

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# AWS APIs (Secrets Manager, S3, SQS) over HTTPS, through NAT or VPC endpoints.
resource "aws_vpc_security_group_egress_rule" "https" {
  count = var.vpc == null ? 0 : 1

  security_group_id = aws_security_group.this[0].id
  description       = "HTTPS to AWS APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  count = var.vpc == null ? 0 : 1

  security_group_id = aws_security_group.this[0].id
  description       = "Postgres inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = data.aws_vpc.this[0].cidr_block

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_116:a DLQ only applies to asynchronous invocations; the api and migrate functions are invoked synchronously and the worker's failures go to the SQS queue's own DLQ
  #checkov:skip=CKV_AWS_272:the zip is built and deployed from CI by make package; code signing needs an AWS Signer profile the project does not set up
  function_name                  = local.function_names[each.key]
  description                    = each.value.description
  role                           = aws_iam_role.this[each.value.role].arn
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  handler                        = each.value.handler
  memory_size                    = var.memory_size
  timeout                        = each.value.timeout
  reserved_concurrent_executions = each.value.reserved_concurrency
  publish                        = true
  kms_key_arn                    = var.kms_key_arn

  dynamic "environment" {
    for_each = length(local.environments[each.key]) > 0 ? [local.environments[each.key]] : []

    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = "Active"
  }

  # The api function's published versions resume from a snapshot of the initialized app
  # (the live alias serves published versions only). The hooks in snapstart.py keep each
  # resumed copy's connections, credentials and secrets its own.
  dynamic "snap_start" {
    for_each = each.key == "api" && var.snap_start ? [1] : []

    content {
      apply_on = "PublishedVersions"
    }
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]

    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = [aws_security_group.this[0].id]
    }
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.function,
    aws_iam_role_policy.runtime,
    aws_iam_role_policy_attachment.vpc,
  ]
}

# "live" is what clients reach. It starts at the first published version; afterwards the
# deploy moves it (after the migration function succeeds), so Terraform leaves it alone.
resource "aws_lambda_alias" "live" {
  for_each = local.functions

  name             = "live"
  description      = "Version serving traffic; moved by the deploy"
  function_name    = aws_lambda_function.this[each.key].function_name
  function_version = aws_lambda_function.this[each.key].version

  lifecycle {
    ignore_changes = [function_version]
  }
}

resource "aws_lambda_event_source_mapping" "worker" {
  count = var.queue == null ? 0 : 1

  event_source_arn                   = var.queue.arn
  function_name                      = aws_lambda_alias.live["worker"].arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  # Caps the worker without a reservation: the pollers stop invoking at this many instead
  # of being throttled, which would count receives against max_receive_count and push
  # healthy messages to the DLQ. AWS accepts 2-1000 (AWS::Lambda::EventSourceMapping
  # ScalingConfig, MaximumConcurrency).
  scaling_config {
    maximum_concurrency = var.worker_maximum_concurrency
  }

  depends_on = [aws_iam_role_policy.worker_queue]
}

resource "aws_apigatewayv2_api" "this" {
  name                         = var.name
  description                  = "HTTP API of ${var.name}"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = var.domain_name != null && var.disable_execute_api_endpoint

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "api" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_alias.live["api"].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = min(var.timeout * 1000, 30000)
}

resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:the app authenticates per route (JWT bearer tokens); /health and the login route must stay reachable without an authorizer
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

resource "aws_cloudwatch_log_group" "api_access" {
  #checkov:skip=CKV_AWS_338:retention is the log_retention_days input (default 365); a dev environment keeps less on purpose
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      ip                 = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      userAgent          = "$context.identity.userAgent"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["api"].function_name
  qualifier     = aws_lambda_alias.live["api"].name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.domain_name == null ? 0 : 1

  domain_name = var.domain_name

  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = var.tags
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.domain_name == null ? 0 : 1

  api_id      = aws_apigatewayv2_api.this.id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = aws_apigatewayv2_stage.default.id
}
