variable "name" {
  type        = string
  description = "Prefix for resource names (topic <name>-alarms, alarms <name>-..., dashboard <name>)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, start with a letter and end with a letter or digit."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource."
  default     = {}
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer managed KMS key that encrypts the alarm topic. Its key policy must let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*), or alarm notifications are dropped."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "alarm_email" {
  type        = string
  description = "Email address subscribed to the alarm topic (AWS sends a confirmation mail first). Null: no subscription."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.alarm_email, "-")))
    error_message = "alarm_email must be an email address."
  }
}

variable "dashboard" {
  type        = bool
  description = "The dashboard <name> graphing the alarms' metrics ($3 a month beyond an account's first three, \"Amazon CloudWatch pricing\")."
  default     = true
}

variable "compute" {
  type        = string
  description = "Where the API runs: ecs (ALB alarms) or lambda (function and HTTP API alarms)."

  validation {
    condition     = contains(["ecs", "lambda"], var.compute)
    error_message = "compute must be ecs or lambda."
  }
}

variable "alb_arn_suffix" {
  type        = string
  description = "ARN suffix of the ALB (app/<name>/<id>); required when compute is ecs."
  default     = null

  validation {
    condition     = var.compute != "ecs" || can(regex("^app/[^/]+/[^/]+$", coalesce(var.alb_arn_suffix, "-")))
    error_message = "alb_arn_suffix (app/<name>/<id>) is required when compute is ecs."
  }
}

variable "target_group_arn_suffix" {
  type        = string
  description = "ARN suffix of the ALB target group (targetgroup/<name>/<id>) for the response time alarm; null measures the whole ALB."
  default     = null

  validation {
    condition     = var.target_group_arn_suffix == null || can(regex("^targetgroup/[^/]+/[^/]+$", coalesce(var.target_group_arn_suffix, "-")))
    error_message = "target_group_arn_suffix must look like targetgroup/<name>/<id>."
  }
}

variable "lambda_function_names" {
  type        = list(string)
  description = "Functions that get Errors and Throttles alarms (the api function, and the worker if wanted); at least one when compute is lambda."
  default     = []

  validation {
    condition     = var.compute != "lambda" || length(var.lambda_function_names) >= 1
    error_message = "lambda_function_names needs at least the api function when compute is lambda."
  }
}

variable "api_id" {
  type        = string
  description = "ID of the API Gateway HTTP API; required when compute is lambda."
  default     = null

  validation {
    condition     = var.compute != "lambda" || can(regex("^[a-z0-9]+$", coalesce(var.api_id, "-")))
    error_message = "api_id (the HTTP API id) is required when compute is lambda."
  }
}

variable "database" {
  type = object({
    dimension_name  = string
    dimension_value = string
  })
  description = "RDS metric dimension of the database: DBInstanceIdentifier (RDS instance) or DBClusterIdentifier (Aurora cluster) and its value. Null: no database alarms."
  default     = null

  validation {
    condition     = var.database == null || contains(["DBInstanceIdentifier", "DBClusterIdentifier"], try(var.database.dimension_name, ""))
    error_message = "database.dimension_name must be DBInstanceIdentifier or DBClusterIdentifier."
  }
}

variable "app_log_group_name" {
  type        = string
  description = "Log group the app's JSON log lines (its stdout) land in; its database_unreachable events (logged by /health/db) alarm. Null: no such alarm."
  default     = null
}

variable "dlq_name" {
  type        = string
  description = "Name of the jobs dead-letter queue; alarms as soon as it holds a message. Null: no DLQ alarm."
  default     = null

  validation {
    condition     = var.dlq_name == null || can(regex("^[A-Za-z0-9_-]{1,80}$", coalesce(var.dlq_name, "-")))
    error_message = "dlq_name must be an SQS queue name (not a URL or ARN)."
  }
}

variable "dynamodb_tables" {
  type        = map(string)
  description = "The app's DynamoDB tables, each full name by its short name (the dynamodb module's table_names): each alarms when its reads or writes are throttled. Empty: no such alarm."
  default     = {}
}

variable "dynamodb_throttle_threshold" {
  type        = number
  description = "Throttled read or write events of one table per period above which its alarm fires. On demand, a table throttles only past a partition's limits (3,000 read or 1,000 write units a second), its table quota, or on traffic over twice its previous peak within 30 minutes."
  default     = 0

  validation {
    condition     = var.dynamodb_throttle_threshold >= 0
    error_message = "dynamodb_throttle_threshold must be >= 0."
  }
}

variable "period_seconds" {
  type        = number
  description = "Period of every alarm and graph, in seconds."
  default     = 300

  validation {
    condition     = var.period_seconds >= 60 && var.period_seconds % 60 == 0
    error_message = "period_seconds must be a multiple of 60."
  }
}

variable "evaluation_periods" {
  type        = number
  description = "Consecutive breaching periods before an alarm fires (not the DLQ alarm, which fires at once)."
  default     = 1

  validation {
    condition     = var.evaluation_periods >= 1 && floor(var.evaluation_periods) == var.evaluation_periods
    error_message = "evaluation_periods must be a whole number >= 1."
  }
}

variable "http_5xx_threshold" {
  type        = number
  description = "5xx responses per period above which the ALB or HTTP API 5xx alarms fire."
  default     = 5

  validation {
    condition     = var.http_5xx_threshold >= 0
    error_message = "http_5xx_threshold must be >= 0."
  }
}

variable "latency_p95_threshold_seconds" {
  type        = number
  description = "p95 response time in seconds above which the latency alarm fires (ALB target response time or HTTP API latency)."
  default     = 2

  validation {
    condition     = var.latency_p95_threshold_seconds > 0
    error_message = "latency_p95_threshold_seconds must be > 0."
  }
}

variable "lambda_errors_threshold" {
  type        = number
  description = "Function errors per period above which the alarm fires. The app turns exceptions into 500s, so Errors are crashes and timeouts: any is worth a look."
  default     = 0

  validation {
    condition     = var.lambda_errors_threshold >= 0
    error_message = "lambda_errors_threshold must be >= 0."
  }
}

variable "lambda_throttles_threshold" {
  type        = number
  description = "Throttled invocations per period above which the alarm fires (throttling means reserved concurrency is exhausted)."
  default     = 0

  validation {
    condition     = var.lambda_throttles_threshold >= 0
    error_message = "lambda_throttles_threshold must be >= 0."
  }
}

variable "db_cpu_threshold_percent" {
  type        = number
  description = "Database CPU utilization (%) above which the alarm fires."
  default     = 80

  validation {
    condition     = var.db_cpu_threshold_percent > 0 && var.db_cpu_threshold_percent <= 100
    error_message = "db_cpu_threshold_percent must be in (0, 100]."
  }
}

variable "db_connections_threshold" {
  type        = number
  description = "Database connections above which the alarm fires; set it near 80% of the instance's max_connections."
  default     = 80

  validation {
    condition     = var.db_connections_threshold >= 1
    error_message = "db_connections_threshold must be >= 1."
  }
}
