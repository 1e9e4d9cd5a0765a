-- One row per SKU with the reporting dimensions Vantage shows (service, category) and its unit,
-- whatever the plan or period: free and trial usage is reported under the same names.
with

price_book as (

    select * from {{ ref('stg_grafana_cloud__price_book') }}

)

select
    sku,
    max(service) as service,
    max(category) as category,
    max(usage_unit) as usage_unit,
    count(distinct service) as service_variant_count,
    count(distinct category) as category_variant_count,
    count(distinct usage_unit) as usage_unit_variant_count
from price_book
group by sku
