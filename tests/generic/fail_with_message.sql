{#
    Fails the build, with a message a person can act on, when more than `max_rows` rows of the
    model match `condition`. The message names each problem (the text of `describe` per group) with
    its row count, then `hint`. Within the limit, the test passes and the rows stay visible in the
    model. `row_count` is what is counted per row (e.g. raw_row_count for collapsed raw rows).
#}
{% test fail_with_message(model, condition, describe, summary, hint, max_rows=0, row_count='1') %}

{%- if execute and flags.WHICH in ['build', 'test', 'retry'] -%}
    {%- set problems = run_query(
        'select ' ~ describe ~ ' as problem, sum(' ~ row_count ~ ') as row_count from ' ~ model
        ~ ' where ' ~ condition ~ ' group by 1 order by 1'
    ) -%}
    {%- set total = problems.columns[1].values() | map('int') | sum -%}
    {%- if total > max_rows | int -%}
        {%- set lines = [] -%}
        {%- for problem in problems.rows -%}
            {%- do lines.append('  - ' ~ problem[0] ~ ': ' ~ problem[1] ~ (' row' if problem[1] == 1 else ' rows')) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            summary | replace('{total}', total | string) | replace('{max_rows}', max_rows | string)
            ~ '\n' ~ lines | join('\n') ~ '\n' ~ hint | replace('{total}', total | string)
        ) }}
    {%- endif -%}
{%- endif %}

select *
from {{ model }}
where ({{ condition }}) and 1 = 0

{% endtest %}
