{# Active users of a group (an organization and month): each user counts once. #}
{% macro active_user_count(user_id) -%}
    count(distinct {{ user_id }})
{%- endmacro %}


{#
    The share of one user given to each of the `stack_count` stacks they were active on in the
    month: an equal split, so that a user's shares add up to one user.
#}
{% macro equal_share(stack_count) -%}
    {{ grafana_cloud_costs.to_decimal('1.0 / ' ~ stack_count, 6) }}
{%- endmacro %}
