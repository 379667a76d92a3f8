{%- set environment = "prod" -%}
{% include "env/main.tf" %}