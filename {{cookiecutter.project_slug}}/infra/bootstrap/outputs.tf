output "state_bucket" {
  description = "Bucket for the environments' state: pass it to `terraform init -backend-config=\"bucket=...\"`."
  value       = aws_s3_bucket.state.bucket
}
{%- if cookiecutter.ci == "github" %}

output "deploy_role_arn" {
  description = "Role the GitHub workflows assume through OIDC (the AWS_DEPLOY_ROLE_ARN repository variable)."
  value       = aws_iam_role.deploy.arn
}
{%- endif %}
