{#
    A primary key: the combination of `columns` is unique, and none of them is null except those
    listed in `nullable_columns` (e.g. stack_id on org-level charges), where null is a value
    like any other for uniqueness. Each failing row says which key and what is wrong.

    On a table loaded by replacing whole days (the incremental models), `day_column` and
    `loaded_at_column` limit the check to the days of the latest load: every row of every day
    that the latest load wrote, old rows of those days included. A key determines its day, so a
    key can only repeat within a day, and the days no load has touched since were checked when
    they were written. A full refresh writes every day in one load, so it checks the whole table;
    a daily load checks a few days instead of re-reading months (DECISIONLOG D34).
#}
{% test primary_key(model, columns, nullable_columns=[], day_column=none, loaded_at_column=none) %}

{%- set key_list = columns | join(', ') -%}

with

keys as (

    select {{ key_list }}
    from {{ model }}
    {%- if day_column and loaded_at_column %}
    -- distinct: a semi-join on every row of a full refresh ran out of memory at 414M rows
    where {{ day_column }} in (
        select distinct {{ day_column }} from {{ model }}
        where {{ loaded_at_column }} = (select max({{ loaded_at_column }}) from {{ model }})
    )
    {%- endif %}

),

repeated_hashes as (

    -- Equal keys have equal hashes, so a duplicated key is among the keys whose hash repeats.
    -- Grouping by the 8-byte hash first keeps the test within memory on a table of 400M rows,
    -- where grouping by (text, timestamp) keys was not (DECISIONLOG D30).
    select {{ grafana_cloud_costs.compact_key(columns) }} as key_hash
    from keys
    group by {{ grafana_cloud_costs.compact_key(columns) }}
    having count(*) > 1

),

duplicated as (

    -- the real keys of those few candidates: a hash collision alone is not a duplicate
    select
        {{ key_list }},
        'duplicate key (' || cast(count(*) as {{ grafana_cloud_costs.type_text() }}) || ' rows)' as problem
    from keys
    where {{ grafana_cloud_costs.compact_key(columns) }} in (select key_hash from repeated_hashes)
    group by {{ key_list }}
    having count(*) > 1

),

null_keys as (

    {%- set required = [] -%}
    {%- for column in columns if column not in nullable_columns -%}
        {%- do required.append(column) -%}
    {%- endfor %}
    {%- if required %}
    {%- for column in required %}
    select
        {{ key_list }},
        'null in key column {{ column }}' as problem
    from keys
    where {{ column }} is null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- else %}
    select {{ key_list }}, cast(null as {{ grafana_cloud_costs.type_text() }}) as problem
    from keys
    where 1 = 0
    {%- endif %}

)

select * from duplicated
union all
select * from null_keys

{% endtest %}
