{#
    Raw timestamps arrive as text: "YYYY-MM-DD HH:MM:SS" in UTC, or ISO-8601 with "T", "Z" or an
    offset ("+02:00", "-0530"). The result is a timestamp without time zone, in UTC; text that
    does not parse becomes null (and the row is quarantined by its base model).
#}
{% macro parse_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'grafana_cloud_costs')(expression)) }}
{%- endmacro %}

{#
    DuckDB: a cast to TIMESTAMP silently ignores an offset, so text that carries a zone goes
    through TIMESTAMPTZ and back to UTC; text without one is already UTC. Fast paths, because the
    parse runs on every raw sample: a value that already is a timestamp (a typed Parquet column;
    typeof() is folded into a constant) is only cast, and the contract's plain
    "YYYY-MM-DD HH:MM:SS" (19 characters, ':' at 17) skips the regular expression. Text with a
    zone is normalized (normalized_zone) before the cast.
#}
{% macro duckdb__parse_utc_timestamp(expression) -%}
    {%- set text = 'cast(' ~ expression ~ ' as varchar)' -%}
    case
        when typeof({{ expression }}) = 'TIMESTAMP WITH TIME ZONE'
            then timezone('UTC', try_cast({{ expression }} as timestamptz))
        when typeof({{ expression }}) like 'TIMESTAMP%' or typeof({{ expression }}) = 'DATE'
            then try_cast({{ expression }} as timestamp)
        when length({{ text }}) = 19 and substr({{ text }}, 17, 1) = ':'
            then try_cast({{ text }} as timestamp)
        when regexp_matches({{ text }}, '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then timezone('UTC', try_cast({{ grafana_cloud_costs.normalized_zone(text) }} as timestamptz))
        -- only the contract's zone-less shapes: DuckDB's cast would drop a zone name
        -- ("... America/New_York", "... CEST") or an offset with seconds and read the rest as UTC
        when regexp_matches({{ text }}, '^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)? *$')
            then try_cast(upper(trim({{ text }})) as timestamp)
    end
{%- endmacro %}


{#
    Spark: a cast to TIMESTAMP already converts an offset or Z to the session zone (UTC, set in
    the profile), and reads text without one as UTC, like DuckDB. But Spark's cast is more
    lenient than DuckDB's ("2024", "2024-09", "2024-09-01 1:2:3" and the special words "now" or
    "yesterday" parse), so only the contract's shapes reach it: date, optional T or space and
    time with optional fraction, optional Z or offset; anything else is null (quarantined).
    try_cast: Spark 4 runs in ANSI mode by default, where a bad cast raises. A typed timestamp
    (Parquet) is rendered as "YYYY-MM-DD HH:MM:SS[.f]" by the inner cast and parsed back as is.
#}
{% macro spark__parse_utc_timestamp(expression) -%}
    case
        when cast({{ expression }} as string) rlike '^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)? *$'
            then try_cast({{ grafana_cloud_costs.normalized_zone('cast(' ~ expression ~ ' as string)') }} as timestamp)
    end
{%- endmacro %}


{#
    RFC 3339 allows a lowercase "z" (and "t"), and exports often write a space before the offset
    ("... 01:00:00 +02:00"); the engines' casts accept neither, so both are normalized first.
#}
{% macro normalized_zone(text) -%}
    replace(replace(upper({{ text }}), ' +', '+'), ' -', '-')
{%- endmacro %}


{# The first day of the UTC calendar month, as a date. #}
{% macro month_start(expression) -%}
    cast(date_trunc('month', {{ expression }}) as date)
{%- endmacro %}


{# The start of the minute a timestamp falls in. #}
{% macro minute_start(expression) -%}
    date_trunc('minute', {{ expression }})
{%- endmacro %}


{# Microseconds since the Unix epoch, as an integer (exact for durations). #}
{% macro epoch_microseconds(expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'grafana_cloud_costs')(expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds(expression) -%}
    epoch_us({{ expression }})
{%- endmacro %}

{% macro spark__epoch_microseconds(expression) -%}
    unix_micros({{ expression }})
{%- endmacro %}


{# The first day of the month after a billing month (the exclusive end of the period). #}
{% macro next_month_start(month_start_date) -%}
    {{ return(adapter.dispatch('next_month_start', 'grafana_cloud_costs')(month_start_date)) }}
{%- endmacro %}

{% macro default__next_month_start(month_start_date) -%}
    cast({{ month_start_date }} + interval 1 month as date)
{%- endmacro %}

{% macro spark__next_month_start(month_start_date) -%}
    add_months({{ month_start_date }}, 1)
{%- endmacro %}


{# Whole minutes from `start` to `end` (floor), in integer arithmetic. #}
{% macro minutes_between(start, end) -%}
    {{ grafana_cloud_costs.floor_divide(
        '(' ~ grafana_cloud_costs.epoch_microseconds(end) ~ ' - ' ~ grafana_cloud_costs.epoch_microseconds(start) ~ ')',
        60000000
    ) }}
{%- endmacro %}
