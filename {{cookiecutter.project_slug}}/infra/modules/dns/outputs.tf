output "certificate_arn" {
  description = "ARN of the ACM certificate for domain_name, available once DNS validation has completed."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "domain_name" {
  description = "Domain name the certificate and alias records are for."
  value       = var.domain_name
}

output "url" {
  description = "HTTPS URL of the API on the custom domain."
  value       = "https://${var.domain_name}"
}
