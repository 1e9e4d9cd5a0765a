-- Which SKU each dimension name of Grafana's billed-usage response stands for (reference seed).
with

source as (

    select * from {{ ref('grafana_cloud_invoice_dimensions') }}

),

renamed as (

    select
        lower({{ clean_text('dimension_name') }}) as dimension_key,
        {{ clean_text('dimension_name') }} as dimension_name,
        {{ clean_text('sku') }} as sku
    from source

)

select * from renamed
