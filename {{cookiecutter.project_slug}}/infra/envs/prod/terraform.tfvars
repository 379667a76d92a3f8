{%- set ecs = cookiecutter.compute == "ecs" -%}
# prod: survives a zone outage, keeps backups and logs, refuses accidental deletion.
deletion_protection            = true
log_retention_days             = 365
kms_deletion_window_in_days    = 30
secret_recovery_window_in_days = 30
{%- if cookiecutter.compute == "ecs" or cookiecutter.database in ("postgres", "aurora-serverless") %}
az_count                       = 3
enable_nat_gateway             = true
single_nat_gateway             = false
{%- endif %}
monitoring_dashboard           = true

# Where password reset mail comes from. {% if cookiecutter.domain_name %}Empty: no-reply@ this environment's host name,
# verified by the DKIM records Terraform writes in the zone.{% else %}An address you own: SES mails it a link to follow
# once. Empty (with no domain in project.json): no mail, and password reset answers 503.{% endif %}
mail_from = ""

# The web app's origins, e.g. ["https://app.example.com"]: they may call the API from a
# browser{% if cookiecutter.use_s3_uploads == "y" %} and POST uploads straight to the bucket (without one, a browser's
# presigned upload fails){% endif %}. Empty: only non-browser clients.
cors_allowed_origins = []
{%- if cookiecutter.compute == "ecs" or cookiecutter.frontend == "static" %}

# The WAF: AWS managed rules and a rate limit on the password routes, about $9 a month
# plus $0.60 per million requests.
waf_enabled = true
{%- endif %}
{%- if cookiecutter.database == "postgres" %}

db_backup_retention_days = 30
db_final_snapshot        = true
db_multi_az              = true # a standby in a second zone
db_instance_class        = "db.t4g.medium"
{%- elif cookiecutter.database == "aurora-serverless" %}

db_backup_retention_days = 30
db_final_snapshot        = true
db_multi_az              = true # a reader in a second zone, promoted if the writer's zone fails
aurora_min_capacity      = 1
aurora_max_capacity      = 16
{%- endif %}
{%- if ecs %}

container_insights = true

task_cpu      = 512
task_memory   = 1024
desired_count = 2
min_capacity  = 2
max_capacity  = 6
{%- else %}

lambda_memory_size = 1024

# SnapStart: new execution environments of the API resume from a snapshot of the app,
# initialized when the version was published (Python 3.12 or later), so the first
# requests after a scale-out skip the import (README, "Lambda SnapStart", prices it).
lambda_snap_start = {{ "false" if cookiecutter.python_version == "3.11" else "true" }}

# Reserved concurrency, null for none. AWS refuses a reservation that leaves the account
# fewer than 100 unreserved concurrent executions (new accounts often have 10 in all):
# raise the "Concurrent executions" quota first; `make deploy` checks before applying.
lambda_reserved_concurrency = null
{%- if cookiecutter.use_background_jobs == "y" %}

# The worker: its reservation (null for none) and the most workers the queue runs at
# once without one (2-1000).
lambda_worker_reserved_concurrency = null
lambda_worker_maximum_concurrency  = 5
{%- endif %}
{%- endif %}
