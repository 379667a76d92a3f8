output "identity_arn" {
  description = "ARN of the SES identity (the stack grants ses:SendEmail on every identity, held to MAIL_FROM by ses:FromAddress: the sandbox also authorises against the recipients' identities)."
  value       = aws_sesv2_email_identity.this.arn
}
