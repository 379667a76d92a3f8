################################################################################
# The page's bucket: private, read only by this distribution through origin access
# control. Each release sits under releases/<release>/ (viewer_request.js).
################################################################################

data "aws_caller_identity" "current" {}

locals {
  # The account id keeps the names globally unique without a random suffix.
  bucket_name     = "${var.name}-frontend-${data.aws_caller_identity.current.account_id}"
  log_bucket_name = "${var.name}-cdn-logs-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket" "page" {
  #checkov:skip=CKV_AWS_144:the page is rebuilt from the repository by any deploy; a second region's copy adds cost, not recovery
  #checkov:skip=CKV2_AWS_62:nothing reacts to the page's objects; the deploy writes them and CloudFront reads them
  #checkov:skip=CKV_AWS_18:every read comes through the distribution, whose access logs record it
  #checkov:skip=CKV_AWS_145:public web assets, encrypted at rest with SSE-S3 (see its encryption configuration)
  bucket        = local.bucket_name
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "page" {
  bucket = aws_s3_bucket.page.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "page" {
  bucket = aws_s3_bucket.page.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "page" {
  bucket = aws_s3_bucket.page.id

  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-S3: the page is public once served, and with SSE-KMS every object CloudFront reads
# would be a KMS request and the key policy would have to admit CloudFront ("Restricting
# access to an Amazon S3 origin", CloudFront Developer Guide).
resource "aws_s3_bucket_server_side_encryption_configuration" "page" {
  bucket = aws_s3_bucket.page.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "page" {
  bucket = aws_s3_bucket.page.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.page]
}

# The statement the CloudFront Developer Guide gives for origin access control: the
# CloudFront service principal may read objects, for this distribution only.
data "aws_iam_policy_document" "page" {
  statement {
    sid       = "CloudFrontReadsThePage"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.page.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.page.arn, "${aws_s3_bucket.page.arn}/*"]

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

resource "aws_s3_bucket_policy" "page" {
  bucket = aws_s3_bucket.page.id
  policy = data.aws_iam_policy_document.page.json

  depends_on = [aws_s3_bucket_public_access_block.page]
}
