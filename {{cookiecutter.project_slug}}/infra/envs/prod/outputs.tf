{%- set environment = "prod" -%}
{% include "env/outputs.tf" %}