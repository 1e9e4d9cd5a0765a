{#
    A value (a path, a slug) as a SQL string literal: single quotes are doubled (escaped with a
    backslash on Spark), so a var with a quote or a space stays one literal and can never end the
    string and inject SQL.
#}
{% macro sql_string(value) -%}
    {{- return(adapter.dispatch('sql_string', 'grafana_cloud_costs')(value)) -}}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    {{- return("'" ~ (value | string).replace("'", "''") ~ "'") -}}
{%- endmacro %}

{#
    Spark: a backslash escapes the next character inside a literal, and two adjacent literals are
    concatenated ('o''brien' would silently read "obrien"), so backslashes and quotes are escaped
    with a backslash instead of doubled.
#}
{% macro spark__sql_string(value) -%}
    {{- return("'" ~ (value | string).replace('\\', '\\\\').replace("'", "\\'") ~ "'") -}}
{%- endmacro %}


{#
    A var that must be a number, returned as one (so that it can be written into SQL as is). Any
    other value stops the build naming the var, instead of being spliced into a query.
#}
{% macro number_var(name) -%}
    {%- set value = var(name) -%}
    {%- if value is number and value is not boolean -%}
        {{- return(value) -}}
    {%- elif value is string and modules.re.fullmatch('-?[0-9]+(\\.[0-9]+)?', value.strip()) -%}
        {{- return(value.strip()) -}}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("The var " ~ name ~ " must be a number; got " ~ value ~ ".") }}
{%- endmacro %}
