output "bucket_name" {
  description = "The page's bucket: each release under releases/<release>/."
  value       = aws_s3_bucket.page.bucket
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the page's bucket."
  value       = aws_s3_bucket.page.bucket_regional_domain_name
}

output "distribution_id" {
  description = "ID of the distribution."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "The distribution's *.cloudfront.net name."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_zone_id" {
  description = "Route 53 zone ID to alias records to the distribution."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "function_name" {
  description = "The viewer-request function `make deploy` publishes with each release."
  value       = aws_cloudfront_function.viewer_request.name
}

output "url" {
  description = "The page's URL (and the API's, under its paths)."
  value       = "https://${coalesce(var.domain_name, aws_cloudfront_distribution.this.domain_name)}"
}
