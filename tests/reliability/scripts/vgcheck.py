"""Read a valgrind memcheck log and judge greenzmq's extension.

Usage: ``vgcheck.py LOG [REPORT.jsonl]``.  Prints valgrind's summary lines and every
offending record; exit status 1 when greenzmq's extension (``_zmq*.so``, ``_zmq.c``) shows
up in the stack of a "definitely lost" record or of a memory error (invalid read, write or
free, use of uninitialised memory).  CPython's own records (a few even with
PYTHONMALLOC=malloc) are counted but not blamed on greenzmq.
"""
from __future__ import annotations

import json
import re
import sys

ERROR_KINDS = ("Invalid read", "Invalid write", "Invalid free", "Mismatched free",
               "uninitialised", "Source and destination overlap", "Syscall param")


def blocks(lines: list[str]) -> list[list[str]]:
    """valgrind's records: runs of non-blank lines (header first, then its frames)."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        body = re.sub(r"^==\d+==\s?", "", line.rstrip("\n"))
        if body.strip():
            current.append(body)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def main() -> int:
    with open(sys.argv[1], errors="replace") as f:
        lines = f.readlines()
    definite = errors = 0
    ours: list[list[str]] = []
    for rec in blocks(lines):
        head = rec[0]
        mine = any("_zmq" in frame for frame in rec[1:])
        if "definitely lost in loss record" in head:
            definite += 1
        elif any(kind in head for kind in ERROR_KINDS):
            errors += 1
        else:
            continue
        if mine:
            ours.append(rec)
    summary = {}
    for line in lines:
        m = re.search(r"(definitely lost|indirectly lost|possibly lost): ([\d,]+) bytes", line)
        if m:
            summary[m.group(1).replace(" ", "_") + "_bytes"] = int(m.group(2).replace(",", ""))
        if re.search(r"(definitely|indirectly|possibly) lost:|ERROR SUMMARY", line):
            print(line.rstrip())
    print(f"definite-loss records: {definite}, memory-error records: {errors}; "
          f"with a frame in greenzmq's _zmq: {len(ours)}")
    for rec in ours:
        print("\n".join(rec) + "\n")
    if len(sys.argv) > 2:
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"test": "valgrind_memcheck", "hub": "threads", **summary,
                                "definite_records": definite, "error_records": errors,
                                "records_in_zmq_ext": len(ours)}) + "\n")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
