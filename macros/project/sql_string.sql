{#
    A value (a path, a slug) as a SQL string literal: single quotes are doubled, so a var with a
    quote or a space stays one literal and can never end the string and inject SQL.
#}
{% macro sql_string(value) -%}
    {{- return("'" ~ (value | string).replace("'", "''") ~ "'") -}}
{%- endmacro %}
