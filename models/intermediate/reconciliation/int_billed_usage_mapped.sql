-- Grafana's invoice lines with the SKU each dimension stands for (null when the dimension name is
-- not in the mapping seed).
with

billed_usage as (

    select * from {{ ref('stg_grafana_cloud__billed_usage') }}

),

dimensions as (

    select * from {{ ref('stg_grafana_cloud__invoice_dimensions') }}

)

select
    billed_usage.billing_month,
    billed_usage.org_slug,
    billed_usage.dimension_name,
    dimensions.sku,
    billed_usage.unit,
    billed_usage.description,
    billed_usage.included_usage,
    billed_usage.total_usage,
    billed_usage.overage,
    billed_usage.amount_due,
    billed_usage.file_path
from billed_usage
left join dimensions
    on lower(billed_usage.dimension_name) = dimensions.dimension_key
