# Copied into a rendered infra/modules/lambda_api by tests/test_terraform.py and planned
# with a mocked provider: SnapStart is on the api function's published versions alone
# when asked, and refused on a runtime older than python3.12.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name            = "app-prod"
  package_path    = "lambda.zip" # an empty zip the test writes: the plan only hashes it
  handler_package = "app"
  runtime         = "python3.12"
  architecture    = "arm64"
  app_policy_json = "{}"
  kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/0123"
  migration       = { policy_json = "{}", environment = {} }
  queue           = { arn = "arn:aws:sqs:us-east-1:123456789012:app-prod-jobs" }
}

run "snap_start_covers_the_api_function_only" {
  command = plan

  variables {
    snap_start = true
  }

  assert {
    condition     = [for s in aws_lambda_function.this["api"].snap_start : s.apply_on] == ["PublishedVersions"]
    error_message = "The api function's published versions must have SnapStart."
  }
  assert {
    condition     = length(aws_lambda_function.this["migrate"].snap_start) + length(aws_lambda_function.this["worker"].snap_start) == 0
    error_message = "The migration and worker functions must not pay for snapshots."
  }
  assert {
    condition     = aws_lambda_function.this["api"].publish
    error_message = "SnapStart applies to published versions: the api function must publish."
  }
}

run "no_snap_start_by_default" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.this["api"].snap_start) == 0
    error_message = "SnapStart must be opt-in."
  }
}

run "snap_start_is_refused_before_python_3_12" {
  command = plan

  variables {
    runtime    = "python3.11"
    snap_start = true
  }

  expect_failures = [var.snap_start]
}
