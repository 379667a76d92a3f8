locals {
  nfs_port = 2049

  # Keys are list positions, not the ids: ids created in the same apply are unknown at plan
  # time and for_each keys must be known.
  subnets         = { for i, id in var.subnet_ids : tostring(i) => id }
  ingress_sources = { for i, id in var.allowed_security_group_ids : tostring(i) => id }
}

resource "aws_efs_file_system" "this" {
  creation_token = var.name
  encrypted      = true
  kms_key_id     = var.kms_key_arn

  # Elastic throughput: with bursting, baseline throughput scales with stored size, so a
  # small SQLite file would soon run out of burst credits.
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"

  lifecycle_policy {
    transition_to_ia = var.transition_to_ia
  }

  # A file read again (the database after a quiet month) moves back to Standard.
  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_efs_backup_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  backup_policy {
    status = "ENABLED"
  }
}

# No egress rules (Terraform removes the default allow-all): security groups are stateful, so
# NFS replies need none, and a mount target never opens connections itself.
resource "aws_security_group" "this" {
  name        = "${var.name}-efs"
  description = "EFS ${var.name}: NFS 2049 from the app security groups only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-efs" })
}

resource "aws_vpc_security_group_ingress_rule" "nfs" {
  for_each = local.ingress_sources

  security_group_id            = aws_security_group.this.id
  description                  = "NFS from an allowed app security group"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.nfs_port
  to_port                      = local.nfs_port
  tags                         = var.tags
}

resource "aws_efs_mount_target" "this" {
  for_each = local.subnets

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = each.value
  security_groups = [aws_security_group.this.id]
}

# Clients get a fixed non-root identity and see only /app-data, created on first mount.
resource "aws_efs_access_point" "this" {
  file_system_id = aws_efs_file_system.this.id

  posix_user {
    uid = var.posix_uid
    gid = var.posix_gid
  }

  root_directory {
    path = "/app-data"

    creation_info {
      owner_uid   = var.posix_uid
      owner_gid   = var.posix_gid
      permissions = "0750"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-app-data" })
}

data "aws_iam_policy_document" "file_system" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["*"]
    resources = [aws_efs_file_system.this.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # ArnNotEquals also matches mounts that name no access point at all.
  statement {
    sid       = "DenyMountsOutsideTheAccessPoint"
    effect    = "Deny"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"]
    resources = [aws_efs_file_system.this.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.this.arn]
    }
  }

  # Reaching a mount target at all takes the security group above; mounting then needs the
  # access point. No ClientRootAccess: the access point maps every client to posix_uid.
  statement {
    sid       = "AllowMountThroughTheAccessPoint"
    effect    = "Allow"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [aws_efs_file_system.this.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "elasticfilesystem:AccessedViaMountTarget"
      values   = ["true"]
    }

    condition {
      test     = "ArnEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.this.arn]
    }
  }
}

resource "aws_efs_file_system_policy" "this" {
  file_system_id = aws_efs_file_system.this.id
  policy         = data.aws_iam_policy_document.file_system.json
}
