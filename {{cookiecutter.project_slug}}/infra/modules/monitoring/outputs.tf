output "topic_arn" {
  description = "ARN of the SNS topic the alarms notify (subscribe more endpoints to it)."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null without one)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}

output "alarm_names" {
  description = "Names of every alarm the module created."
  value       = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name]
}
