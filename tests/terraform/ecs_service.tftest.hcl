# Copied into a rendered infra/modules/ecs_service by tests/test_terraform.py and planned
# with a mocked provider: which containers each task definition holds, what starts them
# and which role and settings the migration has, for SQLite on EFS and for a database
# server; and what the load balancer's listeners do with a domain and without.

mock_provider "aws" {
  mock_data "aws_vpc" {
    defaults = { cidr_block = "10.0.0.0/16" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name              = "app-dev"
  vpc_id            = "vpc-0123456789abcdef0"
  public_subnet_ids = ["subnet-0a", "subnet-0b"]
  task_subnet_ids   = ["subnet-0c", "subnet-0d"]
  image             = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:0123abc"
  kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/0123"
  app_policy_json   = "{}"
  environment       = { ENVIRONMENT = "dev" }
  cpu_architecture  = "X86_64"
  migration_command = ["python", "-m", "app.migrate"]
  worker_command    = ["python", "-m", "app.worker"]
}

run "sqlite_on_efs_runs_every_process_in_one_task_after_its_migration" {
  command = plan

  variables {
    efs = { file_system_id = "fs-0123", access_point_id = "fsap-0123" }
  }

  assert {
    condition     = [for c in jsondecode(aws_ecs_task_definition.this["app"].container_definitions) : c.name] == ["migrate", "app", "worker"]
    error_message = "The app task must hold the migration, the app and the worker, in that order."
  }
  assert {
    condition     = [for c in jsondecode(aws_ecs_task_definition.this["app"].container_definitions) : c.essential] == [false, true, true]
    error_message = "The migration container must be non-essential (it exits), the others essential."
  }
  assert {
    condition = alltrue([for c in jsondecode(aws_ecs_task_definition.this["app"].container_definitions) :
    try(c.dependsOn, null) == [{ containerName = "migrate", condition = "SUCCESS" }] if c.name != "migrate"])
    error_message = "The app and the worker must start only after the migration exited 0."
  }
  assert {
    condition = alltrue([for c in jsondecode(aws_ecs_task_definition.this["app"].container_definitions) :
    contains([for m in c.mountPoints : m.containerPath], "/data")])
    error_message = "Every container of the app task must mount the EFS volume."
  }
  assert {
    condition     = length(aws_ecs_service.worker) == 0 && !contains(keys(aws_ecs_task_definition.this), "worker")
    error_message = "With EFS the worker is a container of the app task, not a service."
  }
  assert {
    condition     = output.app_task_migrates && aws_ecs_service.app.desired_count == 1 && aws_ecs_service.app.deployment_minimum_healthy_percent == 0 && aws_ecs_service.app.deployment_maximum_percent == 100
    error_message = "One task, stopped before its replacement starts, and no deploy-time migration task."
  }
  assert {
    condition     = length(aws_iam_role.migration) == 0
    error_message = "With EFS the migration runs in the app task, with the app's role."
  }
}

run "efs_refuses_a_migration_role_its_app_task_could_not_have" {
  command = plan

  variables {
    efs       = { file_system_id = "fs-0123", access_point_id = "fsap-0123" }
    migration = { policy_json = "{}", environment = { ENVIRONMENT = "dev" } }
  }

  expect_failures = [var.migration]
}

run "a_database_server_keeps_a_migration_task_and_a_worker_service" {
  command = plan

  variables {
    migration = {
      policy_json = "{\"Statement\":[\"the migrations' own\"]}"
      environment = { ENVIRONMENT = "dev", DATABASE_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:owner" }
    }
  }

  override_resource {
    target          = aws_iam_role.task
    override_during = plan
    values          = { arn = "arn:aws:iam::123456789012:role/app-dev-ecs-task" }
  }
  override_resource {
    target          = aws_iam_role.migration[0]
    override_during = plan
    values          = { arn = "arn:aws:iam::123456789012:role/app-dev-ecs-migration" }
  }

  assert {
    condition     = toset(keys(aws_ecs_task_definition.this)) == toset(["app", "migrate", "worker"])
    error_message = "Without EFS: app, migrate and worker task definitions."
  }
  assert {
    condition     = [for c in jsondecode(aws_ecs_task_definition.this["app"].container_definitions) : [c.name, try(c.dependsOn, null)]] == [["app", null]]
    error_message = "Without EFS the app task is the app alone."
  }
  assert {
    condition     = length(aws_ecs_service.worker) == 1 && !output.app_task_migrates
    error_message = "Without EFS the worker is its own service and the deploy runs the migration task."
  }
  assert {
    condition     = one(jsondecode(aws_ecs_task_definition.this["migrate"].container_definitions)).environment == [{ name = "DATABASE_SECRET_ARN", value = "arn:aws:secretsmanager:us-east-1:123456789012:secret:owner" }, { name = "ENVIRONMENT", value = "dev" }]
    error_message = "The migration task must run with the migration's settings."
  }
  assert {
    condition = alltrue([for key in ["app", "worker"] :
    one(jsondecode(aws_ecs_task_definition.this[key].container_definitions)).environment == [{ name = "ENVIRONMENT", value = "dev" }]])
    error_message = "The app and worker must run with the app's settings, without the owner's secret."
  }
  assert {
    condition     = length(aws_iam_role.migration) == 1 && aws_iam_role_policy.migration[0].policy == var.migration.policy_json
    error_message = "The migration task must have a role of its own holding the migration's policy."
  }
  assert {
    condition = { for key, definition in aws_ecs_task_definition.this : key => definition.task_role_arn } == {
      app     = "arn:aws:iam::123456789012:role/app-dev-ecs-task"
      migrate = "arn:aws:iam::123456789012:role/app-dev-ecs-migration"
      worker  = "arn:aws:iam::123456789012:role/app-dev-ecs-task"
    }
    error_message = "Only the migration task may run as the migration's role."
  }
}

run "with_a_domain_port_80_only_redirects_to_https" {
  command = plan

  variables {
    domain_name     = "api.example.com"
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd"
  }

  assert {
    condition     = length(aws_lb_listener.http) == 0 && length(aws_lb_listener.https) == 1
    error_message = "With a domain, nothing may forward plain HTTP to the app."
  }
  assert {
    condition     = [for action in aws_lb_listener.http_redirect[0].default_action : action.type] == ["redirect"]
    error_message = "Port 80 must only redirect."
  }
  assert {
    condition     = [for r in one(aws_lb_listener.http_redirect[0].default_action).redirect : [r.port, r.protocol, r.status_code]] == [["443", "HTTPS", "HTTP_301"]]
    error_message = "Port 80 must redirect permanently to the same URL on HTTPS."
  }
  assert {
    condition     = aws_lb_listener.https[0].certificate_arn == var.certificate_arn && startswith(aws_lb_listener.https[0].ssl_policy, "ELBSecurityPolicy-TLS13-1-2")
    error_message = "The HTTPS listener must use the domain's certificate and a TLS 1.2/1.3 policy."
  }
}

run "without_a_domain_port_80_forwards_and_nothing_listens_on_443" {
  command = plan

  assert {
    condition     = length(aws_lb_listener.http) == 1 && length(aws_lb_listener.https) == 0 && length(aws_lb_listener.http_redirect) == 0
    error_message = "Without a domain (dev only: the stack refuses prod), port 80 forwards to the app."
  }
}
