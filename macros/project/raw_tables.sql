{#
    The raw tables of the contract with their natural keys: the base models' grain after checks,
    and what the quarantine shows to identify a rejected row.
#}
{% macro grafana_cloud_raw_tables() -%}
    {{ return([
        {'name': 'grafana_cloud_organizations', 'entity': 'organizations', 'keys': ['org_slug']},
        {'name': 'grafana_cloud_stacks', 'entity': 'stacks', 'keys': ['stack_id']},
        {'name': 'grafana_cloud_metrics_usage', 'entity': 'metrics_usage', 'keys': ['stack_id', 'sampled_at']},
        {'name': 'grafana_cloud_ingestion_usage', 'entity': 'ingestion_usage', 'keys': ['stack_id', 'signal', 'usage_start']},
        {'name': 'grafana_cloud_user_activity', 'entity': 'user_activity', 'keys': ['stack_id', 'user_id', 'activity_at', 'activity_type']},
        {'name': 'grafana_cloud_enterprise_plugins', 'entity': 'enterprise_plugins', 'keys': ['stack_id', 'plugin_id', 'installed_at']},
        {'name': 'grafana_cloud_k6_test_runs', 'entity': 'k6_test_runs', 'keys': ['stack_id', 'test_run_id']},
        {'name': 'grafana_cloud_usage_counts', 'entity': 'usage_counts', 'keys': ['org_slug', 'stack_id', 'billing_month', 'meter', 'observed_at']},
    ]) }}
{%- endmacro %}
