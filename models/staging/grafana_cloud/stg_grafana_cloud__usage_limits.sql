with

source as (

    select * from {{ ref('grafana_cloud_usage_limits') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('org_slug') }} as org_slug,
        -- empty = the whole organization
        {{ clean_text('stack_slug') }} as stack_slug_pattern,
        {{ clean_text('sku') }} as sku,

        -- numerics
        {{ to_decimal('usage_limit', 6) }} as usage_limit,

        -- dates: effective_from inclusive, effective_to exclusive (empty = still in effect)
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to

    from source

)

select * from renamed
