# The id outputs wait for the mount targets so an ECS service wired to them does not start
# tasks before the file system is mountable.

output "file_system_id" {
  description = "ID of the EFS file system (available once its mount targets exist)."
  value       = aws_efs_file_system.this.id
  depends_on  = [aws_efs_mount_target.this]
}

output "file_system_arn" {
  description = "ARN of the EFS file system."
  value       = aws_efs_file_system.this.arn
}

output "access_point_id" {
  description = "ID of the access point (root /app-data, POSIX user posix_uid:posix_gid) to mount at /data (available once the mount targets exist)."
  value       = aws_efs_access_point.this.id
  depends_on  = [aws_efs_mount_target.this]
}

output "access_point_arn" {
  description = "ARN of the access point."
  value       = aws_efs_access_point.this.arn
}

output "security_group_id" {
  description = "ID of the mount target security group."
  value       = aws_security_group.this.id
}
