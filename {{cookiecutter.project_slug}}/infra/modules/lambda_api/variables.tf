variable "name" {
  type        = string
  description = "Prefix for resource names: functions <name>-api, <name>-worker, <name>-migrate, the HTTP API <name>."

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

variable "package_path" {
  type        = string
  description = "Path to the deployment zip that `make package` builds (the same zip serves every function)."

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must point to a .zip file."
  }
}

variable "runtime" {
  type        = string
  description = "Lambda Python runtime."
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "architecture" {
  type        = string
  description = "Instruction set of the functions; the package's compiled wheels must match it."

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "handler_package" {
  type        = string
  description = "Python package of the app; handlers are <pkg>.lambda_handler.handler, .worker and .migrate."

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]*$", var.handler_package))
    error_message = "handler_package must be a lowercase Python package name."
  }
}

variable "environment" {
  type        = map(string)
  description = "Environment variables of every function: plain settings and ARNs only (secrets are passed as their Secrets Manager ARNs, never as values). Encrypted at rest with kms_key_arn."
  default     = {}
}

variable "app_policy_json" {
  type        = string
  description = "IAM policy document (JSON) of the app's own permissions (bucket, queue, secrets, KMS key), attached to the functions' roles."

  validation {
    condition     = can(jsondecode(var.app_policy_json))
    error_message = "app_policy_json must be a JSON policy document."
  }
}

variable "migration" {
  type = object({
    policy_json = string
    environment = map(string)
  })
  description = "The migrate function's IAM policy document (JSON) and settings: the migrations log in as the database's owner (its master user's secret), the app as a user that owns nothing. Null: the app has nothing to migrate (DynamoDB), and there is no migrate function."
  default     = null

  validation {
    condition     = var.migration == null || can(jsondecode(var.migration.policy_json))
    error_message = "migration.policy_json must be a JSON policy document."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer managed KMS key for the environment variables and the log groups. Its key policy must allow the logs.<region>.amazonaws.com service principal."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function and API access log groups, in days (0 keeps them forever)."
  default     = 365

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "memory_size" {
  type        = number
  description = "Memory of every function in MB (CPU scales with it)."
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number between 128 and 10240."
  }
}

variable "snap_start" {
  type        = bool
  description = "Lambda SnapStart on the api function's published versions: a new execution environment resumes from a snapshot of the initialized app instead of importing it. Needs python3.12 or later; billed per cached version and per restore."
  default     = false

  validation {
    # "SnapStart is available for ... Python 3.12 and later" (Lambda developer guide).
    condition     = !var.snap_start || contains(["python3.12", "python3.13"], var.runtime)
    error_message = "snap_start needs the python3.12 runtime or later."
  }
}

variable "timeout" {
  type        = number
  description = "Timeout of the api function in seconds; API Gateway HTTP APIs stop waiting at 30 s, so more is pointless."
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 30 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number between 1 and 30."
  }
}

variable "worker_timeout" {
  type        = number
  description = "Timeout of the worker function in seconds (one SQS batch). The queue's visibility timeout must be at least 6x this."
  default     = 30

  validation {
    condition     = var.worker_timeout >= 1 && var.worker_timeout <= 900 && floor(var.worker_timeout) == var.worker_timeout
    error_message = "worker_timeout must be a whole number between 1 and 900."
  }
}

variable "migrate_timeout" {
  type        = number
  description = "Timeout of the migration function in seconds."
  default     = 300

  validation {
    condition     = var.migrate_timeout >= 1 && var.migrate_timeout <= 900 && floor(var.migrate_timeout) == var.migrate_timeout
    error_message = "migrate_timeout must be a whole number between 1 and 900."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved (and maximum) concurrent executions of the api function; null reserves none. Each execution environment holds its own database pool, so a reservation also caps the database connections the API opens (reserved_concurrency x pool size). AWS refuses a reservation that leaves the account fewer than 100 unreserved executions, so new accounts (often 10 in all) cannot reserve until the \"Concurrent executions\" quota is raised."
  default     = null

  validation {
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 1 && floor(var.reserved_concurrency) == var.reserved_concurrency, false)
    error_message = "reserved_concurrency must be null or a whole number >= 1."
  }
}

