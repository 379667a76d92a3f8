variable "identity" {
  type        = string
  description = "What SES verifies as the sender: a domain (with zone_id, verified by DKIM records) or one e-mail address (its owner clicks the link SES mails)."

  validation {
    condition     = can(regex("^([^@\\s]+@)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.identity))
    error_message = "identity must be a domain name (lowercase) or an e-mail address."
  }
}

variable "zone_id" {
  type        = string
  description = "The Route 53 public hosted zone the domain identity's DKIM records go in; null for an address identity."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource."
  default     = {}
}
