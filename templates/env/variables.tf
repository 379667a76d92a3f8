{%- set ecs = cookiecutter.compute == "ecs" -%}
# Values for ../../modules/stack, set in terraform.tfvars; the stack module validates them.

variable "deletion_protection" {
  type        = bool
  description = "Protect the database and load balancer from deletion; off lets destroy remove everything."
}

variable "log_retention_days" {
  type        = number
  description = "Days every log group keeps its events."
}

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Days a deleted KMS key waits before it is gone (7-30)."
}

variable "secret_recovery_window_in_days" {
  type        = number
  description = "Days a deleted secret can be restored (0, or 7-30)."
}

{%- if cookiecutter.compute == "ecs" or cookiecutter.database in ("postgres", "aurora-serverless") %}

variable "az_count" {
  type        = number
  description = "Availability zones (2 or 3)."
}

variable "enable_nat_gateway" {
  type        = bool
  description = "NAT gateways for the private subnets; without them {% if cookiecutter.compute == "ecs" %}the tasks run in the public subnets with public IPs{% else %}the functions reach the AWS APIs through interface endpoints{% endif %} (cheaper)."
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all zones (cheaper) instead of one per zone."
}
{%- endif %}

variable "alarm_email" {
  type        = string
  description = "E-mail subscribed to the alarms; null for none."
  default     = null
}

variable "monitoring_dashboard" {
  type        = bool
  description = "The CloudWatch dashboard of the environment's metrics."
}
{%- if cookiecutter.database in ("postgres", "aurora-serverless") %}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated database backups (1-35)."
}

variable "db_final_snapshot" {
  type        = bool
  description = "Take the snapshot <name>-final when the database is destroyed."
}

variable "db_multi_az" {
  type        = bool
  description = "A second database instance in another zone that takes over on failure: an RDS standby, or an Aurora reader."
}
{%- endif %}
{%- if cookiecutter.database == "postgres" %}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
}
{%- elif cookiecutter.database == "aurora-serverless" %}

variable "aurora_min_capacity" {
  type        = number
  description = "Aurora Serverless v2 minimum ACUs."
}

variable "aurora_max_capacity" {
  type        = number
  description = "Aurora Serverless v2 maximum ACUs."
}
{%- endif %}

variable "mail_from" {
  type        = string
  description = "The address the app's mail (password reset links) comes from; SES mails it a link its owner must follow once. Empty: no-reply@ this environment's name in project.json's domain, verified by DKIM records in the zone; no domain either: no mail, and a password reset answers 503."
  default     = ""
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Browser origins (scheme://host[:port]) that may call the API (the app's CORS_ORIGINS){% if cookiecutter.use_s3_uploads == "y" %} and POST uploads straight to the bucket (its CORS rule){% endif %}, e.g. [\"https://app.example.com\"]."
}
{%- if ecs or cookiecutter.frontend == "static" %}

variable "waf_enabled" {
  type        = bool
  description = "A WAF web ACL in front of the {% if cookiecutter.frontend == "static" %}distribution{% else %}load balancer{% endif %} (AWS managed rules, a rate limit on the password routes)."
}
{%- endif %}

{%- if ecs %}

variable "image_tag" {
  type        = string
  description = "Tag of the app image to run (`make deploy` passes the git revision)."
}

variable "container_insights" {
  type        = bool
  description = "CloudWatch Container Insights on the cluster (per-task metrics, billed as custom metrics)."
}

variable "task_cpu" {
  type        = number
  description = "CPU units per task (1024 = one vCPU)."
}

variable "task_memory" {
  type        = number
  description = "Memory per task in MiB."
}

variable "desired_count" {
  type        = number
  description = "Tasks to start with."
}

variable "min_capacity" {
  type        = number
  description = "Fewest tasks autoscaling keeps."
}

variable "max_capacity" {
  type        = number
  description = "Most tasks autoscaling starts."
}
{%- else %}

variable "package_path" {
  type        = string
  description = "The function zip `make package` builds."
  default     = "../../../dist/lambda.zip"
}

variable "lambda_memory_size" {
  type        = number
  description = "Memory of the API function in MiB."
}

variable "lambda_snap_start" {
  type        = bool
  description = "Lambda SnapStart on the API function's published versions (python3.12 or later); see the README for its price."
}

variable "lambda_reserved_concurrency" {
  type        = number
  description = "Concurrent executions reserved for the API function (and its most); null reserves none. `make deploy` checks the account can reserve it first."
  default     = null
}
{%- if cookiecutter.use_background_jobs == "y" %}

variable "lambda_worker_reserved_concurrency" {
  type        = number
  description = "Concurrent executions reserved for the worker function; null reserves none."
  default     = null
}

variable "lambda_worker_maximum_concurrency" {
  type        = number
  description = "Most workers the SQS event source mapping runs at once (2-1000)."
}
{%- endif %}
{%- endif %}
