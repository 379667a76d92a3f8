locals {
  is_aurora  = var.engine_mode == "aurora-serverless"
  port       = 5432
  monitoring = var.monitoring_interval > 0

  # A writer, and with multi_az a reader in the next zone: Aurora promotes the reader when
  # the writer fails (Aurora user guide, "High availability for Aurora").
  aurora_instance_count = local.is_aurora ? (var.multi_az ? 2 : 1) : 0
  aurora_auto_pause     = local.is_aurora && var.aurora_min_capacity == 0

  # Keys are list positions, not the ids: ids of groups created in the same apply are unknown
  # at plan time and for_each keys must be known.
  ingress_sources = { for i, id in var.allowed_security_group_ids : tostring(i) => id }

  # RDS writes exported logs here; creating it first sets retention and encryption.
  log_group_name = local.is_aurora ? "/aws/rds/cluster/${var.name}/postgresql" : "/aws/rds/instance/${var.name}/postgresql"
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

# Network

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Private subnets for ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = var.tags
}

# No egress rules (Terraform removes the default allow-all): security groups are stateful, so
# replies to clients need none, and PostgreSQL itself opens no outbound connections. Enhanced
# monitoring, log export and backups run on the RDS host, outside this group.
resource "aws_security_group" "this" {
  name        = "${var.name}-db"
  description = "PostgreSQL ${var.name}: 5432 from the app security groups only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each = local.ingress_sources

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from an allowed app security group"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  tags                         = var.tags
}

# Logging and monitoring

resource "aws_cloudwatch_log_group" "postgresql" {
  #checkov:skip=CKV_AWS_338:retention is the log_retention_days input (default 365); a dev environment keeps less on purpose
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "monitoring_assume" {
  count = local.monitoring ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }

    # Confused-deputy guard: only RDS acting for this account may assume the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = local.monitoring ? 1 : 0

  name                 = "${var.name}-rds-monitoring"
  assume_role_policy   = data.aws_iam_policy_document.monitoring_assume[0].json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = local.monitoring ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# RDS PostgreSQL instance (engine_mode = "postgres")
#
# Both parameter groups below spell out the same parameters as literal blocks on purpose:
# checkov reads only literal blocks (a shared dynamic block fails CKV2_AWS_27).

# name_prefix + create_before_destroy: a major version upgrade needs a new family while the
# old group is still attached.
resource "aws_db_parameter_group" "this" {
  count = local.is_aurora ? 0 : 1

  name_prefix = "${var.name}-"
  family      = "postgres${var.engine_version}"
  description = "TLS-only connections and connection/slow-query logging for ${var.name}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  # Slow statements only (ms): logging every statement would write query data to the logs.
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_lock_waits"
    value = "1"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "this" {
  count = local.is_aurora ? 0 : 1
  #checkov:skip=CKV_AWS_157:multi_az is an input; false keeps dev cheap, the prod env root sets it to true

  identifier     = var.name
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  port           = local.port
  db_name        = var.database_name
  username       = var.master_username

  # RDS generates, stores and rotates the password in Secrets Manager; Terraform never sees it.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  storage_type          = "gp3"
  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this[0].name

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = local.monitoring ? aws_iam_role.monitoring[0].arn : null

  backup_retention_period    = var.backup_retention_period
  copy_tags_to_snapshot      = true
  auto_minor_version_upgrade = true
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = var.skip_final_snapshot
  final_snapshot_identifier  = var.skip_final_snapshot ? null : "${var.name}-final"
  apply_immediately          = var.apply_immediately

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.postgresql, aws_iam_role_policy_attachment.monitoring]
}

# Aurora PostgreSQL Serverless v2 (engine_mode = "aurora-serverless")

resource "aws_rds_cluster_parameter_group" "this" {
  count = local.is_aurora ? 1 : 0

  name_prefix = "${var.name}-"
  family      = "aurora-postgresql${var.engine_version}"
  description = "TLS-only connections and connection/slow-query logging for ${var.name}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  # Slow statements only (ms): logging every statement would write query data to the logs.
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_lock_waits"
    value = "1"
  }

  # With auto-pause, a session idle past the pause delay is closed: a connection pool's
  # idle connections would otherwise keep the instance from ever pausing. The app pings a
  # pooled connection before reuse and opens a new one in its place (core/db.py).
  dynamic "parameter" {
    for_each = local.aurora_auto_pause ? [var.aurora_seconds_until_auto_pause * 1000] : []

    content {
      name  = "idle_session_timeout"
      value = tostring(parameter.value)
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster" "this" {
  count = local.is_aurora ? 1 : 0
  #checkov:skip=CKV2_AWS_8:automated backups (backup_retention_period, point-in-time recovery) cover the cluster; an AWS Backup plan is an account-level choice outside this module

  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  port               = local.port
  database_name      = var.database_name
  master_username    = var.master_username

  # RDS generates, stores and rotates the password in Secrets Manager; Terraform never sees it.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  storage_encrypted = true
  kms_key_id        = var.kms_key_arn

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this[0].name

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  serverlessv2_scaling_configuration {
    min_capacity             = var.aurora_min_capacity
    max_capacity             = var.aurora_max_capacity
    seconds_until_auto_pause = local.aurora_auto_pause ? var.aurora_seconds_until_auto_pause : null
  }

  backup_retention_period   = var.backup_retention_period
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-final"
  apply_immediately         = var.apply_immediately

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.postgresql]
}

resource "aws_rds_cluster_instance" "this" {
  count = local.aurora_instance_count

  identifier         = "${var.name}-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.this[0].id
  availability_zone  = length(var.availability_zones) > count.index ? var.availability_zones[count.index] : null
  # The cluster's major: upgrades happen on the cluster, and the provider keeps a major-only
  # version without drift (its TestAccRDSCluster_majorVersionOnly does the same).
  engine         = aws_rds_cluster.this[0].engine
  engine_version = aws_rds_cluster.this[0].engine_version
  instance_class = "db.serverless"

  db_subnet_group_name = aws_db_subnet_group.this.name
  publicly_accessible  = false

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = local.monitoring ? aws_iam_role.monitoring[0].arn : null

  auto_minor_version_upgrade = true
  copy_tags_to_snapshot      = true
  apply_immediately          = var.apply_immediately

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.monitoring]
}
