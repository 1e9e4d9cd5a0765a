with

source as (

    select * from {{ ref('grafana_cloud_price_book') }}

),

renamed as (

    select
        -- ids
        trim(sku) as sku,
        lower(trim(plan)) as plan,

        -- attributes
        trim(service) as service,
        trim(category) as category,
        trim(usage_unit) as usage_unit,

        -- numerics
        {{ to_decimal('unit_price_usd', 8, 18) }} as unit_price_usd,
        {{ to_decimal('included_quantity', 6) }} as included_quantity,

        -- dates: effective_from inclusive, effective_to exclusive (empty = still in effect)
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to

    from source

)

select * from renamed
