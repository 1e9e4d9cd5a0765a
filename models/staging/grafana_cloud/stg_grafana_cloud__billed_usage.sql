-- Grafana's invoice, as the Cloud API billed-usage responses state it: one row per
-- organization, month and billed dimension, in the project's vocabulary, with the SKU the
-- dimension stands for (null when grafana_cloud_invoice_dimensions does not list it).
{%- set item_columns = get_billed_usage_item_columns() %}

with

items as (

    select * from {{ ref('base_grafana_cloud__billed_usage_items') }}

),

dimensions as (

    select * from {{ ref('stg_grafana_cloud__invoice_dimensions') }}

),

fields as (

    -- the API's fields as text, named by the one column list (macros/project/billed_usage_columns.sql)
    select
        {%- for column in item_columns %}
            {{ json_text('item', column.path) }} as {{ column.name }},
        {%- endfor %}
        org_slug,
        file_path
    from items

),

renamed as (

    select
        -- ids
        fields.org_slug,
        trim(fields.dimension_name) as dimension_name,
        dimensions.sku,

        -- dates
        {{ month_start(parse_utc_timestamp('fields.period_start')) }} as billing_month,
        {{ parse_utc_timestamp('fields.period_start') }} as period_start,
        {{ parse_utc_timestamp('fields.period_end') }} as period_end,

        -- attributes
        fields.unit,
        fields.description,

        -- numerics (text that is not a number is null)
        {{ to_decimal(safe_cast('fields.included_usage', type_double())) }} as included_usage,
        {{ to_decimal(safe_cast('fields.total_usage', type_double())) }} as total_usage,
        {{ to_decimal(safe_cast('fields.overage', type_double())) }} as overage,
        {{ to_decimal(safe_cast('fields.amount_due_usd', type_double())) }} as amount_due_usd,
        {{ to_decimal(safe_cast('fields.included_dpm', type_double())) }} as included_dpm,

        -- lineage
        fields.file_path

    from fields
    left join dimensions
        on lower(trim(fields.dimension_name)) = dimensions.dimension_key

)

select * from renamed
