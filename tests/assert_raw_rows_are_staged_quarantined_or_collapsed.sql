-- Conservation, for every raw table: raw rows = staged rows + quarantined rows + collapsed
-- duplicates. Each term is counted from a different model (the raw files, stg_*, the quarantine,
-- base_* and stg_*), so a row lost by a filter or a join anywhere in staging fails here.
select
    source_table,
    raw_row_count,
    staged_row_count,
    quarantined_row_count,
    collapsed_duplicate_row_count
from {{ ref('audit_grafana_cloud_row_counts') }}
where raw_row_count != staged_row_count + quarantined_row_count + collapsed_duplicate_row_count
