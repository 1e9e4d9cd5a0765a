{#
    Grafana Cloud API billed-usage responses (GET /api/orgs/<org>/billed-usage?month=M&year=Y),
    stored exactly as returned, one JSON file per organization and month under
    <folder>/<org_slug>/ (the folder names the organization, as the response does not). The body
    is {"items": [...]} or a bare array of items.

    level='items':  one row per billed dimension of a file
    level='usages': one row per stack of a dimension (its usages[] array)

    With no file at all, an empty relation with the same columns comes back: reconciliation is
    optional.
#}
{% macro read_billed_usage(level) -%}
    {{ return(adapter.dispatch('read_billed_usage', 'grafana_cloud_costs')(level)) }}
{%- endmacro %}


{% macro default__read_billed_usage(level) -%}
    {{ exceptions.raise_compiler_error(
        "Reading billed-usage JSON is not implemented for the " ~ target.type ~ " adapter."
    ) }}
{%- endmacro %}


{% macro duckdb__read_billed_usage(level) -%}
    {%- set root = grafana_cloud_costs.grafana_cloud_billed_usage_path() -%}
    {%- set pattern = root.rstrip('/') ~ '/*/*.json' -%}
    {%- set file_count = 0 -%}
    {%- if execute -%}
        {%- set file_count = run_query(
            'select count(*) from glob(' ~ grafana_cloud_costs.sql_string(pattern) ~ ')'
        ).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if execute and file_count == 0 and level == 'items' -%}
        {%- do grafana_cloud_costs.log_no_billed_usage(pattern) -%}
    {%- endif -%}
    {%- set text = grafana_cloud_costs.type_text() -%}
    {%- set number = grafana_cloud_costs.type_decimal(6) -%}

    {%- if file_count == 0 %}
    (
        select
            cast(null as {{ text }}) as file_path,
            cast(null as {{ text }}) as org_slug,
            cast(null as {{ text }}) as dimension_name,
            cast(null as {{ text }}) as period_start,
        {%- if level == 'items' %}
            cast(null as {{ text }}) as period_end,
            cast(null as {{ text }}) as unit,
            cast(null as {{ text }}) as description,
            cast(null as {{ number }}) as included_usage,
            cast(null as {{ number }}) as total_usage,
            cast(null as {{ number }}) as overage,
            cast(null as {{ number }}) as amount_due,
            cast(null as {{ number }}) as included_dpm
        {%- else %}
            cast(null as {{ text }}) as stack_id,
            cast(null as {{ text }}) as stack_name,
            cast(null as {{ number }}) as total_usage
        {%- endif %}
        where 1 = 0
    ) as billed_usage
    {%- else %}
    (
        with files as (
            select
                filename as file_path,
                regexp_extract(filename, '([^/\\]+)[/\\][^/\\]+$', 1) as org_slug,
                content
            from read_text({{ grafana_cloud_costs.sql_string(pattern) }})
        ),
        items as (
            select
                file_path,
                org_slug,
                unnest(
                    case
                        when json_type(content) = 'ARRAY' then json_extract(content, '$[*]')
                        else json_extract(content, '$.items[*]')
                    end
                ) as item
            from files
        )
        {%- if level == 'items' %}
        select
            file_path,
            org_slug,
            item ->> 'dimensionName' as dimension_name,
            item ->> 'periodStart' as period_start,
            item ->> 'periodEnd' as period_end,
            item ->> 'unit' as unit,
            item ->> 'description' as description,
            cast(try_cast(item ->> 'includedUsage' as double) as {{ number }}) as included_usage,
            cast(try_cast(item ->> 'totalUsage' as double) as {{ number }}) as total_usage,
            cast(try_cast(item ->> 'overage' as double) as {{ number }}) as overage,
            cast(try_cast(item ->> 'amountDue' as double) as {{ number }}) as amount_due,
            cast(try_cast(item -> 'orgRates' ->> 'includedDPM' as double) as {{ number }}) as included_dpm
        from items
        {%- else %}
        , usages as (
            select
                file_path,
                org_slug,
                item ->> 'dimensionName' as dimension_name,
                item ->> 'periodStart' as period_start,
                unnest(coalesce(json_extract(item, '$.usages[*]'), [])) as stack_usage
            from items
        )
        select
            file_path,
            org_slug,
            dimension_name,
            period_start,
            stack_usage ->> 'stackId' as stack_id,
            stack_usage ->> 'stackName' as stack_name,
            cast(try_cast(stack_usage ->> 'totalUsage' as double) as {{ number }}) as total_usage
        from usages
        {%- endif %}
    ) as billed_usage
    {%- endif %}
{%- endmacro %}


{#
    Where the billed-usage files are: the var grafana_cloud_billed_usage_path, or by default the
    folder billed_usage/ beside the raw data: <grafana_cloud_raw_path>/billed_usage for an export
    folder, seeds/billed_usage for the sample seeds (so the sample invoice never meets real data).
#}
{% macro grafana_cloud_billed_usage_path() -%}
    {%- set configured = var('grafana_cloud_billed_usage_path', '') | string -%}
    {%- if configured -%}
        {%- do grafana_cloud_costs.check_no_glob_characters(configured, 'grafana_cloud_billed_usage_path') -%}
        {{- return(configured) -}}
    {%- endif -%}
    {%- set raw_path = var('grafana_cloud_raw_path', '') | string -%}
    {{- return(raw_path.rstrip('/') ~ '/billed_usage' if raw_path else 'seeds/billed_usage') -}}
{%- endmacro %}


{#
    Spark: the files are listed by an external binaryFile table over the folder (a missing folder
    reads as no file, as DuckDB's glob does), kept to <folder>/<org_slug>/<file>.json like
    DuckDB's '*/*.json', and each body is parsed with from_json / get_json_object. Numbers are
    read as text and cast like DuckDB's ->> and try_cast.
#}
{% macro spark__read_billed_usage(level) -%}
    {%- set root = grafana_cloud_costs.grafana_cloud_billed_usage_path() -%}
    {%- set number = grafana_cloud_costs.type_decimal(6) -%}
    {%- set files = api.Relation.create(schema=this.schema, identifier=this.identifier ~ '__files') -%}
    {%- set location = '' -%}
    {%- if execute -%}
        {%- set files = grafana_cloud_costs.spark_external_file_table(
            this.identifier ~ '__files',
            grafana_cloud_costs.spark_absolute_path(root),
            'binaryFile',
            {'pathGlobFilter': '*.json', 'recursiveFileLookup': 'true'}
        ) -%}
        {%- set location = grafana_cloud_costs.spark_table_location(files).rstrip('/') -%}
    {%- endif -%}
    {#- a file directly in an organization's folder: <location>/<org_slug>/<file>.json -#}
    {%- set in_an_org_folder = "regexp_extract(path, '^(.*)/[^/]+/[^/]+$', 1) = "
        ~ grafana_cloud_costs.sql_string(location) -%}
    {%- if execute and level == 'items' -%}
        {%- set file_count = run_query(
            'select count(*) from ' ~ files ~ ' where ' ~ in_an_org_folder
        ).columns[0].values()[0] -%}
        {%- if file_count == 0 -%}
            {%- do grafana_cloud_costs.log_no_billed_usage(location ~ '/*/*.json') -%}
        {%- endif -%}
    {%- endif %}
    (
        with files as (
            select
                regexp_replace(path, '^file:', '') as file_path,
                regexp_extract(path, '([^/]+)/[^/]+$', 1) as org_slug,
                cast(decode(content, 'UTF-8') as string) as content
            from {{ files }}
            where {{ in_an_org_folder }}
        ),
        items as (
            select
                file_path,
                org_slug,
                explode(
                    case
                        when content rlike '^\\s*\\[' then from_json(content, 'array<string>')
                        else from_json(content, 'struct<items:array<string>>').items
                    end
                ) as item
            from files
        )
        {%- if level == 'items' %}
        select
            file_path,
            org_slug,
            get_json_object(item, '$.dimensionName') as dimension_name,
            get_json_object(item, '$.periodStart') as period_start,
            get_json_object(item, '$.periodEnd') as period_end,
            get_json_object(item, '$.unit') as unit,
            get_json_object(item, '$.description') as description,
            cast(try_cast(get_json_object(item, '$.includedUsage') as double) as {{ number }}) as included_usage,
            cast(try_cast(get_json_object(item, '$.totalUsage') as double) as {{ number }}) as total_usage,
            cast(try_cast(get_json_object(item, '$.overage') as double) as {{ number }}) as overage,
            cast(try_cast(get_json_object(item, '$.amountDue') as double) as {{ number }}) as amount_due,
            cast(try_cast(get_json_object(item, '$.orgRates.includedDPM') as double) as {{ number }}) as included_dpm
        from items
        {%- else %}
        , usages as (
            select
                file_path,
                org_slug,
                get_json_object(item, '$.dimensionName') as dimension_name,
                get_json_object(item, '$.periodStart') as period_start,
                explode(
                    coalesce(from_json(get_json_object(item, '$.usages'), 'array<string>'), cast(array() as array<string>))
                ) as stack_usage
            from items
        )
        select
            file_path,
            org_slug,
            dimension_name,
            period_start,
            get_json_object(stack_usage, '$.stackId') as stack_id,
            get_json_object(stack_usage, '$.stackName') as stack_name,
            cast(try_cast(get_json_object(stack_usage, '$.totalUsage') as double) as {{ number }}) as total_usage
        from usages
        {%- endif %}
    ) as billed_usage
{%- endmacro %}


{#
    Reconciliation is optional, so finding no invoice is not an error; but it is said, with the
    place looked in, so that a mistyped folder (or, on a Spark Thrift Server, a relative path
    resolved on the server) does not pass for "no invoice".
#}
{% macro log_no_billed_usage(looked_for) -%}
    {%- do log(
        "grafana_cloud_costs: no billed-usage file found (looked for " ~ looked_for ~ "): the invoice"
        ~ " reconciliation marts will be empty. To reconcile, set grafana_cloud_billed_usage_path to the"
        ~ " folder of Cloud API billed-usage responses, <folder>/<org_slug>/<YYYY-MM>.json"
        ~ " (README 'Reconcile with Grafana's invoice').",
        info=true
    ) -%}
{%- endmacro %}
