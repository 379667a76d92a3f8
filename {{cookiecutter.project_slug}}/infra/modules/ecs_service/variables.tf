variable "name" {
  type        = string
  description = "Prefix for resource names (cluster, service, task families, roles, load balancer)."

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

variable "vpc_id" {
  type        = string
  description = "VPC the load balancer, target group and security groups live in."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets (at least two AZs) for the internet-facing load balancer."

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "public_subnet_ids must hold at least two subnet ids (subnet-...); an ALB needs two AZs."
  }
}

variable "task_subnet_ids" {
  type        = list(string)
  description = "Subnets the tasks run in: private ones, whose NAT gateways or VPC endpoints reach the AWS APIs, or public ones with assign_public_ip."

  validation {
    condition     = length(var.task_subnet_ids) >= 1 && alltrue([for s in var.task_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "task_subnet_ids must hold at least one subnet id (subnet-...)."
  }
}

variable "assign_public_ip" {
  type        = bool
  description = "Give each task a public IPv4 address, its way to the AWS APIs from a public subnet without NAT. The tasks' security group still admits the load balancer alone."
  default     = false
}

variable "container_insights" {
  type        = bool
  description = "CloudWatch Container Insights on the cluster: per-task CPU, memory and network metrics, billed as custom metrics."
  default     = true
}

variable "image" {
  type        = string
  description = "Full image reference pinned to a tag or digest, e.g. the registry module's repository_url, a colon and the git sha. Pull rights are scoped to its ECR repository."

  validation {
    condition     = length(trimspace(var.image)) > 0 && !endswith(var.image, ":latest")
    error_message = "image must be a full image reference pinned to a tag or digest other than :latest."
  }
}

variable "container_port" {
  type        = number
  description = "Port the app listens on inside the container."
  default     = 8000

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "cpu" {
  type        = number
  description = "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384)."
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "memory" {
  type        = number
  description = "Task memory in MiB; must be a Fargate-valid pair with cpu (e.g. 512 CPU takes 1024-4096 in 1024 steps)."
  default     = 1024

  validation {
    condition = (
      var.cpu == 256 ? contains([512, 1024, 2048], var.memory) :
      var.cpu == 512 ? var.memory >= 1024 && var.memory <= 4096 && var.memory % 1024 == 0 :
      var.cpu == 1024 ? var.memory >= 2048 && var.memory <= 8192 && var.memory % 1024 == 0 :
      var.cpu == 2048 ? var.memory >= 4096 && var.memory <= 16384 && var.memory % 1024 == 0 :
      var.cpu == 4096 ? var.memory >= 8192 && var.memory <= 30720 && var.memory % 1024 == 0 :
      var.cpu == 8192 ? var.memory >= 16384 && var.memory <= 61440 && var.memory % 4096 == 0 :
      var.memory >= 32768 && var.memory <= 122880 && var.memory % 8192 == 0
    )
    error_message = "memory is not valid for this cpu on Fargate (256: 512/1024/2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, 1024 steps; 8192: 16384-61440, 4096 steps; 16384: 32768-122880, 8192 steps)."
  }
}

variable "cpu_architecture" {
  type        = string
  description = "CPU architecture the image is built for: X86_64 or ARM64 (Graviton, cheaper)."

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "environment" {
  type        = map(string)
  description = "Plain environment variables for every container (settings and ARNs only; secrets are passed as ..._ARN values the app reads from Secrets Manager itself)."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k))])
    error_message = "environment keys must be valid variable names ([A-Za-z_][A-Za-z0-9_]*)."
  }

  validation {
    # A value under such a name would sit in clear text in the task definition.
    condition     = alltrue([for k in keys(var.environment) : !can(regex("(?i)(password|secret|token|private_key|access_key)$", k))])
    error_message = "environment must not carry secret values (a key ending in PASSWORD, SECRET, TOKEN, PRIVATE_KEY or ACCESS_KEY): pass the secret's ARN (e.g. JWT_SECRET_ARN) instead."
  }
}

