{#
    Spark (dbt-spark) overrides of dbt's own macros, and the helpers the Spark variants of the
    project's macros share. The project-level variants (spark__parse_utc_timestamp,
    spark__read_billed_usage_files, ...) sit next to their default__ and duckdb__ siblings.
#}


{#
    dbt's cast(), which the model contracts use to turn each YAML data_type into a typed null.
    The contracts are written once with DuckDB's names; Spark knows all of them but a bare
    varchar (it wants a length, and its text type is string), so varchar and text become string.
    A root-project spark__cast takes precedence over dbt-spark's for the 'dbt' namespace.
#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ grafana_cloud_costs.spark_type_name(type) }})
{%- endmacro %}

{% macro spark_type_name(type) -%}
    {%- set name = type | string | trim -%}
    {%- if name | lower in ['varchar', 'text', 'character varying'] -%}
        {{- return('string') -}}
    {%- endif -%}
    {{- return(name) -}}
{%- endmacro %}


{#
    An external table over a folder of files, (re)created at run time so that a model can read
    files with reader options (CSV header, Parquet schema merging, a file-name filter), which
    Spark's inline `format.`path`` syntax cannot pass. A folder that does not exist reads as an
    empty table instead of failing. Dropping it never deletes the files: it is external (LOCATION).

    name:     the table's name, created in the calling model's schema
    location: the folder (or file) the table reads
    format:   binaryFile, parquet, csv, ...
    options:  reader options, e.g. {'header': 'true'}

    Returns the relation.
#}
{% macro spark_external_file_table(name, location, format, options={}) -%}
    {%- set relation = api.Relation.create(schema=this.schema, identifier=name, type='table') -%}
    {%- set rendered_options = [] -%}
    {%- for key, value in options.items() -%}
        {%- do rendered_options.append(key ~ ' ' ~ grafana_cloud_costs.sql_string(value)) -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query(
        'create table ' ~ relation ~ ' using ' ~ format
        ~ (' options (' ~ rendered_options | join(', ') ~ ')' if rendered_options else '')
        ~ ' location ' ~ grafana_cloud_costs.sql_string(location)
    ) -%}
    {{- return(relation) -}}
{%- endmacro %}


{# The folder an external table reads, as Spark writes it in file paths (e.g. file:/data/x). #}
{% macro spark_table_location(relation) -%}
    {%- set described = run_query('describe table extended ' ~ relation) -%}
    {%- for row in described.rows if row[0] == 'Location' -%}
        {{- return(row[1] | trim) -}}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('No location found for ' ~ relation) }}
{%- endmacro %}


{#
    A path as Spark should read it. A table LOCATION that is relative resolves against Spark's
    warehouse, not against the folder dbt runs in (where DuckDB resolves it), so a relative path
    (no leading / and no scheme such as s3a: or dbfs:) is made absolute against the Spark driver's
    working directory: the folder dbt runs in, with `method: session` (on a Thrift server, the
    server's folder). On Databricks the path is left as given. On a cluster, give absolute paths
    or URIs.
#}
{% macro spark_absolute_path(path) -%}
    {%- set path = path | string -%}
    {%- if path.startswith('/') or modules.re.match('^[A-Za-z][A-Za-z0-9+.-]*:', path) or not execute -%}
        {{- return(path) -}}
    {%- endif -%}
    {#- On Databricks the driver's folder means nothing to the user and reflection may be
        disabled: the path is left as given. -#}
    {%- if target.type != 'spark' -%}
        {{- return(path) -}}
    {%- endif -%}
    {%- set cwd = run_query("select java_method('java.lang.System', 'getProperty', 'user.dir')").columns[0].values()[0] -%}
    {%- set relative = path[2:] if path.startswith('./') else path -%}
    {%- set absolute = cwd.rstrip('/') ~ '/' ~ relative -%}
    {%- if target.method != 'session' -%}
        {#- the server reads the files, not dbt: say where a relative path landed -#}
        {%- do log(
            "grafana_cloud_costs: the relative path '" ~ path ~ "' is read by the Spark server as " ~ absolute
            ~ " (its working directory, not the folder dbt runs in); give an absolute path or a URI"
            ~ " (s3a://, abfss://, hdfs://) that the server can read.",
            info=true
        ) -%}
    {%- endif -%}
    {{- return(absolute) -}}
{%- endmacro %}


{#
    dbt seed on Spark. dbt-spark's loader binds every value as text by formatting it into the
    SQL: with `method: session` an empty CSV value arrives as the string 'None' (not NULL) and a
    quote inside a value breaks the statement. Each value is written here as a proper literal
    (NULL for empty, quotes escaped) in one VALUES list per batch, and cast once per column to
    the seed's declared column_types.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
        {%- do column_types.append(column_override.get(col_name, inferred_type)) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }}
            select
                {%- for type in column_types %}
                cast(c{{ loop.index0 }} as {{ type }}){{ ',' if not loop.last }}
                {%- endfor %}
            from values
            {%- for row in chunk %}
                (
                {%- for value in row -%}
                    {#- spark__sql_string inlined: a macro call per value is slow on 100k rows -#}
                    {{ 'null' if value is none else "'" ~ (value | string).replace('\\', '\\\\').replace("'", "\\'") ~ "'" }}{{ ', ' if not loop.last }}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {%- endfor %}
            as seed_rows ({% for type in column_types %}c{{ loop.index0 }}{{ ', ' if not loop.last }}{% endfor %})
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}
