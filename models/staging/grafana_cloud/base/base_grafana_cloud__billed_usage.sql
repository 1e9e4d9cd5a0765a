-- The billed-usage files, one row per file: Grafana Cloud API billed-usage responses stored as
-- returned under <folder>/<org_slug>/<YYYY-MM>.json (macro read_billed_usage_files: the files'
-- listing and reading, the one part that differs between engines). Empty when there is no file.
with

source as (

    select * from {{ read_billed_usage_files() }}

),

renamed as (

    select
        -- ids
        org_slug,

        -- the response body, parsed by base_grafana_cloud__billed_usage_items
        content,

        -- lineage
        file_path

    from source

)

select * from renamed
