variable "name" {
  type        = string
  description = "Repository name (also the prefix convention shared by the other modules)."

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
  description = "ARN of the customer managed KMS key that encrypts the images at rest."

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "image_retention_count" {
  type        = number
  description = "How many images to keep; older ones are expired (the kept ones are the rollback targets)."
  default     = 30

  validation {
    condition     = var.image_retention_count >= 1 && floor(var.image_retention_count) == var.image_retention_count
    error_message = "image_retention_count must be a whole number >= 1."
  }
}

variable "force_delete" {
  type        = bool
  description = "Allow destroying the repository while it still holds images. Leave false outside throwaway environments."
  default     = false
}
