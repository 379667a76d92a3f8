{%- set sqlite = cookiecutter.database == "sqlite" %}
{%- set dynamodb = cookiecutter.database == "dynamodb" %}
{%- set server = not sqlite and not dynamodb %}
{%- set ecs = cookiecutter.compute == "ecs" %}
{%- set vpc = ecs or server %}
{%- set uploads = cookiecutter.use_s3_uploads == "y" %}
{%- set jobs = cookiecutter.use_background_jobs == "y" %}
{%- set page = cookiecutter.frontend == "static" -%}
# One environment of {{ cookiecutter.project_name }}: the modules its options need, wired
# together. compute={{ cookiecutter.compute }}, database={{ cookiecutter.database }}, uploads={{ cookiecutter.use_s3_uploads }}, jobs={{ cookiecutter.use_background_jobs }}, frontend={{ cookiecutter.frontend }}.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # The sender of the app's mail, and the SES identity that verifies it: mail_from as
  # given, or no-reply@ the environment's own domain (its DKIM records written in its
  # zone). Neither: no mail (MAIL_BACKEND=none).
  mail_identity = var.mail_from != "" ? var.mail_from : var.domain_name
  mail_from     = var.mail_from != "" ? var.mail_from : (var.domain_name == null ? "" : "no-reply@${var.domain_name}")

  # Every role of the environment carries the boundary ../../bootstrap made for it: the
  # deploy role may create and change roles only with it.
  permissions_boundary = "arn:${local.partition}:iam::${local.account_id}:policy/${var.name}-permissions-boundary"

{%- if server %}

  # The database user the API and worker log in as, with IAM tokens (rds-db:connect in
  # the app's policy): the migrations, which log in as the master user, create it and
  # grant it the app's privileges on the app's tables, and no more.
  database_app_user = "app_user"
{%- endif %}

  # What the app reads (core/config.py). Secrets travel as ARNs the app resolves itself, so
  # no secret value sits in the task definition, the function or the state. There is no
  # CLOUDWATCH_LOG_GROUP: {% if ecs %}the awslogs driver{% else %}Lambda{% endif %} already stores the app's stdout in CloudWatch,
  # and shipping the lines as well would store each of them twice.
  app_environment = merge(local.common_environment, {
{%- if sqlite %}
    DATABASE_URL = "sqlite+aiosqlite:////data/app.db"
{%- elif dynamodb %}
    DYNAMODB_TABLE_PREFIX = module.dynamodb.table_prefix
{%- else %}
    DATABASE_IAM_USER = local.database_app_user
{%- endif %}
  })
{%- if server %}
  # The migrations' (the one-off migration {% if ecs %}task{% else %}function{% endif %}): the master user's secret instead.
  migration_environment = merge(local.common_environment, {
    DATABASE_SECRET_ARN = module.database.master_user_secret_arn
    DATABASE_APP_ROLE   = local.database_app_user
  })
{%- endif %}

  common_environment = {
    ENVIRONMENT    = var.environment
    CORS_ORIGINS   = join(",", var.cors_allowed_origins)
    LOG_JSON       = "true"
    JWT_SECRET_ARN = aws_secretsmanager_secret.jwt_signing_key.arn
    MAIL_BACKEND   = local.mail_identity == null ? "none" : "ses"
    MAIL_FROM      = local.mail_from
{%- if page %}
    # A reset link opens the page, which the environment's host serves beside the API.
    # Without a domain the mail holds the token, which the page's form takes.
    PASSWORD_RESET_URL = var.domain_name == null ? "" : "https://${var.domain_name}/"
{%- endif %}
{%- if server %}

    DATABASE_HOST = module.database.address
    DATABASE_PORT = tostring(module.database.port)
    DATABASE_NAME = module.database.database_name
    # The server's certificate must be signed by an RDS authority (the bundle packaged with
    # the app, `make rds-ca`) and name DATABASE_HOST ("Using SSL/TLS to encrypt a connection
    # to a DB instance or cluster", RDS User Guide).
    DB_SSL = "verify-full"
{%- if cookiecutter.database == "aurora-serverless" %}
    # A paused instance resumes on the first connection, in about 15 seconds ("Scaling to
    # Zero ACUs with automatic pause and resume", Aurora User Guide); the request still
    # ends within the API's 30 s.
    DB_CONNECT_TIMEOUT = var.aurora_min_capacity == 0 ? "25" : "5"
{%- endif %}
{%- endif %}
{%- if uploads %}

    UPLOADS_BUCKET = module.storage.bucket_name
{%- endif %}
{%- if jobs %}

    JOBS_BACKEND   = "sqs"
    JOBS_QUEUE_URL = module.queue.queue_url
{%- if ecs %}

    JOBS_BATCH_TIMEOUT_SECONDS = tostring(var.jobs_batch_timeout_seconds)
{%- endif %}
{%- endif %}
  }
}