variable "app_policy_json" {
  type        = string
  description = "IAM policy document (JSON) with everything the app itself may do; attached to the task role only."

  validation {
    condition     = can(jsondecode(var.app_policy_json))
    error_message = "app_policy_json must be a JSON IAM policy document."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer managed KMS key that encrypts the log group (its key policy must allow the logs.REGION.amazonaws.com service principal)."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days to keep container logs."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "desired_count" {
  type        = number
  description = "Initial number of app tasks (autoscaling owns it afterwards). Forced to 1 when efs is set."
  default     = 2

  validation {
    condition     = var.desired_count >= 1
    error_message = "desired_count must be >= 1."
  }
}

variable "min_capacity" {
  type        = number
  description = "Autoscaling minimum number of app tasks. Forced to 1 when efs is set."
  default     = 1

  validation {
    condition     = var.min_capacity >= 1
    error_message = "min_capacity must be >= 1."
  }
}

variable "max_capacity" {
  type        = number
  description = "Autoscaling maximum number of app tasks. Forced to 1 when efs is set."
  default     = 4

  validation {
    condition     = var.max_capacity >= var.min_capacity
    error_message = "max_capacity must be >= min_capacity."
  }
}

variable "cpu_target" {
  type        = number
  description = "Target average CPU utilisation (percent) for target-tracking autoscaling."
  default     = 60

  validation {
    condition     = var.cpu_target >= 10 && var.cpu_target <= 90
    error_message = "cpu_target must be between 10 and 90."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate ARN covering domain_name; required when domain_name is set."
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be null or an ACM certificate ARN."
  }
}

variable "domain_name" {
  type        = string
  description = "The app's host name. Set (with certificate_arn): an HTTPS listener with a TLS 1.2/1.3 policy and HTTP redirected to HTTPS. Null: plain HTTP on the ALB's DNS name. Must be known at plan time."
  default     = null

  validation {
    condition     = var.domain_name == null || var.certificate_arn != null
    error_message = "certificate_arn is required when domain_name is set."
  }
}

variable "ssl_policy" {
  type        = string
  description = "TLS policy of the HTTPS listener."
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ ELB security policy (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -TLS-1-2-* or -FS-1-2-*)."
  }
}

variable "alb_deletion_protection" {
  type        = bool
  description = "Protect the load balancer from deletion (set false only in throwaway environments)."
  default     = true
}

variable "alb_idle_timeout" {
  type        = number
  description = "Seconds the load balancer keeps an idle connection open."
  default     = 60

  validation {
    condition     = var.alb_idle_timeout >= 1 && var.alb_idle_timeout <= 4000
    error_message = "alb_idle_timeout must be between 1 and 4000 seconds."
  }
}

variable "alb_ingress_cidr_blocks" {
  type        = list(string)
  description = "IPv4 CIDR blocks allowed to reach the load balancer on 80 (and 443 with a certificate)."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidr_blocks) > 0 && alltrue([for c in var.alb_ingress_cidr_blocks : can(cidrhost(c, 0)) && !strcontains(c, ":")])
    error_message = "alb_ingress_cidr_blocks must be a non-empty list of IPv4 CIDR blocks."
  }
}

variable "cloudfront_origin" {
  type = object({
    prefix_list_id = string
    header_name    = string
  })
  description = "Set when a CloudFront distribution fronts the load balancer: only CloudFront's origin-facing addresses (this managed prefix list) may reach it, on 443 with a certificate or 80 without, and only requests whose header_name carries cloudfront_origin_secret are forwarded (the rest get a 403). Null: alb_ingress_cidr_blocks reach it."
  default     = null
}

variable "cloudfront_origin_secret" {
  type        = string
  description = "The value the distribution sends in cloudfront_origin.header_name."
  default     = null
  sensitive   = true

  validation {
    condition     = var.cloudfront_origin == null || try(length(var.cloudfront_origin_secret) >= 32, false)
    error_message = "cloudfront_origin_secret must be at least 32 characters when cloudfront_origin is set."
  }
}

variable "alb_access_logs_bucket" {
  type        = string
  description = "S3 bucket (same region, with the ELB log-delivery policy) for ALB access logs. Null: no access logs."
  default     = null
}

variable "health_check_path" {
  type        = string
  description = "Path the target group probes: liveness, which needs no database, so a database failover or reboot does not mark every target unhealthy (and make ECS replace every task). /health/db is the deploy's smoke check, and the monitoring module's database alarm."
  default     = "/health"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "health_check_grace_period_seconds" {
  type        = number
  description = "Seconds ECS ignores load balancer health checks after a task starts (time to boot and connect)."
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be >= 0."
  }
}

variable "migration_command" {
  type        = list(string)
  description = "Command of the one-off migration task (with efs: the app task's first container), e.g. [\"python\", \"-m\", \"my_app.migrate\"]. Null: the app has nothing to migrate (DynamoDB), and there is no migration task."
  default     = null

  validation {
    condition     = var.migration_command == null || try(length(var.migration_command) > 0, false)
    error_message = "migration_command must not be empty."
  }

  validation {
    condition     = var.migration_command != null || var.efs == null
    error_message = "migration_command is required with efs: the app task's first container migrates."
  }
}

variable "migration" {
  type = object({
    policy_json = string
    environment = map(string)
  })
  description = "The one-off migration task's role policy and settings, where they are not the app's: with a database server the migrations log in as its owner (the master user's secret) and the app as a user that owns nothing. Null: the migration runs with the app's role and settings (required with efs, where it is a container of the app task)."
  default     = null

  validation {
    condition     = var.migration == null || var.efs == null
    error_message = "migration must be null with efs: the migration is then a container of the app task, which has the app's role."
  }
}

variable "worker_command" {
  type        = list(string)
  description = "Command of the background worker, e.g. [\"python\", \"-m\", \"my_app.worker\"]. Null: no worker. With efs it is a container of the app task, not a service."
  default     = null

  validation {
    condition     = try(length(var.worker_command), 1) > 0
    error_message = "worker_command must be null or a non-empty list."
  }
}

variable "worker_desired_count" {
  type        = number
  description = "Number of worker tasks (when worker_command is set). Unused with efs: the worker is then a container of the one app task."
  default     = 1

  validation {
    condition     = var.worker_desired_count >= 0
    error_message = "worker_desired_count must be >= 0."
  }
}

variable "efs" {
  type = object({
    file_system_id  = string
    access_point_id = string
  })
  description = "EFS file system and access point mounted at /data (SQLite). Set: one task at a time, replaced with downtime on deploy. Null: no shared storage."
  default     = null

  validation {
    condition     = var.efs == null || (can(regex("^fs-[0-9a-f]+$", var.efs.file_system_id)) && can(regex("^fsap-[0-9a-f]+$", var.efs.access_point_id)))
    error_message = "efs must be null or { file_system_id = \"fs-...\", access_point_id = \"fsap-...\" }."
  }
}

variable "permissions_boundary" {
  type        = string
  description = "ARN of the policy set as the permissions boundary of every role this module creates (null: none)."
  default     = null
}
