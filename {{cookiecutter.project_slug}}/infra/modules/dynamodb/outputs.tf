output "table_prefix" {
  description = "What precedes each table's name (the app's DYNAMODB_TABLE_PREFIX)."
  value       = "${var.name}-"
}

output "table_arns" {
  description = "ARN of each table, by its name in var.tables."
  value       = { for table, resource in aws_dynamodb_table.this : table => resource.arn }
}

output "table_names" {
  description = "Full name of each table, by its name in var.tables."
  value       = { for table, resource in aws_dynamodb_table.this : table => resource.name }
}
