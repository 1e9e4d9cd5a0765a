"""grafana_cloud_costs: the command `grafana-cloud-costs` (extract, bill, explain) of the dbt project."""

__version__ = "0.1.0"
