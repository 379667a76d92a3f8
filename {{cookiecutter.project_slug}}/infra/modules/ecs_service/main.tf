data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

data "aws_vpc" "this" {
  id = var.vpc_id
}

locals {
  # Decided by the domain (known at plan time), not the certificate ARN, which a sibling
  # module creates in the same apply.
  https   = var.domain_name != null
  use_efs = var.efs != null
  worker  = var.worker_command != null
  # With a database server the migrations log in as its owner and the app as a user that
  # owns nothing: the one-off migration task has a role and settings of its own.
  own_migration_role = var.migration != null

  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # SQLite on EFS allows one writer: one task only, and a deployment stops the old task
  # before starting the new one (a short outage) so two tasks never write at once.
  desired_count                      = local.use_efs ? 1 : var.desired_count
  min_capacity                       = local.use_efs ? 1 : var.min_capacity
  max_capacity                       = local.use_efs ? 1 : var.max_capacity
  deployment_maximum_percent         = local.use_efs ? 100 : 200
  deployment_minimum_healthy_percent = local.use_efs ? 0 : 100

  # Load balancer and target group names are limited to 32 characters: a longer name is
  # cut and given a hash of the full name, so environments sharing a long prefix stay
  # distinct. The port is in the target group name so a port change can create the new
  # group before deleting the old.
  short_name = length(var.name) <= 26 ? var.name : "${trimsuffix(substr(var.name, 0, 21), "-")}-${substr(md5(var.name), 0, 4)}"
  lb_name    = "${local.short_name}-alb"
  tg_name    = "${local.short_name}-${var.container_port}"

  alb_ports = local.https ? [80, 443] : [80]

  # Pull rights are scoped to the image's own repository when the image is in ECR.
  ecr_image          = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)", var.image), null)
  ecr_repository_arn = local.ecr_image == null ? null : "arn:${local.partition}:ecr:${local.ecr_image[1]}:${local.ecr_image[0]}:repository/${local.ecr_image[2]}"

  efs_file_system_arn  = local.use_efs ? "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:file-system/${var.efs.file_system_id}" : null
  efs_access_point_arn = local.use_efs ? "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:access-point/${var.efs.access_point_id}" : null

  # Container definitions take settings as [{name, value}], sorted so plans stay stable.
  container_environments = {
    for role, settings in { app = var.environment, migration = local.own_migration_role ? var.migration.environment : var.environment } :
    role => [for k in sort(keys(settings)) : { name = k, value = settings[k] }]
  }

  # Shared by every container: same image, user, settings and storage. The root
  # filesystem is read-only; /tmp is task-local scratch, /data the EFS volume.
  container_base = {
    image                  = var.image
    essential              = true
    user                   = "10001:10001"
    readonlyRootFilesystem = true
    environment            = local.container_environments.app
    mountPoints = concat(
      [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }],
      local.use_efs ? [{ sourceVolume = "data", containerPath = "/data", readOnly = false }] : [],
    )
  }

  app_container = merge(local.container_base, {
    name         = "app"
    portMappings = [{ containerPort = var.container_port, hostPort = var.container_port, protocol = "tcp" }]
    # Liveness only (/health does no I/O); the image has python but no curl.
    healthCheck = {
      command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.container_port}/health', timeout=4)"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 15
    }
  })
  migrate_container = merge(local.container_base, { name = "migrate", command = var.migration_command, environment = local.container_environments.migration })
  worker_container  = merge(local.container_base, { name = "worker", command = var.worker_command })
  serving           = concat([local.app_container], local.worker ? [local.worker_container] : [])

  # Task definition -> its containers. With a database server, the deploy runs the
  # one-off migrate task before moving the services, and the worker is a service of its
  # own. SQLite on EFS: every process that opens the file is in the one app task, so one
  # NFS client writes it, and the task's migrate container runs before the app or the
  # worker start (the migrate task stays, for one-off commands). A SUCCESS dependency
  # cannot be on an essential container (ECS API reference, ContainerDependency), and
  # needs Fargate platform 1.3.0 or later.
  # (JSON, as both branches of a conditional must have one type.)
  app_task_migrates = local.use_efs
  task_containers = merge(
    {
      app = local.app_task_migrates ? jsonencode(concat(
        [merge(local.migrate_container, { essential = false })],
        [for container in local.serving : merge(container, { dependsOn = [{ containerName = "migrate", condition = "SUCCESS" }] })],
      )) : jsonencode([local.app_container])
      migrate = jsonencode([local.migrate_container])
    },
    local.worker && !local.app_task_migrates ? { worker = jsonencode([local.worker_container]) } : {},
  )

  families = {
    app     = var.name
    migrate = "${var.name}-migrate"
    worker  = "${var.name}-worker"
  }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is the log_retention_days input (default 365); a dev environment keeps less on purpose
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

################################################################################
# IAM: the execution role (used by ECS to start tasks) is kept apart from the task
# role (used by the app), so the app never holds pull or log-delivery rights and ECS
# never holds the app's.
################################################################################

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
  description          = "The ${var.name} app (web and worker${local.own_migration_role ? "" : ", and the migrations"})"
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

################################################################################
# Security groups: internet -> ALB -> tasks, nothing else inbound.
################################################################################

resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-alb-"
  description = "Load balancer of ${var.name}: HTTP(S) in from the allowed CIDRs, out to the tasks only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = { for pair in setproduct(local.alb_ports, var.alb_ingress_cidr_blocks) : "${pair[0]}-${pair[1]}" => { port = pair[0], cidr = pair[1] } }

  security_group_id = aws_security_group.alb.id
  description       = "HTTP${each.value.port == 443 ? "S" : ""} from ${each.value.cidr}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the app tasks only"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.tasks.id

  tags = var.tags
}

resource "aws_security_group" "tasks" {
  name_prefix = "${var.name}-tasks-"
  description = "Tasks of ${var.name}: in from the load balancer only; out to AWS APIs, the database and EFS"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "App port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (ECR, Secrets Manager, S3, SQS, Logs) via NAT or VPC endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_postgres" {
  security_group_id = aws_security_group.tasks.id
  description       = "PostgreSQL inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = data.aws_vpc.this.cidr_block

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_efs" {
  count = local.use_efs ? 1 : 0

  security_group_id = aws_security_group.tasks.id
  description       = "NFS to the EFS mount targets inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 2049
  to_port           = 2049
  cidr_ipv4         = data.aws_vpc.this.cidr_block

  tags = var.tags
}

################################################################################
# Load balancer
################################################################################

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:WAF is an account-level cost/policy choice; associate a web ACL with the alb_arn output
  #checkov:skip=CKV2_AWS_20:HTTP redirects to HTTPS whenever certificate_arn is set; HTTPS needs a certificate and is on whenever the project has a domain
  name                       = local.lb_name
  internal                   = false
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  idle_timeout               = var.alb_idle_timeout
  enable_http2               = true

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == null ? [] : [var.alb_access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }

  tags = var.tags
}

resource "aws_lb_target_group" "app" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; targets sit in private subnets reachable only from the ALB security group
  name                 = local.tg_name
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30 # below ECS's 30 s stop timeout; the app drains in 20 s

  health_check {
    enabled             = true
    path                = var.health_check_path
    protocol            = "HTTP"
    port                = "traffic-port"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  tags = var.tags
}

resource "aws_lb_listener" "http_redirect" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  count = local.https ? 0 : 1
  #checkov:skip=CKV_AWS_2:plain HTTP only while certificate_arn is null; HTTPS needs a certificate and is on whenever the project has a domain
  #checkov:skip=CKV_AWS_103:no TLS on this listener until certificate_arn is set; the HTTPS listener then uses a TLS 1.2/1.3 policy

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  tags = var.tags
}

################################################################################
# Task definitions (local.task_containers): app, migration and (optionally) worker
# share the image, settings and volumes; the migration task has its own role and
# settings where var.migration gives them.
################################################################################

resource "aws_ecs_task_definition" "this" {
  for_each = local.task_containers

  family                   = local.families[each.key]
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = each.key == "migrate" && local.own_migration_role ? aws_iam_role.migration[0].arn : aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([for container in jsondecode(each.value) : merge(container, {
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.this.name
        "awslogs-region"        = local.region
        "awslogs-stream-prefix" = container.name
      }
    }
  })])

  # No host path: Fargate backs it with the task's ephemeral storage, discarded with the task.
  volume {
    name = "tmp"
  }

  dynamic "volume" {
    for_each = local.use_efs ? [var.efs] : []

    content {
      name = "data"

      efs_volume_configuration {
        file_system_id     = volume.value.file_system_id
        transit_encryption = "ENABLED"

        authorization_config {
          access_point_id = volume.value.access_point_id
          iam             = "ENABLED"
        }
      }
    }
  }

  # Each deploy registers a revision; the previous ones stay registered so `make rollback`
  # can return to them.
  skip_destroy = true

  tags = var.tags
}

################################################################################
# Services
################################################################################

resource "aws_ecs_service" "app" {
  name                               = var.name
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this["app"].arn
  desired_count                      = local.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_maximum_percent         = local.deployment_maximum_percent
  deployment_minimum_healthy_percent = local.deployment_minimum_healthy_percent
  health_check_grace_period_seconds  = var.health_check_grace_period_seconds
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = var.container_port
  }

  tags = var.tags

  # The target group must be attached to a listener, and the roles able to pull and
  # log, before the first task starts.
  depends_on = [
    aws_lb_listener.http,
    aws_lb_listener.https,
    aws_iam_role_policy.execution,
    aws_iam_role_policy.app,
    aws_iam_role_policy.efs,
  ]

  lifecycle {
    # Autoscaling owns the running count after creation; the deploy moves the service to a
    # new task definition revision once the migration task has succeeded (and rollback
    # moves it back), so Terraform only sets the first one.
    ignore_changes = [desired_count, task_definition]
  }
}

resource "aws_ecs_service" "worker" {
  count = contains(keys(local.task_containers), "worker") ? 1 : 0

  name                               = "${var.name}-worker"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this["worker"].arn
  desired_count                      = var.worker_desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_maximum_percent         = local.deployment_maximum_percent
  deployment_minimum_healthy_percent = local.deployment_minimum_healthy_percent
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy.execution,
    aws_iam_role_policy.app,
    aws_iam_role_policy.efs,
  ]

  lifecycle {
    # Rolled by the deploy, as the app service is.
    ignore_changes = [task_definition]
  }
}

resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.app.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = local.min_capacity
  max_capacity       = local.max_capacity

  tags = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  resource_id        = aws_appautoscaling_target.app.resource_id
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
