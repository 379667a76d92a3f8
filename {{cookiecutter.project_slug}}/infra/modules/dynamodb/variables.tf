variable "name" {
  type        = string
  description = "Prefix for resource names; each table is <name>-<table>."

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

variable "tables" {
  type = map(object({
    hash_key      = string
    range_key     = optional(string)
    ttl_attribute = optional(string)
  }))
  description = "The tables by name (after <name>-): each one's partition key, sort key (optional) and TTL attribute (optional); every key is a string. The env roots pass project.json's `tables`."

  validation {
    condition     = length(var.tables) > 0 && alltrue([for table, _ in var.tables : can(regex("^[a-z][a-z0-9_]{0,62}$", table))])
    error_message = "tables must name at least one table, each in lowercase letters, digits and underscores (at most 63), starting with a letter."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer managed KMS key that encrypts the tables, their backups and indexes. Its key policy must let the account use it through dynamodb.<region>.amazonaws.com (kms:ViaService), including kms:CreateGrant for the tables."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse DeleteTable (and so terraform destroy) until it is turned off: on in prod."
  default     = true
}