module "kms" {
  source = "../kms"

  name                    = var.name
  deletion_window_in_days = var.kms_deletion_window_in_days
  tags                    = var.tags
}

{%- if vpc %}

module "network" {
  source = "../network"

  name                 = var.name
  az_count             = var.az_count
  enable_nat_gateway   = var.enable_nat_gateway
  single_nat_gateway   = var.single_nat_gateway
  kms_key_arn          = module.kms.key_arn
  log_retention_days   = var.log_retention_days
  permissions_boundary = local.permissions_boundary
{%- if dynamodb %}
  dynamodb_endpoint    = true
{%- endif %}
{%- if not ecs %}

  # Without NAT, the functions' way to the AWS APIs they call (project.json) but S3,
  # which the gateway endpoint serves; SES's API has had one since December 2025
  # (com.amazonaws.<region>.email). One zone's endpoint serves functions in every zone
  # through its regional DNS name; each endpoint zone costs per hour ("AWS PrivateLink
  # pricing").
  interface_endpoints         = var.enable_nat_gateway ? [] : var.interface_endpoints
  interface_endpoint_az_count = 1
{%- endif %}

  tags = var.tags
}
{%- else %}

# No VPC: the functions reach DynamoDB, S3, SQS, SES and Secrets Manager at their public
# endpoints, over HTTPS and signed with the functions' roles, as a Lambda function outside
# a VPC does ("Giving Lambda functions access to resources in an Amazon VPC", Lambda
# Developer Guide). So no NAT gateways, no public IPv4 addresses and no interface endpoints
# to pay for.
{%- endif %}

# The JWT signing key. Terraform creates the secret but never its value (which would land
# in the state): the first `make deploy` stores a random one (deploy/release.py,
# ensure_signing_key).
resource "aws_secretsmanager_secret" "jwt_signing_key" {
  #checkov:skip=CKV2_AWS_57:rotating the signing key logs every user out; rotate it deliberately with put-secret-value
  name                    = "${var.name}/jwt-signing-key"
  description             = "HS256 signing key of ${var.name}'s access tokens (32+ random bytes)."
  kms_key_id              = module.kms.key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days
  tags                    = var.tags
}
{%- if sqlite %}

module "efs" {
  source = "../efs"

  name                       = var.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.ecs_service.tasks_security_group_id]
  kms_key_arn                = module.kms.key_arn
  tags                       = var.tags
}
{%- elif dynamodb %}

module "dynamodb" {
  source = "../dynamodb"

  name                = var.name
  tables              = var.dynamodb_tables
  kms_key_arn         = module.kms.key_arn
  deletion_protection = var.deletion_protection
  tags                = var.tags
}
{%- else %}

# The database, its secret and its final snapshot use ../../bootstrap's key for this
# environment: a destroy schedules this environment's own key for deletion, and a
# snapshot encrypted with it could not be restored once the key is gone.
data "aws_kms_alias" "database" {
  name = "alias/${var.name}-database"
}

module "database" {
  source = "../database"

