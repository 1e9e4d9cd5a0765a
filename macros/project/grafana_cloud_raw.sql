{#
    The one door through which the base models read a raw table, by its public name (a table of
    the source grafana_cloud, e.g. grafana_cloud_metrics_usage). It always calls source(), so that
    dbt records the dependency (the docs show the lineage from the raw table in every mode) and a
    unit test can give the source's rows; what it returns depends on the mode:

    - By default, the source's relation: the sample month, loaded by `dbt seed` from seeds/sample
      into the schema raw (the sample seeds are enabled only when no export folder is given).
    - With the var grafana_cloud_raw_path set, the user's export folder read in place instead
      (no copy through dbt seed): <path>/<table>.parquet, <path>/<table>.csv, a folder
      <path>/<table>/ of Parquet or CSV files (one per day, say), or a folder <path>/<table>.parquet/
      of part files as Spark writes one. A missing table or column, a table in more than one of
      these forms, or a path with a glob character stops the build with a message naming what is
      wrong and where it was looked for. The columns and their types are the source's.
#}
{% macro grafana_cloud_raw(table_name) -%}
    {%- set raw_relation = source('grafana_cloud', table_name) -%}
    {%- set raw_path = var('grafana_cloud_raw_path', '') -%}
    {#- The sample seed is the source's table: the ref (the seed is enabled only in this mode)
        makes `dbt build` load it before a model reads it. -#}
    {%- if not raw_path -%}
        {%- do ref(table_name) -%}
    {%- endif -%}
    {%- if not grafana_cloud_costs.grafana_cloud_product_enabled(table_name) -%}
        {{- return(grafana_cloud_costs.grafana_cloud_empty_raw(table_name)) -}}
    {%- endif -%}
    {#- A unit test feeds its own rows for the source, whatever the raw tables are read from. -#}
    {%- if not raw_path or (model is defined and model.resource_type == 'unit_test') -%}
        {{- return(raw_relation) -}}
    {%- endif -%}
    {%- do grafana_cloud_costs.check_no_glob_characters(raw_path, 'grafana_cloud_raw_path') -%}
    {{- return(adapter.dispatch('read_raw_export', 'grafana_cloud_costs')(raw_path, table_name)) -}}
{%- endmacro %}


{#
    The readers find files with glob patterns built from the path, where [ ] * ? { } are wildcards:
    a folder named "export [2024-09]" would match nothing, or other folders. Fail instead.
#}
{% macro check_no_glob_characters(path, var_name) -%}
    {%- set special = [] -%}
    {%- for character in '[]*?{}' if character in path -%}
        {%- do special.append(character) -%}
    {%- endfor -%}
    {%- if special -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ var_name ~ " '" ~ path ~ "' contains " ~ special | join(' ') ~ ", which the file"
            ~ " readers take as wildcards. Rename the folder (or link it from a path without them) and"
            ~ " build again."
        ) }}
    {%- endif -%}
{%- endmacro %}


{#
    Both engines' readers: a table found in more than one form (each described as "<pattern> (N
    files)") stops the build, since reading one form would silently ignore the others.
#}
{% macro check_one_form(table_name, raw_path, forms) -%}
    {%- if forms | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ table_name ~ "' is under grafana_cloud_raw_path '" ~ raw_path
            ~ "' in more than one form: " ~ forms | join(', ') ~ ". Reading one would ignore the"
            ~ " others; keep one form (all .parquet or all .csv, one file or one folder) and build again."
        ) }}
    {%- endif -%}
{%- endmacro %}


