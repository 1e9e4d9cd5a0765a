{#
    Returns the rows of the model that match `condition` (configure it with severity: warn), and logs
    each one described by `describe`, so that the warning in the build output says which rows,
    not only how many.
#}
{% test warn_with_details(model, condition, describe, summary, limit=20) %}

{%- if execute and flags.WHICH in ['build', 'test', 'retry'] -%}
    {%- set found = run_query(
        'select ' ~ describe ~ ' as detail from ' ~ model ~ ' where ' ~ condition ~ ' order by 1'
    ) -%}
    {%- if found.rows | length > 0 -%}
        {%- do log(summary ~ ' (' ~ found.rows | length ~ '):', info=true) -%}
        {%- for row in found.rows[:limit] -%}
            {%- do log('  - ' ~ row[0], info=true) -%}
        {%- endfor -%}
        {%- if found.rows | length > limit -%}
            {%- do log('  ... and ' ~ (found.rows | length - limit) ~ ' more', info=true) -%}
        {%- endif -%}
    {%- endif -%}
{%- endif %}

select *
from {{ model }}
where {{ condition }}

{% endtest %}
