{#
    The fields of Grafana's billed-usage response that the staging models read, each once: its
    JSON path in the API's names and the column it becomes in the project's vocabulary. Read as
    text by json_text(); the staging models type them. As fivetran/dbt_stripe's get_fee_columns:
    one list per payload, so that a field is added or renamed in one place.
#}

{# The fields of an item of the response (one billed dimension): stg_grafana_cloud__billed_usage. #}
{% macro get_billed_usage_item_columns() -%}
    {{ return([
        {'path': '$.dimensionName', 'name': 'dimension_name'},
        {'path': '$.periodStart', 'name': 'period_start'},
        {'path': '$.periodEnd', 'name': 'period_end'},
        {'path': '$.unit', 'name': 'unit'},
        {'path': '$.description', 'name': 'description'},
        {'path': '$.includedUsage', 'name': 'included_usage'},
        {'path': '$.totalUsage', 'name': 'total_usage'},
        {'path': '$.overage', 'name': 'overage'},
        {'path': '$.amountDue', 'name': 'amount_due_usd'},
        {'path': '$.orgRates.includedDPM', 'name': 'included_dpm'},
    ]) }}
{%- endmacro %}


{#
    The fields of an element of an item's usages[] (one stack's share of the dimension):
    stg_grafana_cloud__billed_usage_stacks, which also reads the item's dimension_name and
    period_start from get_billed_usage_item_columns().
#}
{% macro get_billed_usage_stack_columns() -%}
    {{ return([
        {'path': '$.stackId', 'name': 'stack_id'},
        {'path': '$.stackName', 'name': 'stack_name'},
        {'path': '$.totalUsage', 'name': 'total_usage'},
    ]) }}
{%- endmacro %}