variable "worker_reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions of the worker function; null reserves none (worker_maximum_concurrency caps the worker without one). Same account quota rule as reserved_concurrency."
  default     = null

  validation {
    condition     = var.worker_reserved_concurrency == null || try(var.worker_reserved_concurrency >= 1 && floor(var.worker_reserved_concurrency) == var.worker_reserved_concurrency, false)
    error_message = "worker_reserved_concurrency must be null or a whole number >= 1."
  }
}

variable "worker_maximum_concurrency" {
  type        = number
  description = "Most worker instances the SQS event source mapping invokes at once (2-1000); caps the worker's database connections like reserved_concurrency, without reserving any concurrency."
  default     = 5

  validation {
    condition     = var.worker_maximum_concurrency >= 2 && var.worker_maximum_concurrency <= 1000 && floor(var.worker_maximum_concurrency) == var.worker_maximum_concurrency
    error_message = "worker_maximum_concurrency must be a whole number between 2 and 1000."
  }

  # Above a reservation the pollers would invoke more than may run: throttled batches count
  # as receives and move healthy messages to the DLQ.
  validation {
    condition     = var.worker_reserved_concurrency == null || var.worker_maximum_concurrency <= coalesce(var.worker_reserved_concurrency, 1000)
    error_message = "worker_maximum_concurrency must not exceed worker_reserved_concurrency."
  }
}

variable "vpc" {
  type = object({
    subnet_ids = list(string)
    vpc_id     = string
  })
  description = "Private subnets (and their VPC) to run the functions in, with a security group allowing HTTPS out and Postgres inside the VPC. Null: no VPC."
  default     = null

  validation {
    condition     = var.vpc == null || try(length(var.vpc.subnet_ids) >= 1 && alltrue([for s in var.vpc.subnet_ids : startswith(s, "subnet-")]) && startswith(var.vpc.vpc_id, "vpc-"), false)
    error_message = "vpc must hold at least one subnet id (subnet-...) and a vpc_id (vpc-...)."
  }
}

variable "queue" {
  type = object({
    arn = string
  })
  description = "Jobs queue to consume. Set: a worker function reads it through an event source mapping (partial batch failures reported). Null: no worker."
  default     = null

  validation {
    condition     = var.queue == null || can(regex("^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:[0-9]{12}:.+$", try(var.queue.arn, "")))
    error_message = "queue.arn must be an SQS queue ARN."
  }
}

variable "batch_size" {
  type        = number
  description = "Messages per worker invocation (above 10 needs maximum_batching_window_in_seconds >= 1)."
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && (var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1)
    error_message = "batch_size must be between 1 and 10000, and above 10 only with maximum_batching_window_in_seconds >= 1."
  }
}

variable "maximum_batching_window_in_seconds" {
  type        = number
  description = "How long the event source mapping gathers messages before invoking the worker (0 invokes at once)."
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be between 0 and 300."
  }
}

variable "throttling_burst_limit" {
  type        = number
  description = "Default route burst limit of the HTTP API stage (requests)."
  default     = 100

  validation {
    condition     = var.throttling_burst_limit >= 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number >= 0."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Default route steady-state rate limit of the HTTP API stage (requests per second)."
  default     = 50

  validation {
    condition     = var.throttling_rate_limit >= 0
    error_message = "throttling_rate_limit must be >= 0."
  }
}

variable "domain_name" {
  type        = string
  description = "Custom domain of the API (needs certificate_arn). Null: only the execute-api URL."
  default     = null

  validation {
    condition     = (var.domain_name == null) == (var.certificate_arn == null)
    error_message = "Set domain_name and certificate_arn together, or neither."
  }

  validation {
    condition     = var.domain_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", coalesce(var.domain_name, "-")))
    error_message = "domain_name must be a lowercase DNS name such as api.example.com."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ARN of an ACM certificate for domain_name, in the API's region (regional endpoint)."
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", coalesce(var.certificate_arn, "-")))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "disable_execute_api_endpoint" {
  type        = bool
  description = "With a custom domain, turn off the default execute-api endpoint so clients cannot bypass the domain. Ignored without domain_name."
  default     = true
}

variable "permissions_boundary" {
  type        = string
  description = "ARN of the policy set as the permissions boundary of every role this module creates (null: none)."
  default     = null
}
