with

installations as (

    select * from {{ ref('base_grafana_cloud__enterprise_plugins') }}
    where rejection_reason is null

),

resolved as (

    -- Two removal times for the same installation (a conflicting duplicate) resolve to the
    -- latest, still-installed (empty) winning: the plugin is never assumed gone too early.
    select
        stack_id,
        plugin_id,
        installed_at,
        case
            when count(*) > count(uninstalled_at) then null
            else max(uninstalled_at)
        end as uninstalled_at,
        count(*) as raw_row_count,
        count(uninstalled_at) not in (0, count(*))
        or coalesce(min(uninstalled_at) < max(uninstalled_at), false) as has_conflicting_readings
    from installations
    group by stack_id, plugin_id, installed_at

),

renamed as (

    select
        -- ids
        stack_id,
        plugin_id,

        -- timestamps: the plugin is installed on [installed_at, uninstalled_at)
        installed_at,
        uninstalled_at,

        -- lineage
        raw_row_count,
        has_conflicting_readings

    from resolved

)

select * from renamed
