with

source as (

    select * from {{ ref('grafana_cloud_virtual_tag_rules') }}

),

renamed as (

    select
        -- ids
        {{ clean_text('tag_key') }} as tag_key,
        {{ clean_text('tag_value') }} as tag_value,
        priority,

        -- filters: empty matches anything
        {{ clean_text('org_slug') }} as org_slug_filter,
        {{ clean_text('stack_slug') }} as stack_slug_pattern,
        {{ clean_text('service') }} as service_filter,

        -- numerics
        {{ to_decimal('split_percent', 4, 9) }} as split_percent

    from source

)

select * from renamed
