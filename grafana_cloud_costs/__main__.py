"""`python -m grafana_cloud_costs` is the `grafana-cloud-costs` command."""

import sys

from grafana_cloud_costs.cli import main

sys.exit(main())