  name                       = var.name
  engine_mode                = "{{ cookiecutter.database }}"
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [{% if ecs %}module.ecs_service.tasks_security_group_id{% else %}module.lambda_api.security_group_id{% endif %}]
  availability_zones         = module.network.availability_zones
  kms_key_arn                = data.aws_kms_alias.database.target_key_arn
  multi_az                   = var.db_multi_az
  skip_final_snapshot        = !var.db_final_snapshot
{%- if cookiecutter.database == "postgres" %}

  instance_class = var.db_instance_class
{%- else %}

  aurora_min_capacity = var.aurora_min_capacity
  aurora_max_capacity = var.aurora_max_capacity
{%- endif %}

  backup_retention_period = var.db_backup_retention_days
  deletion_protection     = var.deletion_protection
  log_retention_days      = var.log_retention_days
  permissions_boundary    = local.permissions_boundary
  tags                    = var.tags
}
{%- endif %}
{%- if uploads %}

module "storage" {
  source = "../storage"

{%- if page %}

  name        = var.name
  kms_key_arn = module.kms.key_arn

  # The page POSTs uploads straight to the bucket from the distribution's origin.
  cors_allowed_origins = concat(var.cors_allowed_origins, [module.frontend.url])
{%- else %}

  name                 = var.name
  kms_key_arn          = module.kms.key_arn
  cors_allowed_origins = var.cors_allowed_origins
{%- endif %}
  force_destroy        = !var.deletion_protection
  tags                 = var.tags
}
{%- endif %}
{%- if jobs %}

module "queue" {
  source = "../queue"

  name        = var.name
  kms_key_arn = module.kms.key_arn
  # "Set the source queue's visibility timeout to at least six times the timeout on your
  # function" (Lambda developer guide, SQS event source mapping); the ECS worker keeps the
  # same bound, so no message shows again while a worker still holds it.
  visibility_timeout_seconds = 6 * var.jobs_batch_timeout_seconds
  tags                       = var.tags
}
{%- endif %}


# With domain_name (known at plan time, so the count is too): a certificate and records.
data "aws_route53_zone" "this" {
  count = var.domain_name == null ? 0 : 1

  name = var.hosted_zone_name
}

module "mail" {
  source = "../mail"
  count  = local.mail_identity == null ? 0 : 1

  identity = local.mail_identity
  # A domain identity's DKIM records go in its zone; an address has none.
  zone_id = var.mail_from == "" ? one(data.aws_route53_zone.this[*].zone_id) : null
  tags    = var.tags
}
{%- if page %}

# domain_name names the distribution; its certificate must be in us-east-1 ("Requirements
# for using SSL/TLS certificates with CloudFront", CloudFront Developer Guide).
module "page_dns" {
  source = "../dns"
  count  = var.domain_name == null ? 0 : 1
  providers = {
    aws = aws.us_east_1
  }

  name        = var.name
  domain_name = var.domain_name
  zone_id     = data.aws_route53_zone.this[0].zone_id

  alias_target = {
    name    = module.frontend.distribution_domain_name
    zone_id = module.frontend.distribution_zone_id
  }

  tags = var.tags
}
{%- endif %}
{%- if ecs %}
{%- if page %}

# The load balancer gets a name of its own under domain_name, with a certificate, so
# CloudFront reaches it over HTTPS.
locals {
  origin_domain_name = var.domain_name == null ? null : "origin.${var.domain_name}"
}
{%- endif %}

module "dns" {
  source = "../dns"
  count  = var.domain_name == null ? 0 : 1

  name        = var.name
  domain_name = {% if page %}local.origin_domain_name{% else %}var.domain_name{% endif %}
  zone_id     = data.aws_route53_zone.this[0].zone_id

  alias_target = {
    name    = module.ecs_service.alb_dns_name
    zone_id = module.ecs_service.alb_zone_id
  }

  tags = var.tags
}
{%- elif not page %}

module "dns" {
  source = "../dns"
  count  = var.domain_name == null ? 0 : 1

