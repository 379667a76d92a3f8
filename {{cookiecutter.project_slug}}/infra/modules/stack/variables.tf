{%- set sqlite = cookiecutter.database == "sqlite" %}
{%- set ecs = cookiecutter.compute == "ecs" -%}
variable "name" {
  type        = string
  description = "Prefix of every resource name, e.g. \"{{ cookiecutter.project_slug[:30] }}-dev\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "The app's ENVIRONMENT, one of project.json's environments (prod refuses unsafe settings at start-up)."

  validation {
    # "local" and "test" are the app's own, for a laptop and the test suite.
    condition     = can(regex("^[a-z][a-z0-9]*$", var.environment)) && !contains(["local", "test"], var.environment)
    error_message = "environment must be a lowercase name other than local and test."
  }
}

variable "architecture" {
  type        = string
  description = "The CPU the {% if ecs %}tasks run on; the image must be built for it{% else %}functions run on; the package's compiled wheels must match it{% endif %} (project.json's architecture)."

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource (the providers also set default_tags)."
  default     = {}
}

variable "deletion_protection" {
  type        = bool
  description = "Protect data and entry points from deletion (database, load balancer); off also lets destroy empty the uploads bucket and the image registry. On in prod."
  default     = true
}

variable "log_retention_days" {
  type        = number
  description = "Days every log group keeps its events."
  default     = 365
}

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Days a deleted KMS key waits before it is gone (7-30)."
  default     = 30
}

variable "secret_recovery_window_in_days" {
  type        = number
  description = "Days a deleted secret can be restored (0 deletes at once, for throwaway environments)."
  default     = 30

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "secret_recovery_window_in_days must be 0 or 7-30."
  }
}

{%- if cookiecutter.compute == "ecs" or cookiecutter.database in ("postgres", "aurora-serverless") %}

variable "az_count" {
  type        = number
  description = "Availability zones to spread subnets over (2 or 3)."
  default     = 2
}

variable "enable_nat_gateway" {
  type        = bool
{%- if cookiecutter.compute == "ecs" %}
  description = "NAT gateways give the private subnets the internet. Without them the tasks run in the public subnets with public IPs, which their security group opens to the load balancer alone: one public IPv4 address per task costs less than a NAT gateway."
{%- else %}
  description = "NAT gateways give the private subnets the internet. Without them the functions reach Secrets Manager{% if cookiecutter.use_background_jobs == "y" %}, SES and SQS{% else %} and SES{% endif %}, all they call outside the VPC but S3, through interface endpoints in one zone (and S3 through its gateway endpoint), which cost less."
{%- endif %}
  default     = true
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (survives a zone outage)."
  default     = false
}
{%- endif %}

variable "alarm_email" {
  type        = string
  description = "E-mail subscribed to the alarms (AWS asks it to confirm). Null: no subscription."
  default     = null
}

variable "monitoring_dashboard" {
  type        = bool
  description = "The CloudWatch dashboard of the environment's metrics ($3 a month beyond an account's first three)."
  default     = true
}
{%- if cookiecutter.database == "dynamodb" %}

variable "dynamodb_tables" {
  type = map(object({
    hash_key      = string
    range_key     = optional(string)
    ttl_attribute = optional(string)
  }))
  description = "The app's tables (project.json's `tables`): each one's partition key, sort key and TTL attribute."
}
{%- elif cookiecutter.database in ("postgres", "aurora-serverless") %}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated database backups (1-35)."
  default     = 7
}

variable "db_final_snapshot" {
  type        = bool
  description = "Take the snapshot <name>-final when the database is destroyed (it is encrypted with ../../bootstrap's database key, which outlives the environment)."
  default     = true
}

variable "db_multi_az" {
  type        = bool
  description = "A second database instance in another zone that takes over on failure: an RDS standby, or an Aurora reader."
  default     = false
}
{%- if cookiecutter.database == "postgres" %}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.micro"
}
{%- else %}

variable "aurora_min_capacity" {
  type        = number
  description = "Aurora Serverless v2 minimum capacity (ACUs, 0-256): 0 pauses the database after five minutes without connections, and the app waits up to 25 s for the resume."
  default     = 0.5
}

variable "aurora_max_capacity" {
  type        = number
  description = "Aurora Serverless v2 maximum capacity (ACUs, 0.5-256)."
  default     = 2
}
{%- endif %}
{%- endif %}

{%- if cookiecutter.compute == "lambda" and cookiecutter.database in ("postgres", "aurora-serverless") %}

variable "interface_endpoints" {
  type        = list(string)
  description = "VPC endpoint names of the AWS APIs the functions call beyond S3 (project.json's interface_endpoints): an interface endpoint each when enable_nat_gateway is false."
}
{%- endif %}

