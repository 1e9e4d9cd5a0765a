-- The items of each billed-usage response (one per billed dimension), as JSON. The body is
-- {"items": [...]} or a bare array of items.
with

files as (

    select * from {{ ref('base_grafana_cloud__billed_usage') }}

),

bodies as (

    select
        org_slug,
        file_path,
        case
            when {{ json_is_array('content') }} then {{ json_array_elements('content', '$') }}
            else {{ json_array_elements('content', '$.items') }}
        end as items
    from files

),

items as (

    select
        org_slug,
        file_path,
        {{ unnest_array('items') }} as item
    from bodies

)

select * from items
