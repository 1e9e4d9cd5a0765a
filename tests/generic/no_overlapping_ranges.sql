{#
    Within each group of `partition_by`, the half-open ranges [lower, upper) do not overlap
    (a null upper bound means open-ended). Used on the price book: one price per SKU, plan and day.
#}
{% test no_overlapping_ranges(model, partition_by, lower_bound_column, upper_bound_column) %}

{%- set partition = partition_by | join(', ') -%}

with

ranges as (

    select
        {{ partition }},
        {{ lower_bound_column }} as range_start,
        {{ upper_bound_column }} as range_end,
        lead({{ lower_bound_column }}) over (
            partition by {{ partition }}
            order by {{ lower_bound_column }}
        ) as next_range_start
    from {{ model }}

)

select *
from ranges
where
    next_range_start is not null
    and (range_end is null or range_end > next_range_start)

{% endtest %}
