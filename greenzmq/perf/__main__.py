"""``python -m greenzmq.perf``: the benchmark suite behind ``make bench``."""
from greenzmq.perf.suite import main

raise SystemExit(main())
