terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
{%- if cookiecutter.frontend == "static" %}
      # CloudFront's certificate and web ACL live in us-east-1, whatever the region.
      configuration_aliases = [aws.us_east_1]
{%- endif %}
    }
  }
}
