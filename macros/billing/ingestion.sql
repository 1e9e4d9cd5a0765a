{#
    Gigabytes from bytes. Whether Grafana's GB is 10^9 or 2^30 bytes is not documented: the var
    grafana_cloud_bytes_per_gb decides (default 10^9; 1073741824 for GiB). Six decimals.
#}
{% macro bytes_to_gb(bytes) -%}
    {{ grafana_cloud_costs.to_decimal('round((' ~ bytes ~ ') / ' ~ grafana_cloud_costs.number_var('grafana_cloud_bytes_per_gb') ~ ', 6)', 6) }}
{%- endmacro %}
