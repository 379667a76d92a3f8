output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret holding the master username and password (pass to the app as DATABASE_SECRET_ARN)."
  value       = local.is_aurora ? aws_rds_cluster.this[0].master_user_secret[0].secret_arn : aws_db_instance.this[0].master_user_secret[0].secret_arn
}

output "address" {
  description = "Writer endpoint host name (DATABASE_HOST)."
  value       = local.is_aurora ? aws_rds_cluster.this[0].endpoint : aws_db_instance.this[0].address
}

output "port" {
  description = "PostgreSQL port (DATABASE_PORT)."
  value       = local.port
}

output "database_name" {
  description = "Name of the app database (DATABASE_NAME)."
  value       = var.database_name
}

output "security_group_id" {
  description = "ID of the database security group."
  value       = aws_security_group.this.id
}

output "identifier" {
  description = "DB instance identifier (postgres) or DB cluster identifier (aurora-serverless)."
  value       = local.is_aurora ? aws_rds_cluster.this[0].cluster_identifier : aws_db_instance.this[0].identifier
}

output "engine_mode" {
  description = "The engine mode in use: postgres or aurora-serverless."
  value       = var.engine_mode
}

output "cloudwatch_metric_dimension" {
  description = "CloudWatch dimension to alarm on in the AWS/RDS namespace: { name = \"DBInstanceIdentifier\" | \"DBClusterIdentifier\", value = <identifier> }."
  value = {
    name  = local.is_aurora ? "DBClusterIdentifier" : "DBInstanceIdentifier"
    value = local.is_aurora ? aws_rds_cluster.this[0].cluster_identifier : aws_db_instance.this[0].identifier
  }
}

output "resource_id" {
  description = "The instance's DbiResourceId (postgres) or the cluster's resource ID (aurora-serverless): IAM database authentication policies name it, as rds-db:connect on arn:<partition>:rds-db:<region>:<account>:dbuser:<resource_id>/<database user>."
  value       = local.is_aurora ? aws_rds_cluster.this[0].cluster_resource_id : aws_db_instance.this[0].resource_id
}