  name         = var.name
  domain_name  = var.domain_name
  zone_id      = data.aws_route53_zone.this[0].zone_id
  alias_target = module.lambda_api.custom_domain_target

  tags = var.tags
}
{%- endif %}
{%- if page %}

################################################################################
# The page and the API on one CloudFront distribution, the WAF in front
################################################################################

# The secret the distribution sends the API in a header{% if ecs %}, which the load balancer
# requires{% endif %}: made once (uuid(), 122 random bits) and kept in the state; `terraform apply
# -replace=module.stack.terraform_data.origin_secret` makes a new one.
resource "terraform_data" "origin_secret" {
  input = uuid()

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  origin_header = "X-Origin-Verify"
  origin_secret = sensitive(terraform_data.origin_secret.output)
}
{%- if ecs %}

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}
{%- endif %}

module "frontend" {
  source = "../frontend"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name = var.name
  api_origin = {
{%- if ecs %}
    domain_name     = var.domain_name == null ? module.ecs_service.alb_dns_name : local.origin_domain_name
    protocol_policy = var.domain_name == null ? "http-only" : "https-only"
{%- else %}
    domain_name     = module.lambda_api.api_domain_name
    protocol_policy = "https-only"
{%- endif %}
  }
  origin_header_name  = local.origin_header
  origin_header_value = local.origin_secret
  api_path_patterns   = var.frontend.api_paths

{%- if uploads %}

  # Where the page's presigned POSTs go: the bucket's virtual-hosted names.
  content_security_policy = templatestring(var.frontend.content_security_policy, {
    uploads_origin = "https://${module.storage.bucket_domain_name} https://${module.storage.bucket_regional_domain_name}"
  })
{%- else %}

  content_security_policy = var.frontend.content_security_policy
{%- endif %}

  domain_name     = var.domain_name
  certificate_arn = var.domain_name == null ? null : module.page_dns[0].certificate_arn
  web_acl_arn     = var.waf_enabled ? module.waf[0].web_acl_arn : null

  log_retention_days = var.log_retention_days
  force_destroy      = !var.deletion_protection
  tags               = var.tags
}

# A web ACL for CloudFront is made in us-east-1 ("AWS WAF Developer Guide": CLOUDFRONT
# scope).
module "waf" {
  source = "../waf"
  count  = var.waf_enabled ? 1 : 0
  providers = {
    aws = aws.us_east_1
  }

  name               = var.name
  scope              = "CLOUDFRONT"
  log_retention_days = var.log_retention_days
  tags               = var.tags
}
{%- elif ecs %}

module "waf" {
  source = "../waf"
  count  = var.waf_enabled ? 1 : 0

  name                 = var.name
  scope                = "REGIONAL"
  associated_resources = { load_balancer = module.ecs_service.alb_arn }
  kms_key_arn          = module.kms.key_arn
  log_retention_days   = var.log_retention_days
  tags                 = var.tags
}
{%- endif %}

