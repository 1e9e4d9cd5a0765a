with

source as (

    select * from {{ ref('grafana_cloud_budgets') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('org_slug') }} as org_slug,
        -- empty = the whole organization
        {{ clean_text('stack_slug') }} as stack_slug_pattern,

        -- numerics
        {{ to_decimal('monthly_budget_usd', 2, 18) }} as monthly_budget_usd,

        -- dates: effective_from inclusive, effective_to exclusive (empty = still in effect)
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to

    from source

)

select * from renamed
