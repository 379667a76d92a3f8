{%- set environment = "dev" -%}
{% include "env/outputs.tf" %}