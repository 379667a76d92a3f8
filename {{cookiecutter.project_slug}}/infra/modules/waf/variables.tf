variable "name" {
  type        = string
  description = "Name of the web ACL, its metrics and its log group (aws-waf-logs-<name>)."

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

variable "scope" {
  type        = string
  description = "CLOUDFRONT (with the us-east-1 provider) for a distribution, REGIONAL for a load balancer."

  validation {
    condition     = contains(["CLOUDFRONT", "REGIONAL"], var.scope)
    error_message = "scope must be CLOUDFRONT or REGIONAL."
  }
}

variable "password_path_prefix" {
  type        = string
  description = "URI path prefix of the routes that take a password (login, register): each client IP may send password_rate_limit requests under it per 5 minutes."
  default     = "/api/v1/auth/"

  validation {
    condition     = startswith(var.password_path_prefix, "/")
    error_message = "password_path_prefix must start with /."
  }
}

variable "password_rate_limit" {
  type        = number
  description = "Requests per client IP per 5 minutes under password_path_prefix before WAF blocks that IP there (WAF's minimum is 10)."
  default     = 100

  validation {
    condition     = var.password_rate_limit >= 10
    error_message = "password_rate_limit must be at least 10, WAF's minimum."
  }
}

variable "associated_resources" {
  type        = map(string)
  description = "REGIONAL resources (a load balancer) to put behind the web ACL, by a name known at plan time (the ARNs may be known only after apply); a distribution sets its web_acl_id instead."
  default     = {}
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the log group, in the web ACL's region (its key policy must admit CloudWatch Logs); null for CloudWatch's own encryption."
  default     = null
}

variable "log_retention_days" {
  type        = number
  description = "Days the WAF log group keeps its events."
  default     = 365
}
