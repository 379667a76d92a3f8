################################################################################
# One distribution, one origin for the browser: the page from the bucket, and the API's
# paths from the API, uncached, with the viewer's headers (but Host), query strings and
# body.
################################################################################

locals {
  page_origin = "page"
  api_origin  = "api"

  # AWS managed policies, by the IDs the CloudFront Developer Guide lists ("Use managed
  # cache policies", "Use managed origin request policies"). AllViewerExceptHostHeader
  # because API Gateway and TLS to the load balancer need their own Host name.
  caching_optimized             = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  caching_disabled              = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host_header = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

resource "aws_cloudfront_origin_access_control" "page" {
  name                              = "${var.name}-page"
  description                       = "CloudFront signs its reads of ${local.bucket_name}"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# Published with release "none"; `make deploy` publishes it again with each release, so
# Terraform leaves the code alone once it exists.
resource "aws_cloudfront_function" "viewer_request" {
  name    = "${var.name}-page"
  runtime = "cloudfront-js-2.0"
  comment = "Serves the live release of the page; index.html for the page's own routes"
  publish = true
  code    = templatefile("${path.module}/viewer_request.js", { release = "none" })

  lifecycle {
    ignore_changes = [code]
  }
}

resource "aws_cloudfront_response_headers_policy" "page" {
  #checkov:skip=CKV_AWS_259:HSTS with two years and includeSubDomains, but no preload: joining the browsers' preload list binds the whole registrable domain, which only its owner can decide (hstspreload.org)
  name    = "${var.name}-page"
  comment = "Security headers of the page"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      override                   = true
    }
    content_security_policy {
      content_security_policy = var.content_security_policy
      override                = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

# The API's responses: the same transport headers, no CSP (the API's /docs page loads
# Swagger UI from a CDN, and JSON needs none).
resource "aws_cloudfront_response_headers_policy" "api" {
  #checkov:skip=CKV_AWS_259:HSTS with two years and includeSubDomains, but no preload: joining the browsers' preload list binds the whole registrable domain, which only its owner can decide (hstspreload.org)
  name    = "${var.name}-api"
  comment = "Security headers of the API's responses"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_310:one origin per kind of content; a failover origin would be a second bucket and a second API
  #checkov:skip=CKV_AWS_374:no country is blocked by default; set restrictions for your users
  #checkov:skip=CKV_AWS_68:web_acl_arn attaches the WAF (on in prod, waf_enabled in dev)
  #checkov:skip=CKV_AWS_174:TLS 1.2 is the minimum whenever domain_name sets a certificate; the default *.cloudfront.net certificate cannot set one
  #checkov:skip=CKV2_AWS_42:a custom certificate whenever domain_name is set; without one the *.cloudfront.net name is served
  #checkov:skip=CKV2_AWS_47:the WAF module's web ACL includes AWSManagedRulesKnownBadInputsRuleSet (Log4j)
  comment             = "${var.name}: the page and the API on one origin"
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  price_class         = var.price_class
  default_root_object = "index.html"
  aliases             = var.domain_name == null ? [] : [var.domain_name]
  web_acl_id          = var.web_acl_arn

  origin {
    origin_id                = local.page_origin
    domain_name              = aws_s3_bucket.page.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.page.id
  }

  origin {
    origin_id   = local.api_origin
    domain_name = var.api_origin.domain_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = var.api_origin.protocol_policy
      origin_ssl_protocols   = ["TLSv1.2"]
      origin_read_timeout    = 30
    }

    dynamic "custom_header" {
      for_each = var.origin_header_name == null ? [] : [var.origin_header_name]

      content {
        name  = custom_header.value
        value = var.origin_header_value
      }
    }
  }

  default_cache_behavior {
    target_origin_id           = local.page_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.caching_optimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.page.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.viewer_request.arn
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.api_path_patterns

    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = local.api_origin
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = local.caching_disabled
      origin_request_policy_id   = local.all_viewer_except_host_header
      response_headers_policy_id = aws_cloudfront_response_headers_policy.api.id
    }
  }

  logging_config {
    bucket          = aws_s3_bucket.logs.bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.certificate_arn == null
    acm_certificate_arn            = var.certificate_arn
    ssl_support_method             = var.certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  tags = var.tags

  # The log bucket must accept ACL grants before CloudFront grants itself one.
  depends_on = [aws_s3_bucket_ownership_controls.logs]
}
