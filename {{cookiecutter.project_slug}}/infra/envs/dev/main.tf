{%- set environment = "dev" -%}
{% include "env/main.tf" %}