################################################################################
# Task definitions (local.task_containers): app, and optionally migration and worker,
# share the image, settings and volumes; the migration task has its own role and
# settings where var.migration gives them.
################################################################################

locals {
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
    },
    local.migrate ? { migrate = jsonencode([local.migrate_container]) } : {},
    local.worker && !local.app_task_migrates ? { worker = jsonencode([local.worker_container]) } : {},
  )

  families = {
    app     = var.name
    migrate = "${var.name}-migrate"
    worker  = "${var.name}-worker"
  }

  # SQLite on EFS allows one writer: one task only, and a deployment stops the old task
  # before starting the new one (a short outage) so two tasks never write at once.
  desired_count                      = local.use_efs ? 1 : var.desired_count
  min_capacity                       = local.use_efs ? 1 : var.min_capacity
  max_capacity                       = local.use_efs ? 1 : var.max_capacity
  deployment_maximum_percent         = local.use_efs ? 100 : 200
  deployment_minimum_healthy_percent = local.use_efs ? 0 : 100
}

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
    subnets          = var.task_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = var.assign_public_ip
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
    subnets          = var.task_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = var.assign_public_ip
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
