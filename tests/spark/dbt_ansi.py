"""Run dbt with Spark's ANSI mode switched on (Spark 4's default, and Databricks').

dbt-spark 1.11 forces spark.sql.ansi.enabled=false into every session it opens, so a project
tested only through it could rely on non-ANSI leniency (a bad cast silently null, an overflow
wrapping) and then fail on a cluster that keeps ANSI on. This wrapper re-enables it after
dbt-spark's own default and then runs the dbt command line unchanged:

    python tests/spark/dbt_ansi.py build --target spark ...
"""

from __future__ import annotations

import sys

from dbt.adapters.spark import connections

_original_post_init = connections.SparkCredentials.__post_init__


def _post_init_with_ansi(self) -> None:
    _original_post_init(self)
    self.server_side_parameters["spark.sql.ansi.enabled"] = "true"


connections.SparkCredentials.__post_init__ = _post_init_with_ansi

if __name__ == "__main__":
    from dbt.cli.main import cli

    sys.exit(cli())
