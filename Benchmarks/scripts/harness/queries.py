"""The reference query set (issue 8), as structured conjunctions so one definition renders to
Sift's predicate language, to DuckDB SQL, and to the statistics model of a Parquet reader.

Needles are picked from the data with DuckDB, deterministically: ordered by count, ties by value.
A query is (label, [conjunct, ...]); a conjunct is a tuple:

    ("eq", column, value, kind)        kind: "ip", "str", "int"
    ("cidr", column, "a.b.0.0/16")     IPv4 networks on /8, /16 and /24 boundaries
    ("ends_with", column, ".suffix")
    ("ts_between", column, lo, hi)     ISO-8601 UTC, inclusive
"""


def one(con, sql):
    """The first row of a query's result, or None."""
    rows = con.execute(sql).fetchall()
    return rows[0] if rows else None


def conn_queries(con, view="c"):
    """The connection needles over DuckDB view `view` of generated connection rows."""
    pair = one(con, f"SELECT src_ip, dst_ip FROM {view} WHERE dst_ip NOT LIKE '%:%' GROUP BY 1, 2 ORDER BY count(*), 1, 2 LIMIT 1 OFFSET 1000")
    rare_ip = one(con, f"SELECT dst_ip FROM {view} WHERE dst_ip NOT LIKE '%:%' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 500")[0]
    common_ip = one(con, f"SELECT dst_ip FROM {view} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 OFFSET 20")[0]
    busy_host, busy_count = one(con, f"SELECT src_ip, count(*) FROM {view} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1 OFFSET 5")
    quiet_host = one(con, f"SELECT src_ip FROM {view} GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 200")[0]
    rare_domain = one(con, f"SELECT domain FROM {view} WHERE domain IS NOT NULL GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 100")[0]
    # A registered domain (the generator's are `word-tailN.tld`, tld maybe two labels) with
    # several names under it, yet rarely seen: a hunt for *.that-domain.
    registered = one(con, f"""SELECT regexp_extract(domain, '[a-z]+-[a-z]+[0-9]+\\..+$') AS reg FROM {view} WHERE domain IS NOT NULL
                             GROUP BY 1 HAVING count(DISTINCT domain) >= 3 ORDER BY count(*), 1 LIMIT 1 OFFSET 20""")
    suffix = "." + (registered[0] if registered else ".".join(rare_domain.split(".")[-2:]))
    net16 = ".".join(rare_ip.split(".")[:2]) + ".0.0/16"
    net24 = ".".join(rare_ip.split(".")[:3]) + ".0/24"
    day = one(con, f"SELECT strftime(min(ts) + INTERVAL 1 DAY, '%Y-%m-%d') FROM {view}")[0]
    return [
        ("two-column needle", [("eq", "src_ip", pair[0], "ip"), ("eq", "dst_ip", pair[1], "ip")]),
        ("rare external IP", [("eq", "dst_ip", rare_ip, "ip")]),
        ("common external IP", [("eq", "dst_ip", common_ip, "ip")]),
        (f"busy internal host", [("eq", "src_ip", busy_host, "ip")]),
        ("quiet internal host", [("eq", "src_ip", quiet_host, "ip")]),
        ("a /24", [("cidr", "dst_ip", net24)]),
        ("a /16", [("cidr", "dst_ip", net16)]),
        ("rare domain", [("eq", "domain", rare_domain, "str")]),
        ("domain suffix", [("ends_with", "domain", suffix)]),
        ("rare port", [("eq", "dst_port", 666, "int")]),
        ("one day and an IP", [("ts_between", "ts", f"{day}T12:00:00Z", f"{day}T23:59:59Z"), ("eq", "dst_ip", common_ip, "ip")]),
        ("absent IP", [("eq", "dst_ip", "203.0.113.77", "ip")]),
    ]


def dns_queries(con, view="d"):
    """The DNS needles over DuckDB view `view` of generated DNS rows."""
    rare_name = one(con, f"SELECT query FROM {view} WHERE query NOT LIKE '%.arpa' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 300")[0]
    # A registered domain with many names under it (telemetry beacons, CDN shards), yet rare:
    # the least queried of those with at least 20 distinct names.
    reg = one(con, f"""SELECT substr(query, strpos(query, '.t.') + 3) AS reg FROM {view} WHERE query LIKE '%.t.%'
                      GROUP BY 1 HAVING count(DISTINCT query) >= 20 ORDER BY count(*), 1 LIMIT 1""")
    reg = reg[0] if reg else rare_name.split(".", 1)[1]
    client, name = one(con, f"""SELECT src_ip, query FROM {view} WHERE query NOT LIKE '%.arpa' GROUP BY 1, 2
                               ORDER BY count(*), 1, 2 LIMIT 1 OFFSET 700""")
    answer = one(con, f"SELECT answer FROM {view} WHERE answer IS NOT NULL AND answer NOT LIKE '%:%' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 500")[0]
    return [
        ("rare name", [("eq", "query", rare_name, "str")]),
        ("names under a domain", [("ends_with", "query", "." + reg)]),
        ("a client and a name", [("eq", "src_ip", client, "ip"), ("eq", "query", name, "str")]),
        ("rare answer address", [("eq", "answer", answer, "ip")]),
        ("absent name", [("eq", "query", "never-seen.evil.example", "str")]),
    ]


def to_sift(conjuncts):
    """Sift's predicate language (spec/predicates.md)."""
    parts = []
    for c in conjuncts:
        if c[0] == "eq":
            _, col, value, kind = c
            parts.append(f"{col} = '{value}'" if kind == "str" else f"{col} = {value}")
        elif c[0] == "cidr":
            parts.append(f"{c[1]} in {c[2]}")
        elif c[0] == "ends_with":
            parts.append(f"{c[1]} ends_with '{c[2]}'")
        elif c[0] == "ts_between":
            parts.append(f"{c[1]} between '{c[2]}' and '{c[3]}'")
        else:
            raise ValueError(c)
    return " and ".join(parts)


def cidr_prefix_range(net):
    """An IPv4 network on an octet boundary as the half-open range of its text forms:
    10.1.0.0/16 holds exactly the strings from '10.1.' up to (not including) '10.1/'."""
    address, length = net.split("/")
    octets = int(length) // 8
    assert int(length) % 8 == 0 and 1 <= octets <= 3, f"{net}: only /8, /16 and /24 are supported"
    prefix = ".".join(address.split(".")[:octets]) + "."
    return prefix, prefix[:-1] + "/"


def to_sql(conjuncts):
    """DuckDB SQL over IPs stored as text, as Parquet users store Zeek logs."""
    parts = []
    for c in conjuncts:
        if c[0] == "eq":
            _, col, value, kind = c
            parts.append(f"{col} = {value}" if kind == "int" else f"{col} = '{value}'")
        elif c[0] == "cidr":
            lo, hi = cidr_prefix_range(c[2])
            parts.append(f"({c[1]} >= '{lo}' AND {c[1]} < '{hi}')")
        elif c[0] == "ends_with":
            parts.append(f"ends_with({c[1]}, '{c[2]}')")
        elif c[0] == "ts_between":
            lo, hi = (t.replace("T", " ").rstrip("Z") for t in c[2:4])
            parts.append(f"{c[1]} BETWEEN TIMESTAMP '{lo}' AND TIMESTAMP '{hi}'")
        else:
            raise ValueError(c)
    return " AND ".join(parts)
