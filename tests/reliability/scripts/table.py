"""Print the rows soak.sh collected (JSON lines) as a Markdown table: ``table.py FILE``."""
from __future__ import annotations

import json
import sys

SKIP = {"test", "hub"}


def main() -> int:
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    print("| test | hub | figures |")
    print("|---|---|---|")
    for r in rows:
        figures = ", ".join(f"{k}={v}" for k, v in r.items() if k not in SKIP)
        print(f"| {r.get('test', '?')} | {r.get('hub', '')} | {figures} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
