variable "name" {
  type        = string
  description = "Prefix for resource names; also the DB instance (postgres) or cluster (aurora-serverless) identifier."

  validation {
    # RDS identifiers also reject consecutive hyphens.
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 3-40 characters of lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}

variable "engine_mode" {
  type        = string
  description = "\"postgres\" for an RDS PostgreSQL instance, \"aurora-serverless\" for an Aurora PostgreSQL Serverless v2 cluster (a writer, and a reader with multi_az)."
  default     = "postgres"

  validation {
    condition     = contains(["postgres", "aurora-serverless"], var.engine_mode)
    error_message = "engine_mode must be \"postgres\" or \"aurora-serverless\"."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC the database security group is created in."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets (at least two, in different AZs) for the DB subnet group."

  validation {
    condition     = length(var.subnet_ids) >= 2 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "subnet_ids must list at least two distinct private subnets."
  }
}

variable "allowed_security_group_ids" {
  type        = list(string)
  description = "Security groups (the app's tasks or functions, a migration job) allowed to connect on 5432."
  default     = []
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed KMS key for storage, the master user secret, Performance Insights and the PostgreSQL log group."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL major version for either engine, e.g. \"16\": RDS creates it at the major's default minor and automatic minor upgrades keep it current. It also picks the parameter group family."
  default     = "16"

  # A major alone: AWS retires minors (creating one is then refused) and moves instances past
  # them with automatic minor upgrades (a pinned lower minor then fails the next apply).
  # "If you specify the major version but not the minor version, Amazon RDS defaults to the
  # latest release of the major version" (RDS for PostgreSQL release notes, postgresql-versions);
  # the provider keeps a major-only engine_version and reports the running minor in
  # engine_version_actual (terraform-provider-aws, internal/service/rds/engine_version.go).
  validation {
    condition     = can(regex("^1[4-7]$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL major version from 14 to 17 alone, such as \"16\" (no minor: automatic minor upgrades choose it)."
  }
}

variable "database_name" {
  type        = string
  description = "Name of the database created for the app."
  default     = "app"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name)) && !contains(["postgres", "template0", "template1", "rdsadmin"], var.database_name)
    error_message = "database_name must be a lowercase identifier (letter first, then letters, digits or _; up to 63) and not a reserved database name."
  }
}

variable "master_username" {
  type        = string
  description = "Master user name; its password is generated, stored and rotated by RDS in Secrets Manager."
  default     = "app_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && !startswith(var.master_username, "rds") && !startswith(var.master_username, "pg_") && var.master_username != "postgres"
    error_message = "master_username must be a lowercase identifier (up to 63) that is not postgres and does not start with rds or pg_."
  }
}

variable "instance_class" {
  type        = string
  description = "DB instance class (engine_mode = postgres only; Aurora uses db.serverless)."
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9-]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must look like db.t4g.micro."
  }
}

variable "allocated_storage" {
  type        = number
  description = "Initial gp3 storage in GiB (engine_mode = postgres only)."
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536 && floor(var.allocated_storage) == var.allocated_storage
    error_message = "allocated_storage must be a whole number of GiB from 20 to 65536."
  }
}

variable "max_allocated_storage" {
  type        = number
  description = "Storage autoscaling ceiling in GiB (engine_mode = postgres only); 0 disables storage autoscaling."
  default     = 100

  validation {
    condition     = var.max_allocated_storage == 0 || (var.max_allocated_storage >= var.allocated_storage && var.max_allocated_storage <= 65536 && floor(var.max_allocated_storage) == var.max_allocated_storage)
    error_message = "max_allocated_storage must be 0 or a whole number from allocated_storage to 65536."
  }
}

variable "multi_az" {
  type        = bool
  description = "A second instance in another AZ that takes over on failure: a standby (postgres), or a reader in availability_zones[1] (aurora-serverless; Aurora storage is replicated across three AZs either way, but a lone instance waits for its zone)."
  default     = false
}

variable "availability_zones" {
  type        = list(string)
  description = "Zones of subnet_ids, in order; Aurora instance i runs in zone i (multi_az needs two). Empty lets RDS choose."
  default     = []

  validation {
    condition     = length(var.availability_zones) == length(distinct(var.availability_zones))
    error_message = "availability_zones must not repeat a zone."
  }
}

variable "aurora_min_capacity" {
  type        = number
  description = "Aurora Serverless v2 minimum capacity in ACUs (0.5 steps). 0 pauses the instances after aurora_seconds_until_auto_pause without user connections (Aurora PostgreSQL 16.3 and later minors; RDS creates the major's default minor, which is later): no capacity is billed while paused, and the first connection waits for the resume."
  default     = 0.5

  validation {
    condition     = var.aurora_min_capacity >= 0 && var.aurora_min_capacity <= 256 && floor(var.aurora_min_capacity * 2) == var.aurora_min_capacity * 2
    error_message = "aurora_min_capacity must be from 0 to 256 in steps of 0.5."
  }
}

variable "aurora_seconds_until_auto_pause" {
  type        = number
  description = "With aurora_min_capacity 0: seconds without user connections before an instance pauses (300-86400, \"Scaling to Zero ACUs with automatic pause and resume\", Aurora User Guide). Sessions idle longer are closed (idle_session_timeout), so a pool's idle connections do not keep the instance awake."
  default     = 300

  validation {
    condition     = var.aurora_seconds_until_auto_pause >= 300 && var.aurora_seconds_until_auto_pause <= 86400 && floor(var.aurora_seconds_until_auto_pause) == var.aurora_seconds_until_auto_pause
    error_message = "aurora_seconds_until_auto_pause must be a whole number of seconds from 300 to 86400."
  }
}

variable "aurora_max_capacity" {
  type        = number
  description = "Aurora Serverless v2 maximum capacity in ACUs (0.5 steps, >= aurora_min_capacity)."
  default     = 2

  validation {
    condition     = var.aurora_max_capacity >= 0.5 && var.aurora_max_capacity <= 256 && floor(var.aurora_max_capacity * 2) == var.aurora_max_capacity * 2 && var.aurora_max_capacity >= var.aurora_min_capacity
    error_message = "aurora_max_capacity must be from 0.5 to 256 in steps of 0.5 and not below aurora_min_capacity."
  }
}

variable "backup_retention_period" {
  type        = number
  description = "Days of automated backups (point-in-time recovery window)."
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 1 && var.backup_retention_period <= 35 && floor(var.backup_retention_period) == var.backup_retention_period
    error_message = "backup_retention_period must be a whole number from 1 to 35."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance or cluster; set false (and apply) before a planned destroy."
  default     = true
}

variable "skip_final_snapshot" {
  type        = bool
  description = "Delete without a final snapshot. Keep false wherever data matters: the snapshot <name>-final is taken on destroy (delete an old one before destroying again)."
  default     = false
}

variable "performance_insights_enabled" {
  type        = bool
  description = "Enable Performance Insights (7 days, free tier), encrypted with kms_key_arn."
  default     = true
}

variable "monitoring_interval" {
  type        = number
  description = "Enhanced monitoring interval in seconds; 0 disables it and creates no monitoring role."
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the PostgreSQL log group this module pre-creates (so RDS does not create a never-expiring one)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "apply_immediately" {
  type        = bool
  description = "Apply modifications now instead of in the next maintenance window."
  default     = false
}

variable "permissions_boundary" {
  type        = string
  description = "ARN of the policy set as the permissions boundary of every role this module creates (null: none)."
  default     = null
}
