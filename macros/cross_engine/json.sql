{#
    JSON, as the staging models of the billed-usage response read it. The models stay
    engine-neutral; only these differ: DuckDB's json extension, Spark's get_json_object / from_json.
    JSON values are handled as text (Spark) or DuckDB's JSON type, arrays as arrays of them.
#}


{# The text of the value at a JSONPath ('$.a.b'); null when absent (a number as its text). #}
{% macro json_text(json, path) -%}
    {{ return(adapter.dispatch('json_text', 'grafana_cloud_costs')(json, path)) }}
{%- endmacro %}

{% macro default__json_text(json, path) -%}
    json_extract_string({{ json }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(json, path) -%}
    get_json_object({{ json }}, '{{ path }}')
{%- endmacro %}


{# Whether a JSON document is an array (the bare-array form of the billed-usage response). #}
{% macro json_is_array(json) -%}
    {{ return(adapter.dispatch('json_is_array', 'grafana_cloud_costs')(json)) }}
{%- endmacro %}

{% macro default__json_is_array(json) -%}
    json_type({{ json }}) = 'ARRAY'
{%- endmacro %}

{% macro spark__json_is_array(json) -%}
    {{ json }} rlike '^\\s*\\['
{%- endmacro %}


{# The elements of the JSON array at a JSONPath ('$' for the document itself), as an array; null or empty when absent. #}
{% macro json_array_elements(json, path) -%}
    {{ return(adapter.dispatch('json_array_elements', 'grafana_cloud_costs')(json, path)) }}
{%- endmacro %}

{% macro default__json_array_elements(json, path) -%}
    json_extract({{ json }}, '{{ path }}[*]')
{%- endmacro %}

{% macro spark__json_array_elements(json, path) -%}
    from_json({{ 'get_json_object(' ~ json ~ ", '" ~ path ~ "')" if path != '$' else json }}, 'array<string>')
{%- endmacro %}


{# One row per element of an array (in a select list); no row for a null or empty array. #}
{% macro unnest_array(array) -%}
    {{ return(adapter.dispatch('unnest_array', 'grafana_cloud_costs')(array)) }}
{%- endmacro %}

{% macro default__unnest_array(array) -%}
    unnest({{ array }})
{%- endmacro %}

{% macro spark__unnest_array(array) -%}
    explode({{ array }})
{%- endmacro %}
