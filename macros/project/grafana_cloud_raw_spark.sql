{#
    Spark's reader for an export folder (grafana_cloud_raw_path), the sibling of
    duckdb__read_raw_export in grafana_cloud_raw.sql: the same candidates (<path>/<table>.parquet,
    <path>/<table>.csv, a folder <path>/<table>/ of Parquet or of CSV files, searched recursively,
    or a folder <path>/<table>.parquet/ of part files as Spark writes it), the same messages for a
    missing table, a table in more than one form, or a missing column.

    Spark cannot pass reader options to an inline `parquet.`path`` query, so the export is read
    through external tables (re)created at run time in the model's schema:
    <model>__<table>__listing (binaryFile, file names only) finds the candidate, and
    <model>__<table> reads it: Parquet with mergeSchema (DuckDB's union_by_name), CSV with a
    header and every column as text (DuckDB's all_varchar). The files are never copied.
    Spark reads a CSV folder by the header of its files: they must share one column order.
#}
{% macro spark__read_raw_export(raw_path, table_name) -%}
    {%- if not execute -%}
        {{- return('(select 1 as parsing) as raw_export') -}}
    {%- endif -%}

    {%- set root = grafana_cloud_costs.spark_absolute_path(raw_path).rstrip('/') -%}
    {%- set table_path = raw_path.rstrip('/') ~ '/' ~ table_name -%}
    {%- set prefix = this.identifier ~ '__' ~ table_name -%}

    {#- Which candidate exists: one listing of the export folder, file names only. -#}
    {%- set listing = grafana_cloud_costs.spark_external_file_table(
        prefix ~ '__listing', root, 'binaryFile', {'recursiveFileLookup': 'true'}
    ) -%}
    {%- set base = grafana_cloud_costs.spark_table_location(listing).rstrip('/') ~ '/' ~ table_name -%}
    {%- set candidates = [
        {'location': root ~ '/' ~ table_name ~ '.parquet', 'format': 'parquet', 'folder': false,
         'match': 'path = ' ~ grafana_cloud_costs.sql_string(base ~ '.parquet')},
        {'location': root ~ '/' ~ table_name ~ '.csv', 'format': 'csv', 'folder': false,
         'match': 'path = ' ~ grafana_cloud_costs.sql_string(base ~ '.csv')},
        {'location': root ~ '/' ~ table_name, 'format': 'parquet', 'folder': true,
         'match': 'startswith(path, ' ~ grafana_cloud_costs.sql_string(base ~ '/') ~ ") and endswith(path, '.parquet')"},
        {'location': root ~ '/' ~ table_name, 'format': 'csv', 'folder': true,
         'match': 'startswith(path, ' ~ grafana_cloud_costs.sql_string(base ~ '/') ~ ") and endswith(path, '.csv')"},
        {'location': root ~ '/' ~ table_name ~ '.parquet', 'format': 'parquet', 'folder': true,
         'match': 'startswith(path, ' ~ grafana_cloud_costs.sql_string(base ~ '.parquet/') ~ ") and endswith(path, '.parquet')"},
        {'location': root ~ '/' ~ table_name ~ '.csv', 'format': 'csv', 'folder': true,
         'match': 'startswith(path, ' ~ grafana_cloud_costs.sql_string(base ~ '.csv/') ~ ") and endswith(path, '.csv')"},
    ] -%}
    {%- set shown = [
        table_path ~ '.parquet', table_path ~ '.csv', table_path ~ '/**/*.parquet', table_path ~ '/**/*.csv',
        table_path ~ '.parquet/**/*.parquet', table_path ~ '.csv/**/*.csv',
    ] -%}
    {%- set counts = [] -%}
    {%- for candidate in candidates -%}
        {%- do counts.append('sum(case when ' ~ candidate.match ~ ' then 1 else 0 end)') -%}
    {%- endfor -%}
    {%- set found = run_query('select ' ~ counts | join(', ') ~ ' from ' ~ listing).rows[0] -%}

    {%- set chosen = namespace(candidate=none) -%}
    {%- set forms = [] -%}
    {%- for candidate in candidates -%}
        {%- set files = found[loop.index0] or 0 -%}
        {%- if files > 0 -%}
            {%- set chosen.candidate = candidate -%}
            {%- do forms.append(shown[loop.index0] ~ ' (' ~ files ~ ' file' ~ ('s' if files > 1 else '') ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists ' ~ listing) -%}
    {%- do grafana_cloud_costs.check_one_form(table_name, raw_path, forms) -%}

    {%- if chosen.candidate is none -%}
        {{- return(grafana_cloud_costs.raw_table_not_found(table_name, raw_path, table_path)) -}}
    {%- endif -%}

    {%- set candidate = chosen.candidate -%}
    {%- if candidate.format == 'parquet' -%}
        {%- set options = {'mergeSchema': 'true'} -%}
    {%- else -%}
        {#- CSV columns are read as text; the base models cast and check them. RFC 4180 like
            DuckDB: a quote inside a quoted value is doubled (Spark's default escape is a
            backslash), and a quoted value may span lines. -#}
        {%- set options = {
            'header': 'true', 'enforceSchema': 'false', 'mode': 'PERMISSIVE',
            'escape': '"', 'multiLine': 'true',
        } -%}
    {%- endif -%}
    {%- if candidate.folder -%}
        {%- do options.update({'recursiveFileLookup': 'true', 'pathGlobFilter': '*.' ~ candidate.format}) -%}
    {%- endif -%}
    {%- set reader = grafana_cloud_costs.spark_external_file_table(prefix, candidate.location, candidate.format, options) -%}

    {%- set present = adapter.get_columns_in_relation(reader) | map(attribute='name') | list -%}
    {{- return(grafana_cloud_costs.raw_export_select(table_name, raw_path, reader, present)) -}}
{%- endmacro %}
