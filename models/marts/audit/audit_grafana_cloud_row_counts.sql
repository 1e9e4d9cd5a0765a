-- noqa: disable=LT02
-- (the CTEs come from a Jinja loop over the raw tables; sqlfluff cannot indent templated loops)
-- Where every raw row went, per raw table: staged (usable, at the table's grain), quarantined
-- (rejected with a reason), or collapsed into a staged row (an exact duplicate, or a reading
-- merged with a different one for the same key). A test checks that
-- raw = staged + quarantined + collapsed, counting each term from a different model (the raw
-- files, stg_* and the quarantine), so a row lost by a filter or a join shows up.
{%- set tables = grafana_cloud_raw_tables() %}

with

{% for table in tables %}
{{ table.entity }}_raw as (

    select count(*) as raw_row_count
    from {{ grafana_cloud_raw(table.name) }}

),

{{ table.entity }}_staged as (

    select
        count(*) as staged_row_count,
        coalesce(sum(case when not has_conflicting_readings then raw_row_count - 1 else 0 end), 0)
            as exact_duplicate_row_count,
        coalesce(sum(case when has_conflicting_readings then raw_row_count - 1 else 0 end), 0)
            as merged_row_count,
        coalesce(sum(case when has_conflicting_readings then 1 else 0 end), 0) as conflicting_key_count
    from {{ ref('stg_grafana_cloud__' ~ table.entity) }}

),

{{ table.entity }}_quarantined as (

    select coalesce(sum(raw_row_count), 0) as quarantined_row_count
    from {{ ref('audit_grafana_cloud_rejected_rows') }}
    where source_table = '{{ table.name }}'

),

{% endfor %}
unioned as (

    {% for table in tables -%}
    select
        '{{ table.name }}' as source_table,
        {{ table.entity }}_raw.raw_row_count,
        {{ table.entity }}_staged.staged_row_count,
        {{ table.entity }}_quarantined.quarantined_row_count,
        {{ table.entity }}_staged.exact_duplicate_row_count + {{ table.entity }}_staged.merged_row_count
            as collapsed_duplicate_row_count,
        {{ table.entity }}_staged.exact_duplicate_row_count,
        {{ table.entity }}_staged.merged_row_count,
        {{ table.entity }}_staged.conflicting_key_count
    from {{ table.entity }}_raw
    cross join {{ table.entity }}_staged
    cross join {{ table.entity }}_quarantined
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

)

select
    source_table,
    cast(raw_row_count as bigint) as raw_row_count,
    cast(staged_row_count as bigint) as staged_row_count,
    cast(quarantined_row_count as bigint) as quarantined_row_count,
    cast(collapsed_duplicate_row_count as bigint) as collapsed_duplicate_row_count,
    cast(exact_duplicate_row_count as bigint) as exact_duplicate_row_count,
    cast(merged_row_count as bigint) as merged_row_count,
    cast(conflicting_key_count as bigint) as conflicting_key_count
from unioned
