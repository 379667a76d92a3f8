variable "name" {
  type        = string
  description = "Prefix for resource names; the buckets are <name>-frontend-<account id> and <name>-cdn-logs-<account id>."

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

variable "api_origin" {
  type = object({
    domain_name     = string
    protocol_policy = string
  })
  description = "The API behind api_path_patterns: its host name (the load balancer's or API Gateway's), and https-only, or http-only for a load balancer without a certificate."

  validation {
    condition     = contains(["https-only", "http-only"], var.api_origin.protocol_policy)
    error_message = "api_origin.protocol_policy must be https-only or http-only."
  }
}

variable "origin_header_name" {
  type        = string
  description = "A header CloudFront adds to every request to the API, with origin_header_value, so the origin can refuse requests that bypass the distribution; null adds none."
  default     = null
}

variable "origin_header_value" {
  type        = string
  description = "The value of origin_header_name (a secret the origin checks)."
  default     = null
  sensitive   = true
}

variable "api_path_patterns" {
  type        = list(string)
  description = "CloudFront path patterns sent to the API, uncached, e.g. [\"/api/*\", \"/health\"]; every other path is the page's."

  validation {
    condition     = length(var.api_path_patterns) > 0 && alltrue([for pattern in var.api_path_patterns : startswith(pattern, "/")])
    error_message = "api_path_patterns must be a non-empty list of patterns starting with /."
  }
}

variable "content_security_policy" {
  type        = string
  description = "The page's Content-Security-Policy header value."
}

variable "domain_name" {
  type        = string
  description = "Host name the distribution answers to (an alias); null serves only its *.cloudfront.net name."
  default     = null
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for domain_name, issued in us-east-1 (CloudFront's rule); null with domain_name null."
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:[^:]+:acm:us-east-1:", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate in us-east-1: CloudFront uses certificates from that region only."
  }
}

variable "web_acl_arn" {
  type        = string
  description = "ARN of a WAFv2 web ACL with scope CLOUDFRONT to put in front of the distribution; null for none."
  default     = null
}

variable "price_class" {
  type        = string
  description = "Which edge locations serve the page: PriceClass_100 (North America and Europe, the cheapest), PriceClass_200 or PriceClass_All."
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "hsts_max_age_seconds" {
  type        = number
  description = "Strict-Transport-Security max-age of every response (two years by default)."
  default     = 63072000
}

variable "log_retention_days" {
  type        = number
  description = "Days the access logs are kept."
  default     = 365
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days a replaced or deleted object of the page's bucket is kept."
  default     = 30
}

variable "force_destroy" {
  type        = bool
  description = "Let destroy empty the buckets (off in prod)."
  default     = false
}
