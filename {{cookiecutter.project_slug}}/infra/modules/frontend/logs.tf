################################################################################
# The distribution's access logs (CloudFront standard logging). CloudFront writes them
# as the awslogsdelivery account through the bucket's ACL, which it grants itself when
# the distribution is created, so the bucket keeps ACLs enabled; and it delivers to no
# bucket in an opt-in region ("Configure standard logging (legacy)", CloudFront
# Developer Guide), so the bucket is made in us-east-1, beside the web ACL's logs,
# whatever the stack's region. SSE-S3: SSE-KMS would need a key policy admitting the
# log delivery service.
################################################################################

resource "aws_s3_bucket" "logs" {
  provider = aws.us_east_1

  #checkov:skip=CKV_AWS_144:access logs are not replicated; they expire after log_retention_days
  #checkov:skip=CKV2_AWS_62:nothing reacts to new log files
  #checkov:skip=CKV_AWS_18:this is the log bucket; logging its own access would log the log writes
  #checkov:skip=CKV_AWS_21:log files are written once and never replaced, so there is no earlier version to keep
  #checkov:skip=CKV_AWS_145:access logs encrypted with SSE-S3, which CloudFront log delivery writes without a key policy (see the comment above)
  bucket        = local.log_bucket_name
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  provider = aws.us_east_1

  #checkov:skip=CKV2_AWS_65:CloudFront standard logging writes through an ACL grant, so ACLs stay enabled on this bucket only
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  provider = aws.us_east_1

  bucket = aws_s3_bucket.logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  provider = aws.us_east_1

  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  provider = aws.us_east_1

  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.log_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  provider = aws.us_east_1

  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
