{#
    Splits org-level totals over the rows of each partition in proportion to a weight, so that the
    parts are exact multiples of 10^-scale (cents for scale 2) and add up exactly to the total.

    Method (largest remainder, Hamilton): each row first gets floor(total * weight / sum of
    weights) units; the units still missing go one each to the rows with the largest remainders,
    ties broken by `order_by`. Everything is integer arithmetic, so the result is the same on
    every engine. When all weights of a partition are zero the total is split equally.

    relation:     a CTE or relation holding one row per part
    partition_by: list of columns identifying the whole (e.g. billing_month, org_slug, sku)
    order_by:     column(s) that break ties deterministically (e.g. stack_id)
    weight:       a non-negative numeric column; it is scaled to whole micro-units first
    allocations:  list of {"total": <column with the whole's amount>, "scale": <decimals>,
                  "output": <name of the allocated column>}; totals must be non-negative

    Returns a select with every column of `relation` plus one column per allocation (and helper
    columns prefixed with _alloc_, which callers do not select).
#}
{% macro allocate_proportionally(relation, partition_by, order_by, weight, allocations) -%}
{%- set partition = partition_by | join(', ') -%}
select
    *,
    {%- for allocation in allocations %}
    {%- set i = loop.index %}
    cast(
        _alloc_floor_{{ i }}
        + case
            when row_number() over (
                partition by {{ partition }}
                order by _alloc_remainder_{{ i }} desc, {{ order_by }}
            ) <= _alloc_units_{{ i }} - sum(_alloc_floor_{{ i }}) over (partition by {{ partition }})
                then 1
            else 0
        end
        as {{ grafana_cloud_costs.type_decimal(0) }}
    ) * {{ grafana_cloud_costs.to_decimal(grafana_cloud_costs.unit_fraction(allocation.scale), allocation.scale, allocation.scale + 1) }}
        as {{ allocation.output }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
from (
    select
        *,
        {%- for allocation in allocations %}
        {%- set i = loop.index %}
        {{ grafana_cloud_costs.floor_divide('_alloc_units_' ~ i ~ ' * _alloc_weight', '_alloc_weight_total') }}
            as _alloc_floor_{{ i }},
        {{ grafana_cloud_costs.remainder('_alloc_units_' ~ i ~ ' * _alloc_weight', '_alloc_weight_total') }}
            as _alloc_remainder_{{ i }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from (
        select
            *,
            case
                when sum(_alloc_raw_weight) over (partition by {{ partition }}) = 0 then 1
                else _alloc_raw_weight
            end as _alloc_weight,
            case
                when sum(_alloc_raw_weight) over (partition by {{ partition }}) = 0
                    then count(*) over (partition by {{ partition }})
                else sum(_alloc_raw_weight) over (partition by {{ partition }})
            end as _alloc_weight_total
        from (
            select
                *,
                cast(round({{ weight }} * 1000000, 0) as {{ grafana_cloud_costs.type_wide_integer() }})
                    as _alloc_raw_weight,
                {%- for allocation in allocations %}
                cast(round({{ allocation.total }} * 1{{ '0' * allocation.scale }}, 0) as {{ grafana_cloud_costs.type_wide_integer() }})
                    as _alloc_units_{{ loop.index }}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ relation }}
        ) as _alloc_scaled
    ) as _alloc_weighted
) as _alloc_floored
{%- endmacro %}


{# The literal 10^-scale as text ("0.01" for 2), so that no float ever reaches the SQL. #}
{% macro unit_fraction(scale) -%}
    {%- if scale == 0 -%}1{%- else -%}0.{{ '0' * (scale - 1) }}1{%- endif -%}
{%- endmacro %}
