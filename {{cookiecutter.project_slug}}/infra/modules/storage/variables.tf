variable "name" {
  type        = string
  description = "Prefix for resource names; the default bucket name is <name>-uploads-<account id>."

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

variable "bucket_name" {
  type        = string
  description = "Bucket name; null builds <name>-uploads-<account id>. Dots are refused: they break the TLS certificate of the virtual-hosted URL browsers POST to."
  default     = null

  validation {
    condition = var.bucket_name == null || (
      can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name)) &&
      !startswith(coalesce(var.bucket_name, "-"), "xn--") &&
      !startswith(coalesce(var.bucket_name, "-"), "sthree-") &&
      !endswith(coalesce(var.bucket_name, "-"), "-s3alias") &&
      !endswith(coalesce(var.bucket_name, "-"), "--ol-s3") &&
      !endswith(coalesce(var.bucket_name, "-"), "--x-s3")
    )
    error_message = "bucket_name must be 3-63 lowercase letters, digits and hyphens, start and end with a letter or digit, contain no dots, and not use the reserved prefixes (xn--, sthree-) or suffixes (-s3alias, --ol-s3, --x-s3)."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer managed KMS key for default bucket encryption (SSE-KMS). Uploaders need kms:GenerateDataKey and readers kms:Decrypt on it."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Browser origins (scheme://host[:port]) allowed to POST presigned forms to the bucket and GET/HEAD objects. Empty: no CORS configuration."
  default     = []

  validation {
    condition     = alltrue([for o in var.cors_allowed_origins : can(regex("^https?://[^/*]+$", o))])
    error_message = "Each cors_allowed_origins entry must be an origin such as https://app.example.com (no path, no wildcard)."
  }
}

variable "abort_incomplete_multipart_days" {
  type        = number
  description = "Days after which incomplete multipart uploads are aborted (their parts are billed until then)."
  default     = 1

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && floor(var.abort_incomplete_multipart_days) == var.abort_incomplete_multipart_days
    error_message = "abort_incomplete_multipart_days must be a whole number >= 1."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which overwritten or deleted object versions are removed for good."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow destroying the bucket while it still holds objects. Leave false outside throwaway environments."
  default     = false
}

variable "access_log_bucket" {
  type        = string
  description = "Name of an existing bucket that receives S3 server access logs under the prefix s3/<bucket name>/. It must use SSE-S3 (not SSE-KMS) and allow logging.s3.amazonaws.com to s3:PutObject. Null: no access logging."
  default     = null

  validation {
    condition     = var.access_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket))
    error_message = "access_log_bucket must be an S3 bucket name."
  }
}
