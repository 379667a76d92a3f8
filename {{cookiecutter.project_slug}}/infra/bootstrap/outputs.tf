output "state_bucket" {
  description = "Bucket for the environments' state: pass it to `terraform init -backend-config=\"bucket=...\"`."
  value       = aws_s3_bucket.state.bucket
}

output "state_region" {
  description = "The state bucket's region, project.json's: pass it to `terraform init -backend-config=\"region=...\"`."
  value       = local.facts.region
}
{%- if cookiecutter.ci == "github" %}

output "deploy_role_arns" {
  description = "By environment, the role its GitHub workflow jobs assume through OIDC (each GitHub environment's AWS_DEPLOY_ROLE_ARN variable)."
  value       = { for environment, role in aws_iam_role.deploy : environment => role.arn }
}
{%- endif %}
