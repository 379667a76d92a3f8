output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Name of the app (web) ECS service."
  value       = aws_ecs_service.app.name
}

output "worker_service_name" {
  description = "Name of the worker ECS service; null when worker_command is null, and with efs (the worker is then a container of the app task)."
  value       = one(aws_ecs_service.worker[*].name)
}

output "alb_arn" {
  description = "Load balancer ARN (for a WAF web ACL association)."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "Load balancer DNS name (target of the domain's alias record)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone id of the load balancer (for a Route 53 alias record)."
  value       = aws_lb.this.zone_id
}

output "alb_arn_suffix" {
  description = "Load balancer ARN suffix (the LoadBalancer dimension of CloudWatch metrics)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  description = "Target group ARN suffix (the TargetGroup dimension of CloudWatch metrics)."
  value       = aws_lb_target_group.app.arn_suffix
}

output "url" {
  description = "Base URL of the app: https:// and domain_name (or the ALB DNS name) with a certificate, else http:// and the ALB DNS name."
  value       = local.https ? "https://${var.domain_name}" : "http://${aws_lb.this.dns_name}"
}

output "tasks_security_group_id" {
  description = "Security group of the tasks (allow it on the database and EFS security groups)."
  value       = aws_security_group.tasks.id
}

output "task_network" {
  description = "Where the services' tasks run (subnets, security group, public IP): one-off tasks, such as the migration, run the same way."
  value = {
    subnets          = var.task_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = var.assign_public_ip
  }
}

output "task_role_arn" {
  description = "ARN of the role the app runs as."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Name of the role the app runs as."
  value       = aws_iam_role.task.name
}

output "migration_role_arn" {
  description = "ARN of the migration task's own role (null without migration: it runs as the task role)."
  value       = one(aws_iam_role.migration[*].arn)
}

output "execution_role_arn" {
  description = "ARN of the role ECS uses to pull the image and write logs (needed with the task role to run the migration task)."
  value       = aws_iam_role.execution.arn
}

output "task_definition_family" {
  description = "Family of the app task definition."
  value       = aws_ecs_task_definition.this["app"].family
}

output "task_definition_arns" {
  description = "ARN (with revision) of the latest revision of each task definition: app, migrate (the one-off migration task: run it with the private subnets and tasks_security_group_id) and worker (with jobs). No worker with efs (the app task runs it). The deploy moves the services to these."
  value       = { for k, definition in aws_ecs_task_definition.this : k => definition.arn }
}

output "log_group_name" {
  description = "CloudWatch log group of every container (streams app/..., worker/..., migrate/...)."
  value       = aws_cloudwatch_log_group.this.name
}

output "app_task_migrates" {
  description = "True with efs: the app task's first container migrates, so a deploy runs no migrate task."
  value       = local.app_task_migrates
}
