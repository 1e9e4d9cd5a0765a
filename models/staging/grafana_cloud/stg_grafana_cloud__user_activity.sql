with

activity as (

    select * from {{ ref('base_grafana_cloud__user_activity') }}
    where rejection_reason is null

),

deduplicated as (

    -- raw rows that only differ in how the timestamp is written are one event
    select
        stack_id,
        user_id,
        activity_at,
        activity_type,
        count(*) as raw_row_count
    from activity
    group by stack_id, user_id, activity_at, activity_type

),

renamed as (

    select
        -- ids
        stack_id,
        user_id,

        -- timestamps
        activity_at,

        -- attributes
        activity_type,

        -- lineage: the key is the whole row, so two readings can never conflict
        raw_row_count,
        false as has_conflicting_readings,

        -- booleans: a login makes a Grafana user; any other listed activity an IRM user
        activity_type = 'login' as is_grafana_login,
        activity_type != 'login' as is_irm_activity

    from deduplicated

)

select * from renamed
