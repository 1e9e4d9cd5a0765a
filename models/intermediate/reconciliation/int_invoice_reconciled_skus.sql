-- The SKUs the invoice reconciliation compares: those grafana_cloud_invoice_dimensions maps a
-- dimension name to (a SKU without a row, such as the platform fee, is not reconciled).
with

dimensions as (

    select * from {{ ref('stg_grafana_cloud__invoice_dimensions') }}

),

skus as (

    select distinct sku
    from dimensions

)

select * from skus
