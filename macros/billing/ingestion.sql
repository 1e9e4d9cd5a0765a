{#
    Gigabytes from bytes. Whether Grafana's GB is 10^9 or 2^30 bytes is not documented: the var
    grafana_cloud_bytes_per_gb decides (default 10^9; 1073741824 for GiB). Rounded half up, in
    whole-number arithmetic, to six decimals by default; an organization's total is converted from
    its summed bytes with nine (DECISIONLOG D50): exact for 10^9 bytes, and no whole number of bytes
    lies within half a nano-GiB of a half GiB, so rounding it to whole GB later gives the same
    result as rounding the exact quotient.
#}
{% macro bytes_to_gb(bytes, scale=6) -%}
    {{ grafana_cloud_costs.round_divide(bytes, grafana_cloud_costs.number_var('grafana_cloud_bytes_per_gb'), scale) }}
{%- endmacro %}
