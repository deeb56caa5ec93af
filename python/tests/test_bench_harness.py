"""The report's peer models must be right, or its comparisons mean nothing: a network turned
into ranges of text must select exactly its addresses, and the Morton key of the Spark-Delta
style peer must interleave range ids as `OPTIMIZE ZORDER BY` does."""
from __future__ import annotations

import ipaddress
import os
import random
import sys

import duckdb
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Benchmarks", "scripts", "harness"))
pytest.importorskip("pyarrow.parquet")
from layouts import MortonParquetLayout  # noqa: E402
from queries import cidr_text_ranges, to_sql  # noqa: E402


@pytest.mark.parametrize("net", ["86.217.128.0/20", "10.1.0.0/16", "172.16.0.0/12", "192.0.2.0/24", "198.51.100.7/32", "10.0.0.0/8"])
def test_network_as_text_ranges_selects_exactly_its_addresses(net):
    network = ipaddress.IPv4Network(net)
    rng = random.Random(net)
    inside = [str(network.network_address + rng.randrange(network.num_addresses)) for _ in range(200)]
    near = [str(ipaddress.IPv4Address((int(network.network_address) + d) % 2**32)) for d in range(-300, 300, 7)]
    anywhere = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(2000)]
    candidates = sorted(set(inside + near + anywhere))
    con = duckdb.connect()
    con.execute("CREATE TABLE t(dst_ip VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[a] for a in candidates])
    got = {r[0] for r in con.execute(f"SELECT dst_ip FROM t WHERE {to_sql([('cidr', 'dst_ip', net)])}").fetchall()}
    assert got == {a for a in candidates if ipaddress.IPv4Address(a) in network}
    assert len(cidr_text_ranges(net)) == (1 if network.prefixlen % 8 == 0 or network.prefixlen == 32 else 2 ** (8 - network.prefixlen % 8))


def test_morton_key_interleaves_range_ids_first_column_first():
    layout = MortonParquetLayout("m", ["a", "b"], per_day=True)
    con = duckdb.connect()
    rng = random.Random(7)
    for _ in range(200):
        r0, r1 = rng.randrange(1000), rng.randrange(1000)
        (key,) = con.execute(f"SELECT {layout.morton_sql()} FROM (SELECT {r0}::BIGINT AS r0, {r1}::BIGINT AS r1)").fetchone()
        expected = 0
        for i in range(MortonParquetLayout.BITS):
            expected |= ((r0 >> i) & 1) << (2 * i + 1) | ((r1 >> i) & 1) << (2 * i)
        assert key == expected


def test_targets_say_where_the_bytes_went_and_why_a_target_is_missed():
    from verdicts import spent, why  # noqa: E402
    metadata_bound = {"files_total": 32, "files_skipped": 7.0, "bytes_read": 1000, "row_groups_read": 7.0,
                      "read_by": {"footer": 590, "bloom": 340, "page_bloom": 0, "page_index": 13, "data_page": 51, "table_index": 6}}
    assert spent(metadata_bound) == "25.0 of 32 files opened; footers 59%, bloom filters 34%, page indexes 1%, data pages 5%, table index 1%"
    assert why(metadata_bound).startswith("94% of it is footers, bloom filters and page indexes of the 25.0 files")
    data_bound = dict(metadata_bound, read_by={"footer": 100, "bloom": 0, "page_bloom": 0, "page_index": 50, "data_page": 850, "table_index": 0})
    assert why(data_bound).startswith("85% of it is data pages of the 7.0 row groups")
    # A run whose ledgers had no breakdown (an older binary) says so instead of guessing.
    older = dict(metadata_bound, read_by={})
    assert spent(older) == "25.0 of 32 files opened" and why(older) == "no breakdown of the bytes read in this run"


def test_a_missed_latency_target_names_its_worst_needle_and_what_it_read():
    from verdicts import latency_why  # noqa: E402
    def needle(sql, sift_ms, peer_ms, read, data):
        return {"sift": sql, "layouts": {
            "Sift": {"time_ms": sift_ms, "bytes_read": read, "files_total": 32, "files_skipped": 30, "rows": 12,
                     "read_by": {"data_page": data}},
            "P": {"time_ms": peer_ms}}}
    q = {"needles": [needle("a = 1", 3.0, 30.0, 40_000, 1_000), needle("a = 2", 9.0, 10.0, 50_000, 2_000)]}
    text = latency_why(q, "Sift", ["P"])
    assert text.startswith("worst needle `a = 2` 0.90x: Sift 9.0 ms, reading 50 kB from 2 files (4% data pages) for 12 rows, against DuckDB's 10.0 ms on P")
    assert "fixed cost" in text
    q = {"needles": [needle("b = 1", 200.0, 100.0, 40_000_000, 38_000_000)]}
    assert latency_why(q, "Sift", ["P"]).endswith("(Sift decodes what it reads at 200 MB/s there)")


def test_a_slower_scan_says_what_each_side_read():
    from verdicts import scan_why  # noqa: E402
    q = {"rows": 10_000, "layouts": {"Sift": {"bytes_read": 40_000_000, "bytes_total": 700_000_000, "time_ms": 100.0},
                                     "P": {"bytes_read": 63_000_000, "bytes_total": 700_000_000}}}
    assert scan_why(q, "Sift", ["P"]) == ("Sift reads less (5.71% of its layout, 40.0 MB, for 10,000 rows) but decodes it at 400 MB/s; "
                                          "those peers' layouts need P 9.00%, which DuckDB reads faster than Sift reads its share.")
