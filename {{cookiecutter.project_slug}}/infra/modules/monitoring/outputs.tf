output "topic_arn" {
  description = "ARN of the SNS topic the alarms notify (subscribe more endpoints to it)."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarm_names" {
  description = "Names of every alarm the module created."
  value = concat(
    [for a in aws_cloudwatch_metric_alarm.alb_5xx : a.alarm_name],
    aws_cloudwatch_metric_alarm.alb_latency[*].alarm_name,
    [for a in aws_cloudwatch_metric_alarm.lambda_errors : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.lambda_throttles : a.alarm_name],
    aws_cloudwatch_metric_alarm.api_5xx[*].alarm_name,
    aws_cloudwatch_metric_alarm.api_latency[*].alarm_name,
    aws_cloudwatch_metric_alarm.db_cpu[*].alarm_name,
    aws_cloudwatch_metric_alarm.db_connections[*].alarm_name,
    aws_cloudwatch_metric_alarm.dlq[*].alarm_name,
  )
}
