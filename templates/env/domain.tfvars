{%- set ecs = cookiecutter.compute == "ecs" -%}
{%- set domain = cookiecutter.domain_name -%}
# The API's host name, in a Route 53 public hosted zone of this account (hosted_zone_name:
# create the zone and delegate the domain to it before the first deploy): an ACM
# certificate, its DNS records and HTTPS{% if ecs %}, port 80 only redirecting{% endif %}. null: {% if ecs %}plain HTTP on the
# load balancer's own name{% if environment == "prod" %}, which prod refuses: its apply stops until this is set{% endif %}{% else %}the API's execute-api URL (HTTPS){% endif %}.
# Each environment needs a name of its own: ACM validates every certificate for a name in
# an account with the same record, which one environment's destroy would delete from
# under the other's renewals.
{%- if domain %}
domain_name      = "{{ domain if environment == "prod" else environment ~ "." ~ domain }}"
hosted_zone_name = "{{ domain if domain.count('.') == 1 else domain.split('.', 1)[1] }}"
{%- else %}
domain_name      = null
hosted_zone_name = null
{%- endif -%}
