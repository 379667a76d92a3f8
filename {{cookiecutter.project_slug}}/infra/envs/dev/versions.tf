{%- set environment = "dev" -%}
{% include "env/versions.tf" %}