# Least privilege for the app: its secret, its key{% if server %}, its database user{% elif dynamodb %}, its tables{% endif %}{% if uploads %}, its bucket prefix{% endif %}{% if jobs %}, its queue{% endif %}.
data "aws_iam_policy_document" "app" {
  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.jwt_signing_key.arn]
  }

  statement {
{%- if dynamodb %}
    # DynamoDB also needs kms:Encrypt from whoever writes to a table encrypted with a
    # customer managed key ("How Amazon DynamoDB uses AWS KMS", KMS Developer Guide); the
    # key policy admits these only through the stack's services.
{%- endif %}
    sid       = "UseOwnKey"
    actions   = ["kms:Decrypt", {% if dynamodb %}"kms:Encrypt", {% endif %}"kms:GenerateDataKey"]
    resources = [module.kms.key_arn]
  }

  # Password reset mail, from MAIL_FROM alone. SendEmail is authorised on every identity
  # it involves, the recipients' too while the account is in the SES sandbox, so the
  # resource is any identity and the sender is held by ses:FromAddress ("Controlling
  # access to Amazon SES", SES Developer Guide; Service Authorization Reference, SES v2).
  dynamic "statement" {
    for_each = module.mail
    content {
      sid       = "SendMailFromOwnAddress"
      actions   = ["ses:SendEmail"]
      resources = ["arn:${local.partition}:ses:${local.region}:${local.account_id}:identity/*"]
      condition {
        test     = "StringEquals"
        variable = "ses:FromAddress"
        values   = [local.mail_from]
      }
    }
  }
{%- if dynamodb %}

  # What the repositories call, on the app's tables and their indexes only: no Scan, no
  # table management. A TransactWriteItems is authorised action by action (its puts as
  # PutItem, its checks as ConditionCheckItem: "Using IAM with DynamoDB transactions",
  # DynamoDB Developer Guide); there is no TransactWriteItems action to grant.
  statement {
    sid = "ReadAndWriteOwnTables"
    actions = [
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]
    resources = flatten([for arn in values(module.dynamodb.table_arns) : [arn, "${arn}/index/*"]])
  }
{%- endif %}
{%- if server %}

  # IAM database authentication as the app's user, and no other: the resource is
  # arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId or cluster resource
  # ID>/<database user> (RDS User Guide, Creating and using an IAM policy for IAM
  # database access). The master user's secret is the migrations' alone.
  statement {
    sid       = "ConnectAsAppUser"
    actions   = ["rds-db:connect"]
    resources = ["arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:${module.database.resource_id}/${local.database_app_user}"]
  }
{%- endif %}

{%- if uploads %}

  statement {
    sid       = "UploadsUnderTheirPrefix"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["${module.storage.bucket_arn}/uploads/*"]
  }

  # Without s3:ListBucket, S3 answers a HEAD or GET of a missing key with 403 instead of
  # 404 (HeadObject, S3 API reference). The app treats a 403 as absent as well.
  statement {
    sid       = "ListUploadsPrefix"
    actions   = ["s3:ListBucket"]
    resources = [module.storage.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["uploads/*"]
    }
  }
{%- endif %}
{%- if jobs %}

  statement {
    sid       = "SendJobs"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.queue_arn]
  }
{%- if ecs %}

  # The ECS worker service runs with the same task role.
  statement {
    sid = "ConsumeJobs"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [module.queue.queue_arn]
  }
{%- endif %}
{%- endif %}
}
{%- if server %}

# The migrations: they log in as the database's master user, through its secret
# (encrypted with the database key), and need nothing else of AWS.
data "aws_iam_policy_document" "migration" {
  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.database.master_user_secret_arn]
  }

  statement {
    sid       = "DecryptDatabaseSecret"
    actions   = ["kms:Decrypt"]
    resources = [data.aws_kms_alias.database.target_key_arn]
  }
}
{%- endif %}
{%- if ecs %}

module "registry" {
  source = "../registry"

  name         = var.name
  kms_key_arn  = module.kms.key_arn
  force_delete = !var.deletion_protection
  tags         = var.tags
}

module "ecs_service" {
  source = "../ecs_service"

  name               = var.name
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  container_insights = var.container_insights
  # Without NAT, the public subnets and a public IP are the tasks' way to ECR, CloudWatch
  # Logs and the AWS APIs.
  task_subnet_ids  = var.enable_nat_gateway ? module.network.private_subnet_ids : module.network.public_subnet_ids
  assign_public_ip = !var.enable_nat_gateway

  image              = "${module.registry.repository_url}:${var.image_tag}"
  cpu                = var.task_cpu
  memory             = var.task_memory
  cpu_architecture   = upper(var.architecture) # ECS spells them X86_64 and ARM64
  environment        = merge(local.app_environment, { AWS_REGION = local.region })
  app_policy_json    = data.aws_iam_policy_document.app.json
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
  desired_count      = var.desired_count
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
{%- if not dynamodb %}
  migration_command  = ["python", "-m", "{{ cookiecutter.package_name }}.migrate"]
{%- endif %}
{%- if server %}

