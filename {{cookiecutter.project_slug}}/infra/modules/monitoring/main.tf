data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  ecs    = var.compute == "ecs"
  lambda = var.compute == "lambda"

  alarm_actions = [aws_sns_topic.alarms.arn]

  # Same dimension sets for the alarms and the dashboard.
  alb_dimensions = { LoadBalancer = var.alb_arn_suffix }
  tg_dimensions  = var.target_group_arn_suffix == null ? local.alb_dimensions : merge(local.alb_dimensions, { TargetGroup = var.target_group_arn_suffix })
  api_dimensions = { ApiId = var.api_id }
  db_dimensions  = var.database == null ? {} : { (var.database.dimension_name) = var.database.dimension_value }

  alb_5xx_metrics = {
    target = "HTTPCode_Target_5XX_Count"
    elb    = "HTTPCode_ELB_5XX_Count"
  }
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

# CloudWatch alarms of this account may publish; the key policy must also let
# cloudwatch.amazonaws.com use the KMS key (kms:Decrypt, kms:GenerateDataKey*).
data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "CloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# --- ECS: ALB ---------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "alb_5xx" {
  for_each = local.ecs ? local.alb_5xx_metrics : {}

  alarm_name          = "${var.name}-alb-${each.key}-5xx"
  alarm_description   = "${each.value} above ${var.http_5xx_threshold} in ${var.period_seconds} s"
  namespace           = "AWS/ApplicationELB"
  metric_name         = each.value
  dimensions          = local.alb_dimensions
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.http_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching" # no requests, no errors
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "alb_latency" {
  count = local.ecs ? 1 : 0

  alarm_name          = "${var.name}-alb-latency-p95"
  alarm_description   = "Target response time p95 above ${var.latency_p95_threshold_seconds} s"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.tg_dimensions
  extended_statistic  = "p95"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.latency_p95_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# --- Lambda + HTTP API ------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = local.lambda ? toset(var.lambda_function_names) : toset([])

  alarm_name          = "${each.key}-errors"
  alarm_description   = "Invocation errors of ${each.key} above ${var.lambda_errors_threshold} in ${var.period_seconds} s"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.key }
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.lambda_errors_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  for_each = local.lambda ? toset(var.lambda_function_names) : toset([])

  alarm_name          = "${each.key}-throttles"
  alarm_description   = "Throttled invocations of ${each.key} (reserved concurrency reached) above ${var.lambda_throttles_threshold} in ${var.period_seconds} s"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.key }
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.lambda_throttles_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  count = local.lambda ? 1 : 0

  alarm_name          = "${var.name}-api-5xx"
  alarm_description   = "HTTP API 5xx responses above ${var.http_5xx_threshold} in ${var.period_seconds} s"
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = local.api_dimensions
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.http_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  count = local.lambda ? 1 : 0

  alarm_name          = "${var.name}-api-latency-p95"
  alarm_description   = "HTTP API latency p95 above ${var.latency_p95_threshold_seconds} s"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.api_dimensions
  extended_statistic  = "p95"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.latency_p95_threshold_seconds * 1000 # this metric is in milliseconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# --- Database ---------------------------------------------------------------------

# Missing data keeps the last state: a silent database is not a healthy one, and a paused
# Aurora Serverless v2 cluster should not flap the alarm either.
resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  count = var.database == null ? 0 : 1

  alarm_name          = "${var.name}-db-cpu"
  alarm_description   = "Database CPU above ${var.db_cpu_threshold_percent}%"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = local.db_dimensions
  statistic           = "Average"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.db_cpu_threshold_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "db_connections" {
  count = var.database == null ? 0 : 1

  alarm_name          = "${var.name}-db-connections"
  alarm_description   = "Database connections above ${var.db_connections_threshold}"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = local.db_dimensions
  statistic           = "Maximum"
  period              = var.period_seconds
  evaluation_periods  = var.evaluation_periods
  threshold           = var.db_connections_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# --- Jobs dead-letter queue -------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "dlq" {
  count = var.dlq_name == null ? 0 : 1

  alarm_name          = "${var.name}-dlq-not-empty"
  alarm_description   = "Jobs failed for good: messages waiting in ${var.dlq_name}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dlq_name }
  statistic           = "Maximum"
  period              = var.period_seconds
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# --- Dashboard --------------------------------------------------------------------

locals {
  # One entry per graph; metrics use the dashboard's [namespace, metric, dim, value, ...] form.
  graphs = concat(
    local.ecs ? [
      {
        title   = "ALB 5xx"
        stat    = "Sum"
        metrics = [for m in values(local.alb_5xx_metrics) : concat(["AWS/ApplicationELB", m], flatten([for k, v in local.alb_dimensions : [k, v]]))]
      },
      {
        title   = "Target response time p95 (s)"
        stat    = "p95"
        metrics = [concat(["AWS/ApplicationELB", "TargetResponseTime"], flatten([for k, v in local.tg_dimensions : [k, v]]))]
      },
    ] : [],
    local.lambda ? [
      {
        title   = "Lambda errors"
        stat    = "Sum"
        metrics = [for f in var.lambda_function_names : ["AWS/Lambda", "Errors", "FunctionName", f]]
      },
      {
        title   = "Lambda throttles"
        stat    = "Sum"
        metrics = [for f in var.lambda_function_names : ["AWS/Lambda", "Throttles", "FunctionName", f]]
      },
      {
        title   = "HTTP API 5xx"
        stat    = "Sum"
        metrics = [["AWS/ApiGateway", "5xx", "ApiId", local.api_dimensions.ApiId]]
      },
      {
        title   = "HTTP API latency p95 (ms)"
        stat    = "p95"
        metrics = [["AWS/ApiGateway", "Latency", "ApiId", local.api_dimensions.ApiId]]
      },
    ] : [],
    var.database == null ? [] : [
      {
        title   = "Database CPU (%)"
        stat    = "Average"
        metrics = [concat(["AWS/RDS", "CPUUtilization"], flatten([for k, v in local.db_dimensions : [k, v]]))]
      },
      {
        title   = "Database connections"
        stat    = "Maximum"
        metrics = [concat(["AWS/RDS", "DatabaseConnections"], flatten([for k, v in local.db_dimensions : [k, v]]))]
      },
    ],
    var.dlq_name == null ? [] : [
      {
        title   = "Dead-letter queue messages"
        stat    = "Maximum"
        metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name]]
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for i, g in local.graphs : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = g.title
        region  = data.aws_region.current.name
        view    = "timeSeries"
        stacked = false
        stat    = g.stat
        period  = var.period_seconds
        metrics = g.metrics
      }
    }]
  })
}
