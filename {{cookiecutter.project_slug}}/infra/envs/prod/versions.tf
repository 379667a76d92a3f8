{%- set environment = "prod" -%}
{% include "env/versions.tf" %}