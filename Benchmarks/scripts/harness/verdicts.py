"""What the report says beside each target: where Sift's bytes went, and why a missed target
was missed, from the skip ledgers' `read_by` (spec/predicates.md)."""

# The parts of Sift's bytes read (`read_by` of the skip ledger, spec/predicates.md), as named here.
READ_PARTS = [("footer", "footers"), ("bloom", "bloom filters"), ("page_bloom", "page bloom filters"),
              ("page_index", "page indexes"), ("data_page", "data pages"), ("table_index", "table index")]


def spent(m):
    """Files opened and the shares of the bytes read by part, from the ledgers' `read_by`."""
    parts = m.get("read_by")
    opened = f"{m['files_total'] - m['files_skipped']:.1f} of {m['files_total']} files opened"
    if not parts or not m["bytes_read"]:
        return opened
    shares = [(name, 100 * parts.get(key, 0) / m["bytes_read"]) for key, name in READ_PARTS]
    return opened + "; " + ", ".join(f"{name} {share:.0f}%" for name, share in shares if share >= 0.5)


def why(m):
    """A missed target's cause, from where the bytes went: the metadata of the files the table
    index could not rule out, or data pages of the row groups pruning left."""
    parts = m.get("read_by")
    if not parts or not m["bytes_read"]:
        return "no breakdown of the bytes read in this run"
    opened = m["files_total"] - m["files_skipped"]
    metadata = sum(parts.get(k, 0) for k in ("footer", "bloom", "page_bloom", "page_index"))
    data = parts.get("data_page", 0)
    if metadata >= data:
        return (f"{100 * metadata / m['bytes_read']:.0f}% of it is footers, bloom filters and page indexes of the "
                f"{opened:.1f} files the table index could not rule out (the needle's keys are in those files, "
                f"though its rows are in few), {100 * data / m['bytes_read']:.0f}% data pages")
    return (f"{100 * data / m['bytes_read']:.0f}% of it is data pages of the {m.get('row_groups_read', 0):.1f} row groups "
            f"min/max and bloom filters left (the rows, or pages zone maps cannot exclude, are spread over them)")


def fmt_bytes(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def latency_why(q, recommended, peers):
    """A kind whose worst needle is slower than 0.3x DuckDB's best: that needle's figures (Sift's
    time, bytes read and their data share, rows; DuckDB's time and layout), and whether Sift's
    fixed cost or its decoding of what it read is the larger part."""
    def ratio(n):
        return n["layouts"][recommended]["time_ms"] / min(n["layouts"][p]["time_ms"] for p in peers)
    worst = max(q["needles"], key=ratio)
    m = worst["layouts"][recommended]
    peer = min(peers, key=lambda p: worst["layouts"][p]["time_ms"])
    data = (m.get("read_by") or {}).get("data_page", 0)
    opened = m["files_total"] - m["files_skipped"]
    head = (f"worst needle `{worst['sift']}` {ratio(worst):.2f}x: Sift {m['time_ms']:.1f} ms, reading {fmt_bytes(m['bytes_read'])} "
            f"from {opened} files ({100 * data / max(1, m['bytes_read']):.0f}% data pages) for {m['rows']:,} rows, "
            f"against DuckDB's {worst['layouts'][peer]['time_ms']:.1f} ms on {peer}")
    if m["bytes_read"] < 2_000_000:
        return head + " (little is read: Sift's fixed cost, the log, planning and the files opened, is most of its time)"
    return head + f" (Sift decodes what it reads at {m['bytes_read'] / 1e3 / max(m['time_ms'], 1e-3):.0f} MB/s there)"


def scan_why(q, recommended, faster):
    """Why peers answer a kind faster on average: what Sift read (share, bytes, rows) and the
    rate it decoded at, against the share of their layout those peers' readers needed."""
    m = q["layouts"][recommended]
    rate = m["bytes_read"] / 1e3 / max(m["time_ms"], 1e-3)
    peers = "; ".join(f"{p} {100 * q['layouts'][p]['bytes_read'] / q['layouts'][p]['bytes_total']:.2f}%" for p in faster)
    return (f"Sift reads less ({100 * m['bytes_read'] / m['bytes_total']:.2f}% of its layout, {fmt_bytes(m['bytes_read'])}, "
            f"for {m.get('rows', q.get('rows', 0)):,.0f} rows) but decodes it at {rate:.0f} MB/s; those peers' layouts need {peers}, "
            "which DuckDB reads faster than Sift reads its share.")
