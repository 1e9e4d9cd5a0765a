-- Grafana's invoice, as the Cloud API billed-usage responses state it: one row per
-- organization, month and billed dimension.
with

source as (

    select * from {{ read_billed_usage('items') }}

),

renamed as (

    select
        -- ids
        org_slug,
        trim(dimension_name) as dimension_name,

        -- dates
        {{ month_start(parse_utc_timestamp('period_start')) }} as billing_month,
        {{ parse_utc_timestamp('period_start') }} as period_start,
        {{ parse_utc_timestamp('period_end') }} as period_end,

        -- attributes
        unit,
        description,

        -- numerics
        included_usage,
        total_usage,
        overage,
        amount_due,
        included_dpm,

        -- lineage
        file_path

    from source

)

select * from renamed
