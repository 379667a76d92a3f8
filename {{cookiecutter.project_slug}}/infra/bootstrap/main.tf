# What must exist before the environments: the bucket that holds their Terraform state
{%- if cookiecutter.ci == "github" %}
# and the role GitHub Actions deploys with (OpenID Connect: no stored AWS keys)
{%- endif %}.

provider "aws" {
  region = local.facts.region

  default_tags {
    tags = {
      Project   = local.facts.name
      ManagedBy = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  facts      = jsondecode(file("${path.module}/../../project.json"))
  project    = local.facts.prefix
  # The roots of ../envs; each environment's resources are named "<project>-<environment>-…".
  environments = toset(local.facts.environments)
}

module "state_key" {
  source = "../modules/kms"

  name = "${local.project}-tfstate"
}
{%- if cookiecutter.database in ("postgres", "aurora-serverless") %}

# Each environment's database key (alias/<project>-<environment>-database): its storage,
# secret and final snapshot. It lives here, outside the environment, so the snapshot a
# destroy of the environment leaves stays restorable: the environment's own key is
# scheduled for deletion by that same destroy.
module "database_key" {
  source   = "../modules/kms"
  for_each = local.environments

  name = "${local.project}-${each.key}-database"
}
{%- endif %}

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:access to state is audited through CloudTrail; a log bucket for it would need its own state first
  #checkov:skip=CKV_AWS_144:state is small and versioned; replicate it to another region if the business needs that
  #checkov:skip=CKV2_AWS_62:nothing consumes events of the state bucket
  bucket = "${local.project}-tfstate-${local.account_id}"
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.state_key.key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# Old state versions are how a bad apply is undone: keep them 90 days.
resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "state_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}
{%- if cookiecutter.ci == "github" %}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # IAM validates GitHub's certificate chain itself; the value is required but unused.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 0 : 1
  url   = "https://token.actions.githubusercontent.com"
}

locals {
  github_oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
}

# One role per environment, assumable only by a workflow job running in that GitHub
# environment (the OIDC token's subject is "repo:<owner>/<name>:environment:<name>" for
# such a job): prod's required reviewers cannot be bypassed from another branch or job.
data "aws_iam_policy_document" "deploy_trust" {
  for_each = local.environments

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:environment:${each.key}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  for_each = local.environments

  name                 = "${local.project}-deploy-${each.key}"
  description          = "Assumed by ${var.github_repository}'s GitHub Actions to deploy ${local.project} to ${each.key}."
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust[each.key].json
  max_session_duration = 3600
}

# Deploying creates the whole stack, so the role gets AWS's PowerUserAccess (everything
# but IAM and Organizations) plus IAM limited to its environment's roles.
resource "aws_iam_role_policy_attachment" "deploy_power_user" {
  for_each = local.environments

  role       = aws_iam_role.deploy[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/PowerUserAccess"
}

data "aws_iam_policy_document" "deploy_iam" {
  for_each = local.environments

  # The environment's roles, never the deploy roles ("<project>-deploy-<environment>").
  # Creating one, or changing what it may do, needs the environment's permissions
  # boundary on it, so no role the deploy makes can do more than the boundary allows
  # (iam:PermissionsBoundary: the boundary of the role the call names, or the one a
  # CreateRole or PutRolePermissionsBoundary sets; IAM User Guide, "Permissions
  # boundaries for IAM entities").
  statement {
    sid = "ChangeEnvironmentRolesWithinTheBoundary"
    actions = [
      "iam:AttachRolePolicy",
      "iam:CreateRole",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${local.project}-${each.key}-*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [aws_iam_policy.boundary[each.key].arn]
    }
  }

  statement {
    sid = "ManageEnvironmentRoles"
    actions = [
      "iam:DeleteRole",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:ListRolePolicies",
      "iam:PassRole",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${local.project}-${each.key}-*"]
  }

  statement {
    sid = "ManageServiceLinkedRoles"
    actions = [
      "iam:CreateServiceLinkedRole",
      "iam:GetRole",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/*"]
  }

  statement {
    sid       = "ReadGitHubProvider"
    actions   = ["iam:GetOpenIDConnectProvider"]
    resources = [local.github_oidc_provider_arn]
  }
}

resource "aws_iam_role_policy" "deploy_iam" {
  for_each = local.environments

  name   = "manage-environment-roles"
  role   = aws_iam_role.deploy[each.key].id
  policy = data.aws_iam_policy_document.deploy_iam[each.key].json
}
{%- endif %}

# The most any role of an environment may do, whatever its own policies say: the services
# the stack's roles use (a test checks every action they are granted is inside it). The
# deploy can create and change the environment's roles only with this boundary on them.
data "aws_iam_policy_document" "boundary" {
  statement {
    sid = "WhatTheStackRolesUse"
    actions = [
      for service in [{% if cookiecutter.database == "dynamodb" %}"dynamodb", {% endif %}"ec2", "ecr", "elasticfilesystem", "kms", "logs",{% if cookiecutter.database in ("postgres", "aurora-serverless") %} "rds-db",{% endif %} "s3", "secretsmanager", "ses", "sqs", "xray"] : "${service}:*"
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  for_each = local.environments

  name        = "${local.project}-${each.key}-permissions-boundary"
  description = "The permissions boundary of every role in ${local.project}'s ${each.key} environment."
  policy      = data.aws_iam_policy_document.boundary.json
}
