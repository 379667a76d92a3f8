{%- set environment = "prod" -%}
{% include "env/variables.tf" %}