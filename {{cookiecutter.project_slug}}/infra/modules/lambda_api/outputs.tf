output "api_url" {
  description = "Base URL of the API: https://<domain_name> when a custom domain is set, else the $default stage invoke URL."
  value       = var.domain_name == null ? aws_apigatewayv2_stage.default.invoke_url : "https://${var.domain_name}"
}

output "api_id" {
  description = "ID of the HTTP API (for the monitoring module's api_id)."
  value       = aws_apigatewayv2_api.this.id
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "function_names" {
  description = "Function names by role: api, migrate, and worker when a queue is set."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_versions" {
  description = "Latest version Terraform published of each function (what the deploy migrates with and moves the live aliases to)."
  value       = { for k, f in aws_lambda_function.this : k => f.version }
}

output "alias_arns" {
  description = "ARNs of the live aliases by function role."
  value       = { for k, a in aws_lambda_alias.live : k => a.arn }
}

output "role_arns" {
  description = "ARNs of the functions' IAM roles: app (api), migration (migrate) and worker (with a queue)."
  value       = { for k, role in aws_iam_role.this : k => role.arn }
}

output "security_group_id" {
  description = "ID of the functions' security group (null without vpc); allow it on the database's security group."
  value       = one(aws_security_group.this[*].id)
}

output "log_group_names" {
  description = "Log group names: api, migrate, worker (when set) and api_access (HTTP API access logs)."
  value       = merge({ for k, lg in aws_cloudwatch_log_group.function : k => lg.name }, { api_access = aws_cloudwatch_log_group.api_access.name })
}

output "custom_domain_target" {
  description = "Target for a Route 53 alias record to the custom domain (name, zone_id); null without a domain."
  value = var.domain_name == null ? null : {
    name    = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
  }
}

output "api_domain_name" {
  description = "The HTTP API's own execute-api host name (a CloudFront distribution's origin)."
  value       = split("/", aws_apigatewayv2_api.this.api_endpoint)[2]
}
