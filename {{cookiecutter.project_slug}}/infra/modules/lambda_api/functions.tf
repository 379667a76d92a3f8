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
