output "repository_url" {
  description = "Repository URL (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME); images are pushed and pulled as repository_url:TAG."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "Repository ARN."
  value       = aws_ecr_repository.this.arn
}

output "repository_name" {
  description = "Repository name."
  value       = aws_ecr_repository.this.name
}
