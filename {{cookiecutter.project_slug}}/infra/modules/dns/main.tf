resource "aws_acm_certificate" "this" {
  domain_name       = var.domain_name
  validation_method = "DNS"

  # Publishing to certificate transparency logs lets browsers and monitors spot mis-issuance.
  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = merge(var.tags, { Name = var.name })

  # A replacement certificate must be issued before listeners stop using the old one.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => {
      name   = option.resource_record_name
      type   = option.resource_record_type
      record = option.resource_record_value
    }
  }

  zone_id = var.zone_id
  name    = each.value.name
  type    = each.value.type
  records = [each.value.record]
  ttl     = 60
  # Never take over a record this state did not create: ACM gives certificates for the same
  # name in an account the same validation record and re-validates with it to renew (ACM
  # user guide, DNS validation), so an adopted record would be deleted by one owner's
  # destroy under the other's certificate. A replacement certificate keeps the name, so
  # Terraform replaces this record itself and nothing here needs overwriting.
  allow_overwrite = false
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

# The alias records depend only on alias_target, never on the validation, so the compute
# module can consume certificate_arn and feed its endpoint back here without a cycle.
resource "aws_route53_record" "alias" {
  for_each = var.alias_target == null ? toset([]) : toset(["A", "AAAA"])

  zone_id = var.zone_id
  name    = var.domain_name
  type    = each.value

  alias {
    name    = var.alias_target.name
    zone_id = var.alias_target.zone_id
    # A single record has no alternative to fail over to.
    evaluate_target_health = false
  }
}
