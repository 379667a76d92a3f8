output "identity_arn" {
  description = "ARN of the SES identity: what ses:SendEmail is granted on."
  value       = aws_sesv2_email_identity.this.arn
}
