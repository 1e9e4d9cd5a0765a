{#
    A primary key: the combination of `columns` is unique, and none of them is null except those
    listed in `nullable_columns` (e.g. stack_id on org-level charges), where null is a value
    like any other for uniqueness. Each failing row says which key and what is wrong.
#}
{% test primary_key(model, columns, nullable_columns=[]) %}

{%- set key_list = columns | join(', ') -%}

with

keys as (

    select {{ key_list }}
    from {{ model }}

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
