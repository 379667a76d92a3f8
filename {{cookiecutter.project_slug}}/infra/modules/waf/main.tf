################################################################################
# A WAFv2 web ACL: AWS managed rule groups, and a rate limit per client IP on the
# routes that take a password. A CLOUDFRONT web ACL must be created in us-east-1 (the
# caller passes that provider); a REGIONAL one is associated with the load balancer.
################################################################################

locals {
  # Evaluated in this order; each group blocks what its rules match.
  managed_rule_groups = [
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
  ]
}

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = "Managed rules and a password-route rate limit for ${var.name}"
  scope       = var.scope

  default_action {
    allow {}
  }

  rule {
    name     = "password-routes-rate-limit"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.password_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300

        scope_down_statement {
          byte_match_statement {
            search_string         = var.password_path_prefix
            positional_constraint = "STARTS_WITH"

            field_to_match {
              uri_path {}
            }

            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-password-routes-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.managed_rule_groups

    content {
      name     = rule.value
      priority = rule.key + 1

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.value
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.value}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

# WAF logs to a log group whose name starts with aws-waf-logs-, in the web ACL's region
# ("Sending web ACL traffic logs to an Amazon CloudWatch Logs log group", WAF Developer
# Guide). The Authorization header is redacted: it carries the users' tokens.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:kms_key_arn encrypts it beside a REGIONAL web ACL; a CLOUDFRONT one logs in us-east-1, where the stack's regional key cannot (the tokens are redacted)
  #checkov:skip=CKV_AWS_338:retention is the log_retention_days input (default 365); a dev environment keeps less on purpose
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  for_each = var.associated_resources

  resource_arn = each.value
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}
