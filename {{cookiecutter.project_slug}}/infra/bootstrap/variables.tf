{%- if cookiecutter.ci == "github" -%}
variable "github_repository" {
  type        = string
  description = "The GitHub repository allowed to deploy, as owner/name."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "create_github_oidc_provider" {
  type        = bool
  description = "Create the account's GitHub OIDC provider (false when the account has one already: there can be only one)."
  default     = true
}
{%- endif %}
