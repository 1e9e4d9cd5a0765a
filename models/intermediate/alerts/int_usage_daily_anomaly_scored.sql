-- Each day of the detection period (the grafana_cloud_anomaly_detection_days complete UTC days
-- before the as-of time) scored against the same weekday's values of the training window, as
-- Elementary's anomaly tests score a daily bucket with day_of_week seasonality and the detection
-- period excluded from training (DECISIONLOG D69).
with

daily as (

    select * from {{ ref('int_usage_daily') }}

),

skus as (

    select * from {{ ref('int_price_book_skus') }}

),

detection_window as (

    select
        {{ epoch_day(grafana_cloud_as_of()) }}
        - {{ number_var('grafana_cloud_anomaly_detection_days') }} as first_day_number

),

detected as (

    select daily.*
    from daily
    cross join detection_window
    where daily.usage_day_number >= detection_window.first_day_number

),

trained as (

    select
        detected.org_slug,
        detected.stack_id,
        detected.stack_slug,
        detected.sku,
        detected.usage_date,
        detected.usage_quantity,
        count(history.usage_quantity) as training_set_size,
        -- six decimals, the daily usage's own: the summation order of a parallel aggregate (or
        -- of another engine) cannot change a score
        round(avg(history.usage_quantity), 6) as training_avg,
        round(stddev_samp(history.usage_quantity), 6) as training_stddev,
        min(history.usage_date) as training_start_date,
        max(history.usage_date) as training_end_date
    from detected
    cross join detection_window
    left join daily as history
        on
            detected.stack_id = history.stack_id
            and detected.sku = history.sku
            and detection_window.first_day_number > history.usage_day_number
            and {{ remainder('detected.usage_day_number - history.usage_day_number', 7) }} = 0
    group by
        detected.org_slug,
        detected.stack_id,
        detected.stack_slug,
        detected.sku,
        detected.usage_date,
        detected.usage_quantity

),

scored as (

    select
        *,
        {{ anomaly_score('usage_quantity', 'training_avg', 'training_stddev', 'training_set_size') }}
            as anomaly_score
    from trained

)

select
    scored.org_slug,
    scored.stack_id,
    scored.stack_slug,
    scored.sku,
    scored.usage_date,
    {{ month_start('scored.usage_date') }} as billing_month,
    skus.usage_unit,
    scored.usage_quantity,
    scored.training_set_size,
    scored.training_avg,
    scored.training_stddev,
    scored.training_start_date,
    scored.training_end_date,
    scored.anomaly_score,
    scored.training_avg - {{ number_var('grafana_cloud_anomaly_sensitivity') }} * scored.training_stddev
        as expected_min_quantity,
    scored.training_avg + {{ number_var('grafana_cloud_anomaly_sensitivity') }} * scored.training_stddev
        as expected_max_quantity,
    {{ is_anomalous('scored.anomaly_score', 'scored.training_set_size') }} as is_anomalous,
    case
        when scored.anomaly_score > 0 then 'spike'
        when scored.anomaly_score < 0 then 'drop'
    end as anomaly_direction
from scored
left join skus
    on scored.sku = skus.sku