{#
    Feature flags, one per optional product: a product switched off (e.g. --vars
    '{grafana_cloud_using_k6: false}') is read as an empty table, and its raw table may be absent
    from the export folder. Organizations and stacks are always needed.
#}
{% macro grafana_cloud_product_enabled(table_name) -%}
    {%- set flags = {
        'grafana_cloud_metrics_usage': 'grafana_cloud_using_metrics',
        'grafana_cloud_ingestion_usage': 'grafana_cloud_using_ingestion',
        'grafana_cloud_user_activity': 'grafana_cloud_using_user_activity',
        'grafana_cloud_enterprise_plugins': 'grafana_cloud_using_enterprise_plugins',
        'grafana_cloud_k6_test_runs': 'grafana_cloud_using_k6',
    } -%}
    {%- if table_name not in flags -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set enabled = var(flags[table_name], true) -%}
    {{- return(enabled not in [false, 'false', 'False', 0, '0']) -}}
{%- endmacro %}


{# An empty relation with a raw table's contract columns and types. #}
{% macro grafana_cloud_empty_raw(table_name) -%}
    {%- if not execute -%}
        {{- return('(select 1 as parsing) as raw_export') -}}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column, data_type in grafana_cloud_costs.grafana_cloud_raw_columns(table_name).items() -%}
        {%- do columns.append('cast(null as ' ~ data_type ~ ') as ' ~ column) -%}
    {%- endfor -%}
    {{- return('(select ' ~ columns | join(', ') ~ ' where 1 = 0) as raw_export') -}}
{%- endmacro %}


{# A raw table's definition in the source grafana_cloud (models/staging/grafana_cloud/_grafana_cloud__sources.yml). #}
{% macro grafana_cloud_raw_source(table_name) -%}
    {%- set node = graph.sources.get('source.grafana_cloud_costs.grafana_cloud.' ~ table_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error(
            "grafana_cloud_raw: '" ~ table_name ~ "' is not a raw table of the contract (the source"
            ~ " grafana_cloud, models/staging/grafana_cloud/_grafana_cloud__sources.yml)."
        ) }}
    {%- endif -%}
    {{- return(node) -}}
{%- endmacro %}


{# A raw table's meta (config.meta of its source table): optional_columns, optional_table. #}
{% macro grafana_cloud_raw_meta(table_name) -%}
    {%- set node = grafana_cloud_costs.grafana_cloud_raw_source(table_name) -%}
    {%- set meta = {} -%}
    {%- do meta.update(node.meta or {}) -%}
    {%- do meta.update((node.config or {}).get('meta') or {}) -%}
    {{- return(meta) -}}
{%- endmacro %}


{# The columns of a raw table and their types, in the contract's order, from the source's data_type. #}
{% macro grafana_cloud_raw_columns(table_name) -%}
    {%- set node = grafana_cloud_costs.grafana_cloud_raw_source(table_name) -%}
    {%- set columns = {} -%}
    {%- for column in node.columns.values() -%}
        {%- do columns.update({column.name: column.data_type}) -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}


{#
    A raw table's optional columns (meta.optional_columns of its source table): an export without
    them still builds, with them empty. Newer exports carry them (grafana-cloud-costs extract).
#}
{% macro grafana_cloud_raw_optional_columns(table_name) -%}
    {{- return(grafana_cloud_costs.grafana_cloud_raw_meta(table_name).get('optional_columns') or []) -}}
{%- endmacro %}


{#
    Both engines' readers, once the table's files are found and read by `reader` with the columns
    `present`: the select of the contract's columns, an optional column that is absent read as
    null; a required column that is absent stops the build, naming it.
#}
{% macro raw_export_select(table_name, raw_path, reader, present) -%}
    {%- set columns = grafana_cloud_costs.grafana_cloud_raw_columns(table_name) -%}
    {%- set optional = grafana_cloud_costs.grafana_cloud_raw_optional_columns(table_name) -%}
    {%- set present = present | map('lower') | list -%}
    {%- set missing = [] -%}
    {%- set selected = [] -%}
    {%- for column in columns.keys() -%}
        {%- if column | lower in present -%}
            {%- do selected.append(column) -%}
        {%- elif column in optional -%}
            {%- do selected.append('cast(null as ' ~ grafana_cloud_costs.type_text() ~ ') as ' ~ column) -%}
        {%- else -%}
            {%- do missing.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ table_name ~ "' under '" ~ raw_path ~ "' lacks column(s) " ~ missing | join(', ')
            ~ " (found: " ~ present | join(', ') ~ "; the contract is " ~ columns.keys() | join(', ')
            ~ ", of which " ~ (optional | join(', ') if optional else 'none') ~ " may be absent;"
            ~ " see README 'Input contract')."
        ) }}
    {%- endif -%}
    {{- return('(select ' ~ selected | join(', ') ~ ' from ' ~ reader ~ ') as raw_export') -}}
{%- endmacro %}


{#
    Both engines' readers, when no file of a table is found: a table added to the contract after
    exports were first written (meta.optional_table of its source table) is read as empty, and
    the log says so; any other table stops the build, naming where it was looked for.
#}
{% macro raw_table_not_found(table_name, raw_path, table_path) -%}
    {%- if grafana_cloud_costs.grafana_cloud_raw_meta(table_name).get('optional_table') -%}
        {%- do log(
            "Raw table '" ~ table_name ~ "' is not under grafana_cloud_raw_path '" ~ raw_path
            ~ "' (looked for " ~ table_path ~ ".parquet, .csv or a folder): read as empty.", info=true
        ) -%}
        {{- return(grafana_cloud_costs.grafana_cloud_empty_raw(table_name)) -}}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "Raw table '" ~ table_name ~ "' was not found under grafana_cloud_raw_path '" ~ raw_path
        ~ "': looked for " ~ table_path ~ ".parquet, " ~ table_path ~ ".csv and a folder "
        ~ table_path ~ "/ of .parquet or .csv files. Export the table there"
        ~ " (README: 'Load your own export')."
    ) }}
{%- endmacro %}


{% macro default__read_raw_export(raw_path, table_name) -%}
    {{ exceptions.raise_compiler_error(
        "grafana_cloud_raw_path is not supported on the " ~ target.type ~ " adapter: load the raw tables as seeds or tables instead."
    ) }}
{%- endmacro %}


{% macro duckdb__read_raw_export(raw_path, table_name) -%}
    {#- At parse time nothing runs; the relation is resolved when the model executes. -#}
    {%- if not execute -%}
        {{- return('(select 1 as parsing) as raw_export') -}}
    {%- endif -%}

    {%- set table_path = raw_path.rstrip('/') ~ '/' ~ table_name -%}
    {#- CSV columns are read as text (the base models cast and check them), in the CSV standard's
        dialect: a sniffed dialect turned a file with one malformed line into a single column. -#}
    {%- set csv_options = ", header = true, all_varchar = true, union_by_name = true, delim = ',', quote = '\"', escape = '\"')" -%}
    {%- set candidates = [
        {'pattern': table_path ~ '.parquet', 'format': 'parquet'},
        {'pattern': table_path ~ '.csv', 'format': 'csv'},
        {'pattern': table_path ~ '/**/*.parquet', 'format': 'parquet'},
        {'pattern': table_path ~ '/**/*.csv', 'format': 'csv'},
        {'pattern': table_path ~ '.parquet/**/*.parquet', 'format': 'parquet'},
        {'pattern': table_path ~ '.csv/**/*.csv', 'format': 'csv'},
    ] -%}

    {#- Every form is looked for: a table in two forms (a stale .parquet beside a fresh .csv, a
        folder half Parquet and half CSV) stops the build instead of being half read. -#}
    {%- set found = [] -%}
    {%- for candidate in candidates -%}
        {%- set files = run_query(
            'select count(*) from glob(' ~ grafana_cloud_costs.sql_string(candidate.pattern) ~ ')'
        ).columns[0].values()[0] -%}
        {%- if files > 0 -%}
            {%- do found.append(candidate.pattern ~ ' (' ~ files ~ ' file' ~ ('s' if files > 1 else '') ~ ')') -%}
            {%- if candidate.format == 'parquet' -%}
                {%- set reader = 'read_parquet(' ~ grafana_cloud_costs.sql_string(candidate.pattern) ~ ', union_by_name = true)' -%}
            {%- else -%}
                {%- set reader = 'read_csv(' ~ grafana_cloud_costs.sql_string(candidate.pattern) ~ csv_options -%}
            {%- endif -%}
            {%- do candidate.update({'reader': reader}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set chosen = candidates | selectattr('reader', 'defined') | list -%}

    {%- if chosen | length == 0 -%}
        {{- return(grafana_cloud_costs.raw_table_not_found(table_name, raw_path, table_path)) -}}
    {%- endif -%}
    {%- do grafana_cloud_costs.check_one_form(table_name, raw_path, found) -%}
    {%- set reader = chosen[0].reader -%}

    {%- set present = run_query('describe select * from ' ~ reader).columns[0].values() | list -%}
    {{- return(grafana_cloud_costs.raw_export_select(table_name, raw_path, reader, present)) -}}
{%- endmacro %}
