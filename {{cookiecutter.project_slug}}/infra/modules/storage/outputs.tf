output "bucket_name" {
  description = "Name of the uploads bucket (the app's UPLOADS_BUCKET); known at plan time."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_arn" {
  description = "ARN of the uploads bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket (<bucket>.s3.<region>.amazonaws.com)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "bucket_domain_name" {
  description = "Global domain name of the bucket (<bucket>.s3.amazonaws.com)."
  value       = aws_s3_bucket.this.bucket_domain_name
}