  migration = {
    policy_json = data.aws_iam_policy_document.migration.json
    environment = merge(local.migration_environment, { AWS_REGION = local.region })
  }
{%- endif %}
{%- if jobs %}

  worker_command = ["python", "-m", "{{ cookiecutter.package_name }}.worker"]
{%- endif %}
{%- if sqlite %}

  efs = {
    file_system_id  = module.efs.file_system_id
    access_point_id = module.efs.access_point_id
  }
{%- endif %}


{%- if page %}

  domain_name     = local.origin_domain_name
  certificate_arn = var.domain_name == null ? null : module.dns[0].certificate_arn

  cloudfront_origin = {
    prefix_list_id = data.aws_ec2_managed_prefix_list.cloudfront.id
    header_name    = local.origin_header
  }
  cloudfront_origin_secret = local.origin_secret
{%- else %}

  domain_name     = var.domain_name
  certificate_arn = var.domain_name == null ? null : module.dns[0].certificate_arn
{%- endif %}

  alb_deletion_protection = var.deletion_protection
  permissions_boundary    = local.permissions_boundary
  tags                    = var.tags
}
{%- else %}

module "lambda_api" {
  source = "../lambda_api"

  name            = var.name
  package_path    = var.package_path
  runtime         = "python{{ cookiecutter.python_version }}"
  handler_package = "{{ cookiecutter.package_name }}"
  architecture    = var.architecture
  # Lambda sets AWS_REGION itself (and refuses it as a variable).
  environment          = local.app_environment
  app_policy_json      = data.aws_iam_policy_document.app.json
  kms_key_arn          = module.kms.key_arn
  log_retention_days   = var.log_retention_days
  memory_size          = var.lambda_memory_size
  reserved_concurrency = var.lambda_reserved_concurrency
  snap_start           = var.lambda_snap_start
{%- if server %}

  migration = {
    policy_json = data.aws_iam_policy_document.migration.json
    environment = local.migration_environment
  }

  vpc = {
    vpc_id     = module.network.vpc_id
    subnet_ids = module.network.private_subnet_ids
  }
{%- endif %}
{%- if jobs %}

  queue = {
    arn = module.queue.queue_arn
  }
  worker_timeout              = var.jobs_batch_timeout_seconds
  worker_reserved_concurrency = var.lambda_worker_reserved_concurrency
  worker_maximum_concurrency  = var.lambda_worker_maximum_concurrency
{%- endif %}


{%- if not page %}

  domain_name     = var.domain_name
  certificate_arn = var.domain_name == null ? null : module.dns[0].certificate_arn
{%- endif %}

  permissions_boundary = local.permissions_boundary
  tags                 = var.tags
}
{%- endif %}

module "monitoring" {
  source = "../monitoring"

  name               = var.name
  kms_key_arn        = module.kms.key_arn
  alarm_email        = var.alarm_email
  dashboard          = var.monitoring_dashboard
  compute            = "{{ cookiecutter.compute }}"
  app_log_group_name = {% if ecs %}module.ecs_service.log_group_name{% else %}module.lambda_api.log_group_names["api"]{% endif %}
{%- if ecs %}

  alb_arn_suffix          = module.ecs_service.alb_arn_suffix
  target_group_arn_suffix = module.ecs_service.target_group_arn_suffix
{%- else %}

  lambda_function_names = [module.lambda_api.function_names["api"]]
  api_id                = module.lambda_api.api_id
{%- endif %}
{%- if dynamodb %}

  dynamodb_tables = module.dynamodb.table_names
{%- endif %}
{%- if server %}

  database = {
    dimension_name  = module.database.cloudwatch_metric_dimension.name
    dimension_value = module.database.cloudwatch_metric_dimension.value
  }
{%- endif %}
{%- if jobs %}

  dlq_name = module.queue.dlq_name
{%- endif %}

  tags = var.tags
}
