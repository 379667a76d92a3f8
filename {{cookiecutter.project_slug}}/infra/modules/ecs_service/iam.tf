################################################################################
# IAM: the execution role (used by ECS to start tasks) is kept apart from the task
# role (used by the app), so the app never holds pull or log-delivery rights and ECS
# never holds the app's.
################################################################################

locals {
  # Pull rights are scoped to the image's own repository when the image is in ECR.
  ecr_image          = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)", var.image), null)
  ecr_repository_arn = local.ecr_image == null ? null : "arn:${local.partition}:ecr:${local.ecr_image[1]}:${local.ecr_image[0]}:repository/${local.ecr_image[2]}"

  efs_file_system_arn  = local.use_efs ? "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:file-system/${var.efs.file_system_id}" : null
  efs_access_point_arn = local.use_efs ? "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:access-point/${var.efs.access_point_id}" : null
}

data "aws_iam_policy_document" "execution_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name                 = "${var.name}-ecs-execution"
  description          = "ECS pulls the image and writes the log streams of ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.execution_assume.json
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "EcrLogin"
    # GetAuthorizationToken has no resource-level permissions.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = local.ecr_repository_arn == null ? [] : [local.ecr_repository_arn]

    content {
      sid       = "EcrPull"
      actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-and-log"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

data "aws_iam_policy_document" "task_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Confused-deputy guard: only ECS acting for this account may assume the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "task" {
  name                 = "${var.name}-ecs-task"
  description          = "The ${var.name} app (web and worker${local.migrate && !local.own_migration_role ? ", and the migrations" : ""})"
  assume_role_policy   = data.aws_iam_policy_document.task_assume.json
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

resource "aws_iam_role_policy" "app" {
  name   = "app"
  role   = aws_iam_role.task.id
  policy = var.app_policy_json
}

resource "aws_iam_role" "migration" {
  count = local.own_migration_role ? 1 : 0

  name                 = "${var.name}-ecs-migration"
  description          = "The ${var.name} migration task: the database owner's login"
  assume_role_policy   = data.aws_iam_policy_document.task_assume.json
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

resource "aws_iam_role_policy" "migration" {
  count = local.own_migration_role ? 1 : 0

  name   = "migration"
  role   = aws_iam_role.migration[0].id
  policy = var.migration.policy_json
}

data "aws_iam_policy_document" "efs" {
  count = local.use_efs ? 1 : 0

  statement {
    sid       = "EfsThroughAccessPoint"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [local.efs_file_system_arn]

    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [local.efs_access_point_arn]
    }
  }
}

resource "aws_iam_role_policy" "efs" {
  count = local.use_efs ? 1 : 0

  name   = "efs"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.efs[0].json
}
