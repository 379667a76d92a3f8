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

  # The app's metrics, counted from its JSON log lines.
  app_namespace      = "App/${var.name}"
  unreachable_metric = "DatabaseUnreachable"

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

# --- Alarms -----------------------------------------------------------------------

locals {
  # Every alarm by name. Defaults: `statistic` is a CloudWatch statistic or a percentile
  # ("p95"); missing data means no traffic, so no errors ("notBreaching").
  alarms = merge(
    local.ecs ? merge(
      {
        for key, metric in local.alb_5xx_metrics : "${var.name}-alb-${key}-5xx" => {
          description = "${metric} above ${var.http_5xx_threshold} in ${var.period_seconds} s"
          namespace   = "AWS/ApplicationELB"
          metric      = metric
          dimensions  = local.alb_dimensions
          statistic   = "Sum"
          threshold   = var.http_5xx_threshold
        }
      },
      {
        "${var.name}-alb-latency-p95" = {
          description = "Target response time p95 above ${var.latency_p95_threshold_seconds} s"
          namespace   = "AWS/ApplicationELB"
          metric      = "TargetResponseTime"
          dimensions  = local.tg_dimensions
          statistic   = "p95"
          threshold   = var.latency_p95_threshold_seconds
        }
      },
    ) : {},
    local.lambda ? merge(
      {
        for name in var.lambda_function_names : "${name}-errors" => {
          description = "Invocation errors of ${name} above ${var.lambda_errors_threshold} in ${var.period_seconds} s"
          namespace   = "AWS/Lambda"
          metric      = "Errors"
          dimensions  = { FunctionName = name }
          statistic   = "Sum"
          threshold   = var.lambda_errors_threshold
        }
      },
      {
        for name in var.lambda_function_names : "${name}-throttles" => {
          description = "Throttled invocations of ${name} (reserved concurrency reached) above ${var.lambda_throttles_threshold} in ${var.period_seconds} s"
          namespace   = "AWS/Lambda"
          metric      = "Throttles"
          dimensions  = { FunctionName = name }
          statistic   = "Sum"
          threshold   = var.lambda_throttles_threshold
        }
      },
      {
        "${var.name}-api-5xx" = {
          description = "HTTP API 5xx responses above ${var.http_5xx_threshold} in ${var.period_seconds} s"
          namespace   = "AWS/ApiGateway"
          metric      = "5xx"
          dimensions  = local.api_dimensions
          statistic   = "Sum"
          threshold   = var.http_5xx_threshold
        }
        "${var.name}-api-latency-p95" = {
          description = "HTTP API latency p95 above ${var.latency_p95_threshold_seconds} s"
          namespace   = "AWS/ApiGateway"
          metric      = "Latency"
          dimensions  = local.api_dimensions
          statistic   = "p95"
          threshold   = var.latency_p95_threshold_seconds * 1000 # this metric is in milliseconds
        }
      },
    ) : {},
    # Missing data keeps the last state: a silent database is not a healthy one, and a
    # paused Aurora Serverless v2 cluster should not flap the alarm either.
    var.database == null ? {} : {
      "${var.name}-db-cpu" = {
        description        = "Database CPU above ${var.db_cpu_threshold_percent}%"
        namespace          = "AWS/RDS"
        metric             = "CPUUtilization"
        dimensions         = local.db_dimensions
        statistic          = "Average"
        threshold          = var.db_cpu_threshold_percent
        treat_missing_data = "missing"
      }
      "${var.name}-db-connections" = {
        description        = "Database connections above ${var.db_connections_threshold}"
        namespace          = "AWS/RDS"
        metric             = "DatabaseConnections"
        dimensions         = local.db_dimensions
        statistic          = "Maximum"
        threshold          = var.db_connections_threshold
        treat_missing_data = "missing"
      }
    },
    # /health/db (the deploy's smoke check, or an uptime monitor pointed at it) found
    # the database unreachable; the target group probes /health, so this is the signal.
    var.app_log_group_name == null ? {} : {
      "${var.name}-database-unreachable" = {
        description        = "/health/db found the database unreachable"
        namespace          = local.app_namespace
        metric             = local.unreachable_metric
        dimensions         = {}
        statistic          = "Sum"
        threshold          = 0
        evaluation_periods = 1
      }
    },
    # Throttled events of a table, by TableName alone (the table without its indexes;
    # "CloudWatch throttling metrics", DynamoDB Developer Guide). On demand they mean a
    # hot partition, the table quota, or a peak over twice the last within 30 minutes
    # ("Troubleshooting throttling issues for on-demand mode"). The app turns a request
    # still throttled after the client's retries into a 503. $0.10 per alarm-month.
    {
      for pair in setproduct(keys(var.dynamodb_tables), ["Read", "Write"]) :
      "${var.dynamodb_tables[pair[0]]}-${lower(pair[1])}-throttles" => {
        description = "${pair[1]}ThrottleEvents of ${var.dynamodb_tables[pair[0]]} above ${var.dynamodb_throttle_threshold} in ${var.period_seconds} s"
        namespace   = "AWS/DynamoDB"
        metric      = "${pair[1]}ThrottleEvents"
        dimensions  = { TableName = var.dynamodb_tables[pair[0]] }
        statistic   = "Sum"
        threshold   = var.dynamodb_throttle_threshold
      }
    },
    # One message in the dead-letter queue is a job that failed for good: alarm at once.
    var.dlq_name == null ? {} : {
      "${var.name}-dlq-not-empty" = {
        description        = "Jobs failed for good: messages waiting in ${var.dlq_name}"
        namespace          = "AWS/SQS"
        metric             = "ApproximateNumberOfMessagesVisible"
        dimensions         = { QueueName = var.dlq_name }
        statistic          = "Maximum"
        threshold          = 0
        evaluation_periods = 1
      }
    },
  )
}

