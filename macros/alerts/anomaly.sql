{#
    Elementary's anomaly score (its get_anomaly_scores_query): the standard score of a value
    against its training set, (value - training mean) / training sample standard deviation; null
    without a training set of at least two values, 0 when the training values are all equal
    (Elementary's "stationary data" case). DECISIONLOG D69.
#}
{% macro anomaly_score(value, training_avg, training_stddev, training_set_size) -%}
    case
        when {{ training_stddev }} is null or {{ training_set_size }} < 2 then null
        when {{ training_stddev }} = 0 then 0
        else ({{ value }} - {{ training_avg }}) / {{ training_stddev }}
    end
{%- endmacro %}


{#
    Whether a score is an anomaly, as Elementary decides it with anomaly_direction "both": its
    absolute value above the sensitivity (var grafana_cloud_anomaly_sensitivity, default 3) and a
    training set of at least grafana_cloud_anomaly_min_training_set_size (default 7) values.
#}
{% macro is_anomalous(anomaly_score, training_set_size) -%}
    coalesce(
        abs({{ anomaly_score }}) > {{ grafana_cloud_costs.number_var('grafana_cloud_anomaly_sensitivity') }}
        and {{ training_set_size }} >= {{ grafana_cloud_costs.number_var('grafana_cloud_anomaly_min_training_set_size') }},
        false
    )
{%- endmacro %}
