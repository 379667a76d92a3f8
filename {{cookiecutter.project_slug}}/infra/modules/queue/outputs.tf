output "queue_url" {
  description = "URL of the jobs queue (the app's JOBS_QUEUE_URL)."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the jobs queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the jobs queue."
  value       = aws_sqs_queue.this.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue (for the monitoring module's dlq_name)."
  value       = aws_sqs_queue.dlq.name
}
