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
