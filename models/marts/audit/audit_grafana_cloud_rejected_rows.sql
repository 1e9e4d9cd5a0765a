-- noqa: disable=LT02
-- (the CTEs come from a Jinja loop over the raw tables; sqlfluff cannot indent templated loops)
-- The quarantine: every raw row that cannot be billed, with the reason, the column, its key and
-- the row as it arrived. Nothing here reaches a cost; a test fails the build when it holds more
-- raw rows than the var grafana_cloud_max_rejected_rows (default 0).
{%- set tables = grafana_cloud_raw_tables() %}

with

{% for table in tables %}
{{ table.entity }} as (

    -- identical rejected raw rows are listed once, with their count
    select
        '{{ table.name }}' as source_table,
        rejection_reason as reason,
        rejected_column as column_name,
        {{ 'org_slug' if 'org_slug' in table['keys'] else 'cast(null as ' ~ type_text() ~ ')' }} as org_slug,
        {{ 'stack_id' if 'stack_id' in table['keys'] else 'cast(null as ' ~ type_text() ~ ')' }} as stack_id,
        {{ raw_row_text(table['keys']) }} as row_key,
        raw_row,
        count(*) as raw_row_count
    from {{ ref('base_grafana_cloud__' ~ table.entity) }}
    where rejection_reason is not null
    -- by position: the select list is templated per raw table
    group by 1, 2, 3, 4, 5, 6, 7  -- noqa: AM06

),

{% endfor %}
unioned as (

    {% for table in tables -%}
    select * from {{ table.entity }}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

)

select
    source_table,
    reason,
    column_name,
    org_slug,
    stack_id,
    row_key,
    raw_row,
    raw_row_count,
    {{ grafana_cloud_run_started_at() }} as detected_at
from unioned
