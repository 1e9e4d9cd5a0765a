-- The per-stack usage Grafana's billed-usage responses list under each dimension (usages[]).
with

source as (

    select * from {{ read_billed_usage('usages') }}

),

renamed as (

    select
        -- ids
        org_slug,
        trim(dimension_name) as dimension_name,
        {{ clean_text('stack_id') }} as stack_id,

        -- dates
        {{ month_start(parse_utc_timestamp('period_start')) }} as billing_month,

        -- attributes
        stack_name,

        -- numerics
        total_usage,

        -- lineage
        file_path

    from source

)

select * from renamed
