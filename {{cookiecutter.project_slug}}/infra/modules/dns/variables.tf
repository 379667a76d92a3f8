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

variable "domain_name" {
  type        = string
  description = "Fully qualified domain name the API is served on, e.g. api.example.com (no wildcard, no trailing dot)."

  validation {
    condition = (
      length(var.domain_name) <= 253 &&
      can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.domain_name))
    )
    error_message = "domain_name must be a lowercase DNS name with at least two labels, e.g. api.example.com."
  }
}

variable "zone_id" {
  type        = string
  description = "ID of the existing Route 53 public hosted zone that holds domain_name."

  validation {
    # Bare ID only: the "/hostedzone/" prefix or the zone's name are the likely mistakes.
    condition     = can(regex("^[A-Z0-9]{1,32}$", var.zone_id))
    error_message = "zone_id must be a bare Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (no /hostedzone/ prefix)."
  }
}

variable "alias_target" {
  type = object({
    name    = string
    zone_id = string
  })
  description = "DNS name and hosted zone ID of the ALB or API Gateway custom domain to alias domain_name to; null creates no alias record."
  default     = null
}
