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

duplicated as (

    select
        {{ key_list }},
        'duplicate key (' || cast(count(*) as {{ grafana_cloud_costs.type_text() }}) || ' rows)' as problem
    from keys
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
