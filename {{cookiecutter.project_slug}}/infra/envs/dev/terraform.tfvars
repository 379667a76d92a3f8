{%- set ecs = cookiecutter.compute == "ecs" -%}
# dev: cheap and destroyable.
deletion_protection            = false
log_retention_days             = 14
kms_deletion_window_in_days    = 7
secret_recovery_window_in_days = 0
{%- if cookiecutter.compute == "ecs" or cookiecutter.database in ("postgres", "aurora-serverless") %}
az_count                       = 2
single_nat_gateway             = true # one NAT gateway if enable_nat_gateway is turned on

# No NAT gateway, the largest fixed cost of a quiet environment (about $36 a month with its
# address): {% if cookiecutter.compute == "ecs" %}the tasks run in the public subnets with a public IP each, behind the
# security group that admits the load balancer alone{% else %}the functions reach Secrets Manager{% if cookiecutter.use_background_jobs == "y" %}, SES and SQS{% else %} and SES{% endif %} through interface endpoints in one
# zone{% endif %}. `make cost ENV=dev` prices it.
enable_nat_gateway = false
{%- endif %}

# Dashboards cost $3 a month each past an account's first three; the alarms stay.
monitoring_dashboard = false

# Where password reset mail comes from. {% if cookiecutter.domain_name %}Empty: no-reply@ this environment's host name,
# verified by the DKIM records Terraform writes in the zone.{% else %}An address you own: SES mails it a link to follow
# once. Empty (with no domain in project.json): no mail, and password reset answers 503.{% endif %}
mail_from = ""

# The web app's origins, e.g. ["https://app.example.com"]: they may call the API from a
# browser{% if cookiecutter.use_s3_uploads == "y" %} and POST uploads straight to the bucket (without one, a browser's
# presigned upload fails){% endif %}. Empty: only non-browser clients.
cors_allowed_origins = []
{%- if cookiecutter.compute == "ecs" or cookiecutter.frontend == "static" %}

# The WAF: about $9 a month plus $0.60 per million requests (README, "Costs"). Off in
# dev, whose traffic is your own; prod keeps it on.
waf_enabled = false
{%- endif %}
{%- if cookiecutter.database == "postgres" %}

db_backup_retention_days = 1
db_final_snapshot        = false # destroyable and recreatable: no snapshot to clash with
db_multi_az              = false
db_instance_class        = "db.t4g.micro"
{%- elif cookiecutter.database == "aurora-serverless" %}

db_backup_retention_days = 1
db_final_snapshot        = false # destroyable and recreatable: no snapshot to clash with
db_multi_az              = false
aurora_max_capacity      = 2
# 0: the database pauses after five minutes without connections and costs its storage
# alone until the next connection, which waits about 15 seconds for it to resume.
aurora_min_capacity = 0
{%- endif %}
{%- if ecs %}

# Container Insights bills its per-task metrics as custom metrics; the service's own
# CPU and memory metrics remain.
container_insights = false

task_cpu      = 256
task_memory   = 512
desired_count = 1
min_capacity  = 1
max_capacity  = 2
{%- else %}

lambda_memory_size = 512

# SnapStart: new execution environments of the API resume from a snapshot of the app,
# initialized when the version was published (Python 3.12 or later). Off in dev, where
# each deploy would wait for a snapshot and pay to cache it for few cold starts saved
# (README, "Lambda SnapStart", prices it).
lambda_snap_start = false

# Reserved concurrency, null for none. AWS refuses a reservation that leaves the account
# fewer than 100 unreserved concurrent executions (new accounts often have 10 in all):
# raise the "Concurrent executions" quota first; `make deploy` checks before applying.
lambda_reserved_concurrency = null
{%- if cookiecutter.use_background_jobs == "y" %}

# The worker: its reservation (null for none) and the most workers the queue runs at
# once without one (2-1000).
lambda_worker_reserved_concurrency = null
lambda_worker_maximum_concurrency  = 2
{%- endif %}
{%- endif %}
