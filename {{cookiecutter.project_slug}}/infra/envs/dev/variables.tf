{%- set environment = "dev" -%}
{% include "env/variables.tf" %}