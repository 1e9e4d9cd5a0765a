{#
    A 64-bit hash of one or more columns, to group by instead of the columns themselves where
    there are hundreds of millions of groups: DuckDB 2.0 could not group 414M (text stack_id,
    timestamp) keys within a 2 or 3 GB memory limit and ran out of memory, while the same
    grouping on an 8-byte hash spilled and finished (DECISIONLOG D30). Equal keys always have
    equal hashes; callers never trust a hash alone: they map it back to the key through a small
    table whose hashes are tested unique, or compare the real keys of the few candidates.
#}
{% macro compact_key(columns) -%}
    {{ return(adapter.dispatch('compact_key', 'grafana_cloud_costs')(columns)) }}
{%- endmacro %}

{% macro duckdb__compact_key(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__compact_key(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
