"""The reference query set for the older per-target scripts (pruning_report, table_report):
the harness's connection needles (harness/queries.py), rendered as Sift predicates."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from queries import conn_queries, to_sift  # noqa: E402


def reference_queries(con):
    """(label, predicate) pairs over the view `c` of generated connection rows."""
    return [(label, to_sift(conjuncts)) for label, conjuncts in conn_queries(con, "c")]