variable "mail_from" {
  type        = string
  description = "The address the app's mail (password reset links) comes from, verified in SES by its owner following the link SES mails to it. Empty: no-reply@<domain_name>, the domain verified by DKIM records in its zone; without domain_name, no mail, and a password reset answers 503."
  default     = ""

  validation {
    condition     = var.mail_from == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.mail_from))
    error_message = "mail_from must be an e-mail address, or empty."
  }
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Browser origins (scheme://host[:port]) that may call the API (the app's CORS_ORIGINS){% if cookiecutter.use_s3_uploads == "y" %} and POST uploads straight to the bucket (its CORS rule){% endif %}, e.g. [\"https://app.example.com\"]."
  default     = []

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https?://[^/*,]+$", origin))])
    error_message = "Each cors_allowed_origins entry must be an origin such as https://app.example.com (no path, no wildcard)."
  }
}


variable "domain_name" {
  type        = string
  description = "The API's host name, in hosted_zone_name: an ACM certificate, its DNS records and HTTPS{% if ecs %} (port 80 then only redirects). Null: plain HTTP on the load balancer's own name, which prod refuses{% else %}. Null: the execute-api URL (HTTPS too){% endif %}."
  default     = null
{%- if ecs %}

  validation {
    # Without a domain the load balancer has no certificate. (A rule on another variable
    # needs Terraform 1.9 or later; versions.tf asks for 1.10.)
    condition     = var.domain_name != null || var.environment != "prod"
    error_message = "prod would serve users' passwords and tokens over plain HTTP: set \"domain\" in project.json: the Route 53 public hosted zone of this account and each environment's name in it."
  }
{%- endif %}
}
{%- if cookiecutter.frontend == "static" %}

variable "frontend" {
  type = object({
    api_paths               = list(string)
    content_security_policy = string
  })
  description = "project.json's frontend: the CloudFront path patterns of the API, and the page's Content-Security-Policy ($${uploads_origin} standing for the uploads bucket's origins)."
}
{%- endif %}
{%- if cookiecutter.frontend == "static" or cookiecutter.compute == "ecs" %}

variable "waf_enabled" {
  type        = bool
  description = "A WAF web ACL (AWS managed rules, a rate limit on the password routes) in front of the {% if cookiecutter.frontend == "static" %}distribution{% else %}load balancer{% endif %}: about $9 a month plus $0.60 per million requests."
  default     = true
}
{%- endif %}

variable "hosted_zone_name" {
  type        = string
  description = "The existing Route 53 public hosted zone that holds domain_name."
  default     = null

  validation {
    condition     = var.domain_name == null || var.hosted_zone_name != null
    error_message = "hosted_zone_name is required with domain_name: the existing Route 53 public hosted zone that holds it."
  }
}
{%- if ecs %}

variable "image_tag" {
  type        = string
  description = "Tag of the app image in the registry (the git revision `make image` pushed)."
}

variable "container_insights" {
  type        = bool
  description = "CloudWatch Container Insights on the cluster: per-task CPU, memory and network metrics, billed as custom metrics."
  default     = true
}

variable "task_cpu" {
  type        = number
  description = "CPU units per task (1024 = one vCPU)."
  default     = 512
}

variable "task_memory" {
  type        = number
  description = "Memory per task, in MiB."
  default     = 1024
}

variable "desired_count" {
  type        = number
  description = "Tasks to start with; autoscaling moves between min_capacity and max_capacity.{% if sqlite %} SQLite on EFS always runs one.{% endif %}"
  default     = 2
}

variable "min_capacity" {
  type        = number
  description = "Fewest tasks autoscaling keeps."
  default     = 2
}

variable "max_capacity" {
  type        = number
  description = "Most tasks autoscaling starts."
  default     = 6
}
{%- else %}

variable "package_path" {
  type        = string
  description = "The function zip `make package` builds."
}

variable "lambda_memory_size" {
  type        = number
  description = "Memory of the API function in MiB (CPU grows with it)."
  default     = 512
}

variable "lambda_snap_start" {
  type        = bool
  description = "Lambda SnapStart on the API function's published versions (python3.12 or later): new execution environments resume from a snapshot of the initialized app. Billed per cached version and per restore."
  default     = false
}

variable "lambda_reserved_concurrency" {
  type        = number
  description = "Concurrent executions reserved for (and the most of) the API function, each holding a database connection; null reserves none. AWS refuses a reservation that leaves the account fewer than 100 unreserved."
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
  description = "Most workers the SQS event source mapping runs at once (2-1000), without a reservation."
  default     = 5
}
{%- endif %}
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}

variable "jobs_batch_timeout_seconds" {
  type        = number
  description = "The longest a worker spends on one received batch of jobs: the Lambda worker's function timeout, or the ECS worker's JOBS_BATCH_TIMEOUT_SECONDS. The queue's visibility timeout is six times this."
  default     = 30

  validation {
    condition     = var.jobs_batch_timeout_seconds >= 1 && var.jobs_batch_timeout_seconds <= 900 && floor(var.jobs_batch_timeout_seconds) == var.jobs_batch_timeout_seconds
    error_message = "jobs_batch_timeout_seconds must be a whole number between 1 and 900 (Lambda's longest function timeout)."
  }
}
{%- endif %}
