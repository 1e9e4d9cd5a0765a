-- Each day of the detection period (the grafana_cloud_anomaly_detection_days complete UTC days
-- before the as-of time) scored against the same weekday's values of the training window, as
-- Elementary's anomaly tests score a daily bucket with day_of_week seasonality and the detection
-- period excluded from training (DECISIONLOG D69).
with

daily as (

    select * from {{ ref('int_usage_daily') }}

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
        detected.sku,
        detected.usage_date,
        detected.usage_quantity,
        count(history.usage_quantity) as training_set_size,
        avg(history.usage_quantity) as training_avg,
        stddev_samp(history.usage_quantity) as training_stddev,
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
    org_slug,
    stack_id,
    sku,
    usage_date,
    {{ month_start('usage_date') }} as billing_month,
    usage_quantity,
    training_set_size,
    training_avg,
    training_stddev,
    training_start_date,
    training_end_date,
    anomaly_score,
    training_avg - {{ number_var('grafana_cloud_anomaly_sensitivity') }} * training_stddev
        as expected_min_quantity,
    training_avg + {{ number_var('grafana_cloud_anomaly_sensitivity') }} * training_stddev
        as expected_max_quantity,
    {{ is_anomalous('anomaly_score', 'training_set_size') }} as is_anomalous,
    case
        when anomaly_score > 0 then 'spike'
        when anomaly_score < 0 then 'drop'
    end as anomaly_direction
from scored
