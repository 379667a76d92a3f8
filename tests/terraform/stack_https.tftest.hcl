# Copied into a rendered ECS infra/modules/stack by tests/test_terraform.py and planned
# with a mocked provider: prod refuses to serve without a domain (it would carry users'
# passwords and tokens over plain HTTP), dev may, and a domain gives an https:// URL.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1", region = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"], zone_ids = ["use1-az1", "use1-az2", "use1-az4"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_data "aws_route53_zone" {
    defaults = { zone_id = "Z0123456789ABCDEFGHIJ" }
  }
}

variables {
  name         = "app-prod"
  architecture = "x86_64"
  image_tag    = "0123456789ab"
}

run "prod_without_a_domain_is_refused" {
  command = plan

  variables {
    environment = "prod"
  }

  expect_failures = [var.domain_name]
}

run "a_domain_needs_its_hosted_zone" {
  command = plan

  variables {
    environment = "prod"
    domain_name = "api.example.com"
  }

  expect_failures = [var.hosted_zone_name]
}

run "dev_without_a_domain_serves_the_load_balancers_name" {
  command = plan

  variables {
    name        = "app-dev"
    environment = "dev"
  }

  assert {
    condition     = length(data.aws_route53_zone.this) == 0
    error_message = "Without a domain, dev needs no hosted zone (and has no certificate)."
  }
}

run "prod_with_a_domain_serves_https_on_it" {
  command = plan

  variables {
    environment      = "prod"
    domain_name      = "api.example.com"
    hosted_zone_name = "example.com"
  }

  # As the provider plans a new certificate: its validation record's name is known.
  override_resource {
    target          = module.dns[0].aws_acm_certificate.this
    override_during = plan
    values = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd"
      domain_validation_options = [{
        domain_name           = "api.example.com"
        resource_record_name  = "_0123.api.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_4567.acm-validations.aws."
      }]
    }
  }

  # The mock gives the new SES identity no DKIM tokens (Easy DKIM gives three, which the
  # mail module's records need), and this run is about HTTPS: the module's outputs only.
  override_module {
    target = module.mail
    outputs = {
      identity_arn = "arn:aws:ses:us-east-1:123456789012:identity/api.example.com"
    }
  }

  assert {
    condition     = output.url == "https://api.example.com"
    error_message = "With a domain, prod serves HTTPS on it."
  }
  assert {
    condition     = length(data.aws_route53_zone.this) == 1
    error_message = "With a domain, the stack looks up its hosted zone for the certificate's records."
  }
}
