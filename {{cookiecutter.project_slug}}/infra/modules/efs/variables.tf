variable "name" {
  type        = string
  description = "Prefix for resource names."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}

variable "vpc_id" {
  type        = string
  description = "VPC the mount target security group is created in."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets, each in a different AZ, that get a mount target."

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "subnet_ids must list at least one subnet, without duplicates."
  }
}

variable "allowed_security_group_ids" {
  type        = list(string)
  description = "Security groups (the ECS task) allowed to reach the mount targets on NFS 2049."
  default     = []
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed KMS key that encrypts the file system."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "transition_to_ia" {
  type        = string
  description = "Move files not read for this long to Infrequent Access."
  default     = "AFTER_30_DAYS"

  validation {
    condition     = contains(["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"], var.transition_to_ia)
    error_message = "transition_to_ia must be one of AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS."
  }
}

variable "posix_uid" {
  type        = number
  description = "POSIX user id the access point enforces and that owns its root directory (the container's non-root user)."
  default     = 10001

  validation {
    condition     = var.posix_uid >= 1 && var.posix_uid <= 4294967295 && floor(var.posix_uid) == var.posix_uid
    error_message = "posix_uid must be a whole number from 1 to 4294967295 (0, root, is not allowed)."
  }
}

variable "posix_gid" {
  type        = number
  description = "POSIX group id the access point enforces and that owns its root directory."
  default     = 10001

  validation {
    condition     = var.posix_gid >= 1 && var.posix_gid <= 4294967295 && floor(var.posix_gid) == var.posix_gid
    error_message = "posix_gid must be a whole number from 1 to 4294967295 (0, root, is not allowed)."
  }
}
