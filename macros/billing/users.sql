{# Active users of a group (an organization and month): each user counts once. #}
{% macro active_user_count(user_id) -%}
    count(distinct {{ user_id }})
{%- endmacro %}


{#
    The share of one user given to each of the `stack_count` stacks they were active on in the
    month: an equal split, so that a user's shares add up to one user. Twelve decimals: the
    shares are summed per stack before the allocation rounds the sums to micro-users, and shares
    rounded to six decimals each (0.333333) drifted a micro-user per three users (DECISIONLOG D50).
#}
{% macro equal_share(stack_count) -%}
    {{ grafana_cloud_costs.to_decimal('1.0 / ' ~ stack_count, 12) }}
{%- endmacro %}


{#
    The organization's quantity of a month-to-date meter counted by Grafana
    (grafana_cloud_usage_counts): its organization-level count when Grafana reports one (users are
    billed once per organization, so the stacks' counts may add up to more), otherwise the sum of
    its stacks' counts (k6 virtual user hours, or a user count reported per stack only).
#}
{% macro counted_org_quantity(org_level_quantity, stack_level_quantity_sum) -%}
    coalesce({{ org_level_quantity }}, {{ stack_level_quantity_sum }})
{%- endmacro %}
