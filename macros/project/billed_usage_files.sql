{#
    The billed-usage files (the source grafana_cloud_billed_usage.billed_usage): Grafana Cloud API
    billed-usage responses (GET /api/orgs/<org>/billed-usage?month=M&year=Y), stored exactly as
    returned, one JSON file per organization and month under <folder>/<org_slug>/ (the folder
    names the organization, as the response does not).

    One row per file: file_path, org_slug (the folder's name) and content (the body, as text).
    Only the listing and reading of the files differs between engines; the models
    base_grafana_cloud__billed_usage_items, stg_grafana_cloud__billed_usage and
    stg_grafana_cloud__billed_usage_stacks parse the bodies in SQL (DECISIONLOG D56).

    source() is called so that dbt records the dependency: the docs show the lineage from the
    files in every mode. With no file at all, an empty relation with the same columns comes back
    (reconciliation is optional) and the log says where it looked.
#}
{% macro read_billed_usage_files() -%}
    {%- set billed_usage_source = source('grafana_cloud_billed_usage', 'billed_usage') -%}
    {%- set root = grafana_cloud_costs.grafana_cloud_billed_usage_path() -%}
    {{- return(adapter.dispatch('read_billed_usage_files', 'grafana_cloud_costs')(root)) -}}
{%- endmacro %}


{% macro default__read_billed_usage_files(root) -%}
    {{ exceptions.raise_compiler_error(
        "Reading billed-usage JSON is not implemented for the " ~ target.type ~ " adapter."
    ) }}
{%- endmacro %}


{% macro duckdb__read_billed_usage_files(root) -%}
    {%- set pattern = root.rstrip('/') ~ '/*/*.json' -%}
    {%- set file_count = 0 -%}
    {%- if execute -%}
        {%- set file_count = run_query(
            'select count(*) from glob(' ~ grafana_cloud_costs.sql_string(pattern) ~ ')'
        ).columns[0].values()[0] -%}
        {%- if file_count == 0 -%}
            {%- do grafana_cloud_costs.log_no_billed_usage(pattern) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set text = grafana_cloud_costs.type_text() -%}
    {%- if file_count == 0 -%}
        {{- return(
            '(select cast(null as ' ~ text ~ ') as file_path, cast(null as ' ~ text ~ ') as org_slug,'
            ~ ' cast(null as ' ~ text ~ ') as content where 1 = 0) as billed_usage_files'
        ) -}}
    {%- endif -%}
    {#- the organization is the name of the file's folder -#}
    {{- return(
        "(select filename as file_path, regexp_extract(filename, '([^/\\\\]+)[/\\\\][^/\\\\]+$', 1) as org_slug,"
        ~ ' content from read_text(' ~ grafana_cloud_costs.sql_string(pattern) ~ ')) as billed_usage_files'
    ) -}}
{%- endmacro %}


{#
    Spark: the files are listed by an external binaryFile table over the folder (a missing folder
    reads as no file, as DuckDB's glob does), kept to <folder>/<org_slug>/<file>.json like
    DuckDB's '*/*.json', each body decoded as UTF-8 text (DECISIONLOG D46).
#}
{% macro spark__read_billed_usage_files(root) -%}
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
    {%- if execute -%}
        {%- set file_count = run_query(
            'select count(*) from ' ~ files ~ ' where ' ~ in_an_org_folder
        ).columns[0].values()[0] -%}
        {%- if file_count == 0 -%}
            {%- do grafana_cloud_costs.log_no_billed_usage(location ~ '/*/*.json') -%}
        {%- endif -%}
    {%- endif -%}
    {{- return(
        "(select regexp_replace(path, '^file:', '') as file_path,"
        ~ " regexp_extract(path, '([^/]+)/[^/]+$', 1) as org_slug,"
        ~ " cast(decode(content, 'UTF-8') as string) as content"
        ~ ' from ' ~ files ~ ' where ' ~ in_an_org_folder ~ ') as billed_usage_files'
    ) -}}
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
