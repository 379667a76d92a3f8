{%- set ecs = cookiecutter.compute == "ecs" -%}
# The {{ environment }} environment: the stack module with this environment's values
# (terraform.tfvars). What the options wire lives in ../../modules/stack.

provider "aws" {
  region = local.facts.region

  default_tags {
    tags = {
      Project     = local.facts.name
      Environment = "{{ environment }}"
      ManagedBy   = "terraform"
    }
  }
}

{%- if cookiecutter.frontend == "static" %}

# CloudFront's certificate and web ACL are made in us-east-1, whatever the region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      Project     = local.facts.name
      Environment = "{{ environment }}"
      ManagedBy   = "terraform"
    }
  }
}
{%- endif %}

locals {
  facts = jsondecode(file("${path.module}/../../../project.json"))

  domain           = local.facts.domain
  domain_name      = local.domain == null ? null : local.domain.names["{{ environment }}"]
  hosted_zone_name = local.domain == null ? null : local.domain.hosted_zone
}

module "stack" {
  source = "../../modules/stack"
{%- if cookiecutter.frontend == "static" %}
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }
{%- endif %}

  name         = "${local.facts.prefix}-{{ environment }}"
  environment  = "{{ environment }}"
  architecture = local.facts.architecture

  deletion_protection            = var.deletion_protection
  log_retention_days             = var.log_retention_days
  kms_deletion_window_in_days    = var.kms_deletion_window_in_days
  secret_recovery_window_in_days = var.secret_recovery_window_in_days
{%- if cookiecutter.compute == "ecs" or cookiecutter.database in ("postgres", "aurora-serverless") %}
  az_count                       = var.az_count
  enable_nat_gateway             = var.enable_nat_gateway
  single_nat_gateway             = var.single_nat_gateway
{%- endif %}
  alarm_email                    = var.alarm_email
  monitoring_dashboard           = var.monitoring_dashboard
{%- if cookiecutter.database == "dynamodb" %}

  # project.json's tables (its "$comment" aside): the same definitions `make migrate`
  # creates locally.
  dynamodb_tables = { for name, table in local.facts.tables : name => table if !startswith(name, "$") }
{%- elif cookiecutter.database == "postgres" %}

  db_backup_retention_days = var.db_backup_retention_days
  db_final_snapshot        = var.db_final_snapshot
  db_multi_az              = var.db_multi_az
  db_instance_class        = var.db_instance_class
{%- elif cookiecutter.database == "aurora-serverless" %}

  db_backup_retention_days = var.db_backup_retention_days
  db_final_snapshot        = var.db_final_snapshot
  db_multi_az              = var.db_multi_az
  aurora_min_capacity      = var.aurora_min_capacity
  aurora_max_capacity      = var.aurora_max_capacity
{%- endif %}

  cors_allowed_origins = var.cors_allowed_origins
  mail_from            = var.mail_from
{%- if cookiecutter.compute == "lambda" and cookiecutter.database in ("postgres", "aurora-serverless") %}
  interface_endpoints  = local.facts.interface_endpoints.services
{%- endif %}
{%- if ecs or cookiecutter.frontend == "static" %}
  waf_enabled          = var.waf_enabled
{%- endif %}
{%- if cookiecutter.frontend == "static" %}

  frontend = {
    api_paths               = local.facts.frontend.api_paths
    content_security_policy = local.facts.frontend.content_security_policy
  }
{%- endif %}

  domain_name      = local.domain_name
  hosted_zone_name = local.hosted_zone_name
{%- if ecs %}

  image_tag          = var.image_tag
  container_insights = var.container_insights
  task_cpu           = var.task_cpu
  task_memory        = var.task_memory
  desired_count      = var.desired_count
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
{%- else %}

  package_path                = var.package_path
  lambda_memory_size          = var.lambda_memory_size
  lambda_reserved_concurrency = var.lambda_reserved_concurrency
  lambda_snap_start           = var.lambda_snap_start
{%- if cookiecutter.use_background_jobs == "y" %}

  lambda_worker_reserved_concurrency = var.lambda_worker_reserved_concurrency
  lambda_worker_maximum_concurrency  = var.lambda_worker_maximum_concurrency
{%- endif %}
{%- endif %}
}
