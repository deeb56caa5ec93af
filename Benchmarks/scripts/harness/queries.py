"""The reference needles (issues 8 and 19), as structured conjunctions so one definition renders
to Sift's predicate language, to DuckDB SQL, and to the statistics model of a Parquet reader.

Needles are drawn from the data with DuckDB, deterministically: each kind's candidates are
ordered by an md5 of the value and a seed, and the first N taken (N = 50 in the report), so a
kind's mean is over many needles and not one lucky or unlucky value. A kind is
(label, [needle, ...]); a needle is a list of conjuncts; a conjunct is a tuple:

    ("eq", column, value, kind)        kind: "ip", "str", "int"
    ("cidr", column, "a.b.c.0/20")     IPv4 networks of any length from /8 to /32
    ("ends_with", column, ".suffix")
    ("ts_between", column, lo, hi)     ISO-8601 UTC, inclusive
"""
import ipaddress
import random

SEED = "sift-needles-1"


def one(con, sql):
    """The first row of a query's result, or None."""
    rows = con.execute(sql).fetchall()
    return rows[0] if rows else None


def pick(con, sql, key, count):
    """Up to `count` rows of `sql`, ordered by the md5 of `key` (an SQL expression over them)
    and the seed: a deterministic random sample."""
    return con.execute(f"SELECT * FROM ({sql}) ORDER BY md5(CAST({key} AS VARCHAR) || '{SEED}') LIMIT {count}").fetchall()


def absent_addresses(con, view, column, count):
    """Public IPv4 addresses that no row of `column` holds."""
    rng, out = random.Random(SEED), []
    while len(out) < count:
        a = ipaddress.IPv4Address(rng.getrandbits(32))
        if a.is_global and one(con, f"SELECT 1 FROM {view} WHERE {column} = '{a}' LIMIT 1") is None:
            out.append(str(a))
    return out


def network_of(address, length):
    return str(ipaddress.IPv4Network(f"{address}/{length}", strict=False))