resource "aws_cloudwatch_log_metric_filter" "database_unreachable" {
  count = var.app_log_group_name == null ? 0 : 1

  name           = "${var.name}-database-unreachable"
  log_group_name = var.app_log_group_name
  pattern        = "{ $.event = \"database_unreachable\" }"

  metric_transformation {
    namespace = local.app_namespace
    name      = local.unreachable_metric
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = each.key
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = startswith(each.value.statistic, "p") ? null : each.value.statistic
  extended_statistic  = startswith(each.value.statistic, "p") ? each.value.statistic : null
  period              = var.period_seconds
  evaluation_periods  = lookup(each.value, "evaluation_periods", var.evaluation_periods)
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = lookup(each.value, "treat_missing_data", "notBreaching")
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# --- Dashboard --------------------------------------------------------------------

locals {
  # One entry per graph; metrics use the dashboard's [namespace, metric, dim, value, ...] form.
  # Each group is filtered with `if` rather than chosen with `? :`, which would need both
  # branches to have one type (a tuple of graphs and an empty tuple do not).
  graphs = concat(
    [for graph in [
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
    ] : graph if local.ecs],
    [for graph in [
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
    ] : graph if local.lambda],
    [for graph in [
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
    ] : graph if var.database != null],
    [for graph in [
      {
        title   = "DynamoDB throttled events"
        stat    = "Sum"
        metrics = [for pair in setproduct(values(var.dynamodb_tables), ["Read", "Write"]) : ["AWS/DynamoDB", "${pair[1]}ThrottleEvents", "TableName", pair[0]]]
      },
    ] : graph if length(var.dynamodb_tables) > 0],
    [for graph in [
      {
        title   = "Dead-letter queue messages"
        stat    = "Maximum"
        metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name]]
      },
    ] : graph if var.dlq_name != null],
    [for graph in [
      {
        title   = "Database unreachable (/health/db)"
        stat    = "Sum"
        metrics = [[local.app_namespace, local.unreachable_metric]]
      },
    ] : graph if var.app_log_group_name != null],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.dashboard ? 1 : 0

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
