"""Report blocks of code written twice, Cython parts (.pyx, .pxi, .pxd) and C headers included.

Usage: ``python tools/dupcheck.py [--min N] PATH...`` (directories are searched). Exits 1
when a run of N or more meaningful lines (default 6) appears in two places. Lines are
compared after stripping indentation; blank lines, comments and lines that carry no logic
(lone brackets, ``else:``, ``pass``, docstring quotes) are skipped, so only shared logic counts.
A block that must stay duplicated can say why with a ``dupcheck: ok`` comment on its first line.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict

SUFFIXES = (".py", ".pyx", ".pxi", ".pxd", ".h")
TRIVIAL = {"", "(", ")", "[", "]", "{", "}", "};", "),", "],", "},", "else:", "try:", "pass",
           '"""', "'''", "return", "break", "continue", "finally:", "#endif", "*/", "/*"}


def meaningful(path: str) -> list[tuple[int, str]]:
    """(line number, normalised text) of the lines that carry logic."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for no, raw in enumerate(f, 1):
            line = raw.strip()
            if line in TRIVIAL or line.startswith(("#", "//", "import ", "from ")):
                continue
            out.append((no, line))
    return out


def files(paths: list[str]) -> list[str]:
    found = []
    for p in paths:
        if os.path.isfile(p):
            found.append(p)
            continue
        for root, dirs, names in os.walk(p):
            dirs[:] = [d for d in dirs if not d.startswith((".", "__pycache__", "build"))]
            found += [os.path.join(root, n) for n in sorted(names) if n.endswith(SUFFIXES)]
    return found


def find(paths: list[str], n: int) -> list[tuple[str, int, str, int, int]]:
    """Pairs of places sharing ``n`` or more meaningful lines: (a, line, b, line, length)."""
    seen: dict[tuple[str, ...], list[tuple[str, int, int]]] = defaultdict(list)
    texts = {}
    for path in files(paths):
        lines = texts[path] = meaningful(path)
        for i in range(len(lines) - n + 1):
            seen[tuple(t for _no, t in lines[i:i + n])].append((path, i, lines[i][0]))
    reported: set[tuple[str, int, str, int]] = set()
    out = []
    for places in seen.values():
        if len(places) < 2:
            continue
        (pa, ia, la), *rest = places
        for pb, ib, lb in rest:
            # one report per maximal run: skip windows that continue an earlier match
            if (pa, ia - 1, pb, ib - 1) in reported or (pa == pb and abs(ia - ib) < n):
                reported.add((pa, ia, pb, ib))
                continue
            reported.add((pa, ia, pb, ib))
            a, b = texts[pa], texts[pb]
            length = n
            while (ia + length < len(a) and ib + length < len(b)
                   and a[ia + length][1] == b[ib + length][1]):
                length += 1
            if "dupcheck: ok" in _raw_line(pa, la) or "dupcheck: ok" in _raw_line(pb, lb):
                continue
            out.append((pa, la, pb, lb, length))
    return out


def _raw_line(path: str, no: int) -> str:
    with open(path, encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f, 1):
            if i == no - 1 or i == no:
                if "dupcheck: ok" in line:
                    return line
            if i > no:
                break
    return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min", type=int, default=6, help="shortest run that counts (lines)")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    found = find(args.paths, args.min)
    for pa, la, pb, lb, length in found:
        print(f"{pa}:{la}: {length} lines also at {pb}:{lb}")
    if found:
        print(f"dupcheck: {len(found)} duplicated blocks", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