def conn_queries(con, view="c", count=50):
    """The connection needle kinds over DuckDB view `view` of generated connection rows."""
    v4 = "dst_ip NOT LIKE '%:%' AND dst_ip NOT LIKE '10.%'"
    pairs = pick(con, f"SELECT DISTINCT src_ip, dst_ip FROM {view} WHERE {v4}", "src_ip || dst_ip", count)
    rare = [r[0] for r in pick(con, f"SELECT dst_ip FROM {view} WHERE {v4} GROUP BY 1 HAVING count(*) <= 5", "dst_ip", count)]
    busy = [r[0] for r in pick(con, f"SELECT src_ip FROM {view} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 200", "src_ip", count)]
    rare_domains = [r[0] for r in pick(con, f"SELECT domain FROM {view} WHERE domain IS NOT NULL GROUP BY 1 HAVING count(*) <= 50", "domain", count)]
    # Registered domains (the generator's are `word-tailN.tld`, the tld maybe two labels) with
    # several names under it: a hunt for *.that-domain.
    registered = [r[0] for r in pick(con, f"""SELECT regexp_extract(domain, '[a-z]+-[a-z]+[0-9]+\\..+$') AS reg FROM {view}
                                              WHERE domain IS NOT NULL GROUP BY 1 HAVING reg <> '' AND count(DISTINCT domain) >= 3""", "reg", count)]
    net16 = [r[0] for r in pick(con, f"SELECT DISTINCT split_part(dst_ip, '.', 1) || '.' || split_part(dst_ip, '.', 2) || '.0.0/16' AS n FROM {view} WHERE {v4}", "n", count)]
    all_v4 = [r[0] for r in pick(con, f"SELECT DISTINCT dst_ip FROM {view} WHERE {v4}", "dst_ip", count * 20)]
    net20 = list(dict.fromkeys(network_of(a, 20) for a in all_v4))[:count]
    ports = [r[0] for r in pick(con, f"SELECT dst_port FROM {view} GROUP BY 1 HAVING count(*) <= 20", "dst_port", count)]
    ports = ([666] + [p for p in ports if p != 666])[:count]
    days = [r[0] for r in con.execute(f"SELECT DISTINCT strftime(ts, '%Y-%m-%d') AS d FROM {view} ORDER BY 1").fetchall()]
    day_ip = pick(con, f"""SELECT strftime(ts, '%Y-%m-%d') AS d, dst_ip FROM {view} WHERE {v4}
                          AND dst_ip IN (SELECT dst_ip FROM {view} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2000)
                          AND strftime(ts, '%Y-%m-%d') IN ({", ".join(f"'{d}'" for d in days[1:-1])}) GROUP BY 1, 2""", "d || dst_ip", count)
    absent_ips = absent_addresses(con, view, "dst_ip", count - count // 2)
    absent_names = [f"never-seen-{i}.evil{i % 7}.example" for i in range(count // 2)]
    return [
        ("src_ip = X and dst_ip = Y", [[("eq", "src_ip", a, "ip"), ("eq", "dst_ip", b, "ip")] for a, b in pairs]),
        ("rare dst_ip", [[("eq", "dst_ip", a, "ip")] for a in rare]),
        ("absent IP or domain", [[("eq", "dst_ip", a, "ip")] for a in absent_ips] + [[("eq", "domain", d, "str")] for d in absent_names]),
        ("busy internal src_ip", [[("eq", "src_ip", a, "ip")] for a in busy]),
        ("rare domain", [[("eq", "domain", d, "str")] for d in rare_domains]),
        ("domain ends_with", [[("ends_with", "domain", "." + r)] for r in registered]),
        ("dst_ip in a /16", [[("cidr", "dst_ip", n)] for n in net16]),
        ("dst_ip in a /20", [[("cidr", "dst_ip", n)] for n in net20]),
        ("rare dst_port", [[("eq", "dst_port", p, "int")] for p in ports]),
        ("one day and dst_ip", [[("ts_between", "ts", f"{d}T00:00:00Z", f"{d}T23:59:59.999999Z"), ("eq", "dst_ip", a, "ip")] for d, a in day_ip]),
    ]


def dns_queries(con, view="d", count=50):
    """The DNS needle kinds over DuckDB view `view` of generated DNS rows."""
    names = f"{view} WHERE query NOT LIKE '%.arpa'"
    rare = [r[0] for r in pick(con, f"SELECT query FROM {names} GROUP BY 1 HAVING count(*) <= 5", "query", count)]
    # Registered domains with many names under them (telemetry beacons, CDN shards).
    regs = [r[0] for r in pick(con, f"""SELECT substr(query, strpos(query, '.t.') + 3) AS reg FROM {view} WHERE query LIKE '%.t.%'
                                       GROUP BY 1 HAVING count(DISTINCT query) >= 20""", "reg", count)]
    client_name = pick(con, f"SELECT DISTINCT src_ip, query FROM {names}", "src_ip || query", count)
    answers = [r[0] for r in pick(con, f"SELECT answer FROM {view} WHERE answer IS NOT NULL AND answer NOT LIKE '%:%' GROUP BY 1 HAVING count(*) <= 5", "answer", count)]
    return [
        ("rare name", [[("eq", "query", n, "str")] for n in rare]),
        ("names under a domain", [[("ends_with", "query", "." + r)] for r in regs]),
        ("a client and a name", [[("eq", "src_ip", c, "ip"), ("eq", "query", n, "str")] for c, n in client_name]),
        ("rare answer address", [[("eq", "answer", a, "ip")] for a in answers]),
        ("absent name", [[("eq", "query", f"never-seen-{i}.evil{i % 7}.example", "str")] for i in range(count)]),
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


def cidr_text_ranges(net):
    """An IPv4 network as half-open ranges of its addresses' text forms. A network on an octet
    boundary is one range (10.1.0.0/16 holds exactly the strings from '10.1.' up to, not
    including, '10.1/'); another is the union of its /8, /16 or /24 blocks' ranges (a /20 is 16
    /24s). A /32 is the address itself (lo == hi, inclusive)."""
    network = ipaddress.IPv4Network(net)
    if network.prefixlen == 32:
        return [(str(network.network_address), None)]
    octets = -(-network.prefixlen // 8)  # the smallest octet boundary at or below the network
    blocks = network.subnets(new_prefix=8 * octets) if network.prefixlen % 8 else [network]
    out = []
    for block in blocks:
        prefix = ".".join(str(block.network_address).split(".")[:octets]) + "."
        out.append((prefix, prefix[:-1] + "/"))
    return out


def to_sql(conjuncts):
    """DuckDB SQL over IPs stored as text, as Parquet users store Zeek logs."""
    parts = []
    for c in conjuncts:
        if c[0] == "eq":
            _, col, value, kind = c
            parts.append(f"{col} = {value}" if kind == "int" else f"{col} = '{value}'")
        elif c[0] == "cidr":
            ranges = [f"{c[1]} = '{lo}'" if hi is None else f"({c[1]} >= '{lo}' AND {c[1]} < '{hi}')" for lo, hi in cidr_text_ranges(c[2])]
            parts.append("(" + " OR ".join(ranges) + ")")
        elif c[0] == "ends_with":
            parts.append(f"ends_with({c[1]}, '{c[2]}')")
        elif c[0] == "ts_between":
            lo, hi = (t.replace("T", " ").rstrip("Z") for t in c[2:4])
            parts.append(f"{c[1]} BETWEEN TIMESTAMP '{lo}' AND TIMESTAMP '{hi}'")
        else:
            raise ValueError(c)
    return " AND ".join(parts)
