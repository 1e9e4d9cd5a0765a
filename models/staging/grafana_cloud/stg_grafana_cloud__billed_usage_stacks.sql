-- The per-stack usage Grafana's billed-usage responses list under each dimension (usages[]),
-- one row per organization, month, dimension and stack, with the SKU the dimension stands for
-- (null when grafana_cloud_invoice_dimensions does not list it).
{%- set stack_columns = get_billed_usage_stack_columns() %}
{%- set item_paths = {} %}
{%- for column in get_billed_usage_item_columns() %}
    {%- do item_paths.update({column.name: column.path}) %}
{%- endfor %}

with

items as (

    select * from {{ ref('base_grafana_cloud__billed_usage_items') }}

),

dimensions as (

    select * from {{ ref('stg_grafana_cloud__invoice_dimensions') }}

),

usages as (

    select
        org_slug,
        file_path,
        {{ json_text('item', item_paths.dimension_name) }} as dimension_name,
        {{ json_text('item', item_paths.period_start) }} as period_start,
        {{ unnest_array(json_array_elements('item', '$.usages')) }} as stack_usage
    from items

),

fields as (

    -- the API's fields as text, named by the one column list (macros/project/billed_usage_columns.sql)
    select
        {%- for column in stack_columns %}
            {{ json_text('stack_usage', column.path) }} as {{ column.name }},
        {%- endfor %}
        org_slug,
        dimension_name,
        period_start,
        file_path
    from usages

),

renamed as (

    select
        -- ids
        fields.org_slug,
        trim(fields.dimension_name) as dimension_name,
        dimensions.sku,
        {{ clean_text('fields.stack_id') }} as stack_id,

        -- dates
        {{ month_start(parse_utc_timestamp('fields.period_start')) }} as billing_month,

        -- attributes
        fields.stack_name,

        -- numerics (text that is not a number is null)
        {{ to_decimal(safe_cast('fields.total_usage', type_double())) }} as total_usage,

        -- lineage
        fields.file_path

    from fields
    left join dimensions
        on lower(trim(fields.dimension_name)) = dimensions.dimension_key

)

select * from renamed
