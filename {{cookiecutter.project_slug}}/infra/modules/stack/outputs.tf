{%- set sqlite = cookiecutter.database == "sqlite" %}
{%- set ecs = cookiecutter.compute == "ecs" -%}
{%- if cookiecutter.frontend == "static" %}
output "url" {
  description = "Base URL of the page and, under its paths, the API: the distribution's."
  value       = module.frontend.url
}

output "frontend_bucket" {
  description = "The page's bucket (releases/<release>/, releases.json)."
  value       = module.frontend.bucket_name
}

output "frontend_function_name" {
  description = "The viewer-request function that names the live release of the page."
  value       = module.frontend.function_name
}

output "distribution_id" {
  description = "The CloudFront distribution of the page and the API."
  value       = module.frontend.distribution_id
}
{%- else %}
output "url" {
  description = "Base URL of the API."
  value       = {% if ecs %}module.ecs_service.url{% else %}module.lambda_api.api_url{% endif %}
}
{%- endif %}

output "app_environment" {
  description = "The settings the app runs with (names, ARNs and URLs only; no secret values)."
  value       = local.app_environment
}

output "app_log_group_names" {
  description = "CloudWatch log groups the app's JSON log lines (its stdout) land in: {% if ecs %}every container's{% else %}each function's{% endif %} (`make logs` tails them)."
  value       = {% if ecs %}[module.ecs_service.log_group_name]{% else %}[for function, group in module.lambda_api.log_group_names : group if function != "api_access"]{% endif %}
}

output "jwt_secret_arn" {
  description = "Secret that holds the JWT signing key; set its value outside Terraform."
  value       = aws_secretsmanager_secret.jwt_signing_key.arn
}

output "kms_key_arn" {
  description = "The environment's KMS key."
  value       = module.kms.key_arn
}

{%- if cookiecutter.compute == "ecs" %}

output "task_network" {
  description = "Where the tasks run (subnets, security group, public IP); one-off tasks such as the migration run the same way."
  value       = module.ecs_service.task_network
}
{%- endif %}

output "alarm_topic_arn" {
  description = "SNS topic the alarms publish to."
  value       = module.monitoring.topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the environment (null with monitoring_dashboard off)."
  value       = module.monitoring.dashboard_name
}
{%- if cookiecutter.database in ("postgres", "aurora-serverless") %}

output "database_secret_arn" {
  description = "RDS-managed secret with the master user and password (read by the migrations; the app logs in as its own user with IAM tokens)."
  value       = module.database.master_user_secret_arn
}

output "database_address" {
  description = "Database writer endpoint."
  value       = module.database.address
}
{%- endif %}
{%- if cookiecutter.database == "dynamodb" %}

output "table_names" {
  description = "The app's DynamoDB tables, by their name in project.json."
  value       = module.dynamodb.table_names
}
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}

output "uploads_bucket" {
  description = "Bucket that receives presigned uploads."
  value       = module.storage.bucket_name
}
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}

output "jobs_queue_url" {
  description = "SQS queue of background jobs."
  value       = module.queue.queue_url
}

output "jobs_dlq_url" {
  description = "Dead-letter queue of jobs that kept failing."
  value       = module.queue.dlq_url
}
{%- endif %}
{%- if ecs %}

output "repository_url" {
  description = "ECR repository `make image` pushes to."
  value       = module.registry.repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.ecs_service.cluster_name
}

output "service_name" {
  description = "ECS service of the API."
  value       = module.ecs_service.service_name
}

output "worker_service_name" {
  description = "ECS service of the job worker (null without jobs, and with SQLite, whose worker is a container of the app task)."
  value       = module.ecs_service.worker_service_name
}

output "task_definition_arns" {
  description = "Latest revision of each task definition: app, migrate (one-off{% if cookiecutter.database == "dynamodb" %}: none, DynamoDB has nothing to migrate{% endif %}) and worker (with jobs; with SQLite it is a container of the app task)."
  value       = module.ecs_service.task_definition_arns
}

output "app_task_migrates" {
  description = "True with SQLite: each app task migrates before it serves, and the deploy runs no migrate task."
  value       = module.ecs_service.app_task_migrates
}

{%- else %}

output "function_names" {
  description = "Lambda functions by role: api, worker (with jobs){% if cookiecutter.database != "dynamodb" %}, migrate{% endif %}."
  value       = module.lambda_api.function_names
}

output "alias_arns" {
  description = "The `live` alias of each function."
  value       = module.lambda_api.alias_arns
}
{%- endif %}
