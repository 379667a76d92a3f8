"""Background jobs: typed messages that run now (inline) or on a worker (SQS).

- `base.Job`: a job is a pydantic model (its fields are the message) with a `run` method.
- `registry.JOBS`: every job the worker may run, by name; a new job is added there.
- `queue.job_queue`: where `enqueue` sends jobs, from JOBS_BACKEND.
- `{{ cookiecutter.package_name }}.worker` (ECS) and `lambda_handler.worker` (Lambda) consume the queue.
"""
