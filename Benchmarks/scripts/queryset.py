"""The reference query set, with needles picked from the data by DuckDB (deterministic:
ordered by value), shared by the pruning and table reports."""


def reference_queries(con):
    """(label, predicate) pairs over the view `c` of generated connection rows."""
    def one(sql):
        return con.execute(sql).fetchone()

    # The rarest values (ties broken by value), whatever the scale: at 20M rows no external
    # address may occur only once.
    pair = one("SELECT src_ip, dst_ip FROM c WHERE dst_ip NOT LIKE '%:%' GROUP BY 1, 2 ORDER BY count(*), 1, 2 LIMIT 1 OFFSET 1000")
    rare_ip = one("SELECT dst_ip FROM c WHERE dst_ip NOT LIKE '%:%' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 500")[0]
    common_ip = one("SELECT dst_ip FROM c GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 OFFSET 20")[0]
    busy_host, busy_count = one("SELECT src_ip, count(*) FROM c GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1 OFFSET 5")
    rare_domain = one("SELECT domain FROM c WHERE domain IS NOT NULL GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 100")[0]
    suffix = "." + ".".join(rare_domain.split(".")[-2:])
    net16 = ".".join(rare_ip.split(".")[:2]) + ".0.0/16"
    day = one("SELECT strftime(min(ts) + INTERVAL 1 DAY, '%Y-%m-%d') FROM c")[0]
    return [
        ("two-column needle", f"src_ip = {pair[0]} and dst_ip = {pair[1]}"),
        ("rare external IP", f"dst_ip = {rare_ip}"),
        ("common external IP", f"dst_ip = {common_ip}"),
        (f"busy internal host ({busy_count} rows)", f"src_ip = {busy_host}"),
        ("a /16 block", f"dst_ip in {net16}"),
        ("rare domain", f"domain = '{rare_domain}'"),
        ("domain suffix", f"domain ends_with '{suffix}'"),
        ("rare port", "dst_port = 666"),
        ("one day and an IP", f"ts between '{day}T12:00:00Z' and '{day}T23:59:59Z' and dst_ip = {common_ip}"),
        ("absent IP", "dst_ip = 203.0.113.77"),
    ]
