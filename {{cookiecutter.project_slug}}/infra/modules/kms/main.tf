data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.name
  partition    = data.aws_partition.current.partition
  account_root = "arn:${local.partition}:iam::${local.account_id}:root"

  # Services that encrypt this stack's data on behalf of IAM principals of this account.
  via_services = [
    for service in ["sqs", "sns", "s3", "ecr", "rds", "elasticfilesystem", "secretsmanager", "lambda"{% if cookiecutter.database == "dynamodb" %}, "dynamodb"{% endif %}] :
    "${service}.${local.region}.amazonaws.com"
  ]
}

data "aws_iam_policy_document" "key" {
  # The account administers the key through IAM. Data-plane actions are left out on purpose:
  # nobody decrypts directly, only through the services below.
  statement {
    sid    = "AccountAdministersKey"
    effect = "Allow"
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:Describe*",
      "kms:Disable*",
      "kms:Enable*",
      "kms:Get*",
      "kms:List*",
      "kms:Put*",
      "kms:Revoke*",
      "kms:RotateKeyOnDemand",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:Update*",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  # IAM principals of this account that IAM allows to use the key may do so only through
  # this region's services (S3 objects, SQS messages, secrets, RDS, EFS, ECR, Lambda env{% if cookiecutter.database == "dynamodb" %}, DynamoDB tables{% endif %}).
  statement {
    sid    = "AccountUsesKeyThroughServices"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
      "kms:RetireGrant",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.via_services
    }
  }

  # RDS, EFS, ECR{% if cookiecutter.database == "dynamodb" %}, Lambda and DynamoDB{% else %} and Lambda{% endif %} keep using the key through grants on their own resources.
  statement {
    sid       = "AccountGrantsKeyToServiceResources"
    effect    = "Allow"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.via_services
    }

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  # CloudWatch Logs encrypts log groups as its own principal; the encryption context pins it
  # to this account's log groups in this region.
  statement {
    sid    = "CloudWatchLogsEncryptsThisAccountsLogGroups"
    effect = "Allow"
    actions = [
      "kms:Decrypt*",
      "kms:Describe*",
      "kms:Encrypt*",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to encrypted SNS topics, and SNS delivers to encrypted SQS
  # queues, as service principals rather than through an IAM principal of the account.
  statement {
    sid       = "AlarmsAndSnsPublishForThisAccount"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "sns.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: encrypts this environment's data at rest"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
