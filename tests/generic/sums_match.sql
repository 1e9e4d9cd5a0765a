{#
    For every group of `group_by`, the sum of `column` in this model equals the sum of
    `compare_column` in `compare_model` (exactly, or within `tolerance`). Groups present on only
    one side count as a mismatch. Used for "nothing lost between two models" invariants, such
    as stack allocations adding up to the organization's charge.
#}
{% test sums_match(model, column, compare_model, compare_column, group_by, tolerance=0) %}

{%- set keys = group_by | join(', ') -%}

with

this_side as (

    select {{ keys }}, sum({{ column }}) as this_total
    from {{ model }}
    group by {{ keys }}

),

other_side as (

    select {{ keys }}, sum({{ compare_column }}) as other_total
    from {{ compare_model }}
    group by {{ keys }}

),

compared as (

    select
        {%- for key in group_by %}
        coalesce(this_side.{{ key }}, other_side.{{ key }}) as {{ key }},
        {%- endfor %}
        coalesce(this_side.this_total, 0) as this_total,
        coalesce(other_side.other_total, 0) as other_total
    from this_side
    full outer join other_side
        on
        {%- for key in group_by %}
            (this_side.{{ key }} = other_side.{{ key }}
                or (this_side.{{ key }} is null and other_side.{{ key }} is null))
            {%- if not loop.last %} and{% endif %}
        {%- endfor %}

)

select *
from compared
where abs(this_total - other_total) > {{ tolerance }}

{% endtest %}
