#!/usr/bin/env bash
# The long reliability run (`make soak`): the pytest suite in
# tests/reliability with GREENZMQ_SOAK=1 (full counts), then valgrind memcheck on a
# short core run, then a table of what was tried and what held.  See SOAK.md.
#
# Then the random-call fuzzer (tests/fuzz/run.py), 3 seeds x 100,000 calls by default.
#
# Environment: PYTHON (default .venv/bin/python), SOAK_OUT (default /tmp/greenzmq-soak),
# SOAK_VALGRIND_MESSAGES (default 1000), PYTEST_ARGS (extra pytest arguments),
# SOAK_FUZZ_SEEDS (default "1 2 3"), SOAK_FUZZ_CALLS (default 100000).
set -u
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
OUT=${SOAK_OUT:-${TMPDIR:-/tmp}/greenzmq-soak}
VG_MESSAGES=${SOAK_VALGRIND_MESSAGES:-1000}
mkdir -p "$OUT"
REPORT="$OUT/report.jsonl"
: > "$REPORT"
# GREENZMQ_SOAK=0 bash soak.sh: a quick dry run of this script with the short counts
export GREENZMQ_SOAK="${GREENZMQ_SOAK:-1}" GREENZMQ_RELIABILITY_REPORT="$REPORT"
status=0
t0=$(date +%s)

echo "== pytest tests/reliability (GREENZMQ_SOAK=$GREENZMQ_SOAK)"
# shellcheck disable=SC2086
"$PY" -m pytest -q -p no:cacheprovider --durations=20 tests/reliability ${PYTEST_ARGS:-} \
    | tee "$OUT/pytest.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
t1=$(date +%s)

echo "== random-call fuzz: ${SOAK_FUZZ_SEEDS:-1 2 3} x ${SOAK_FUZZ_CALLS:-100000} calls (tests/fuzz)"
# shellcheck disable=SC2086
"$PY" tests/fuzz/run.py --seeds ${SOAK_FUZZ_SEEDS:-1 2 3} --calls "${SOAK_FUZZ_CALLS:-100000}" \
    | tee "$OUT/fuzz.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
tf=$(date +%s)

echo "== valgrind memcheck on a short core run ($VG_MESSAGES messages)"
if command -v valgrind >/dev/null 2>&1; then
    PYTHONMALLOC=malloc timeout 900 valgrind --tool=memcheck --leak-check=full \
        --show-leak-kinds=definite --num-callers=40 --log-file="$OUT/valgrind.log" \
        "$PY" tests/reliability/scripts/cases.py valgrind_core threads \
        "{\"messages\": $VG_MESSAGES}" || status=1
    "$PY" tests/reliability/scripts/vgcheck.py "$OUT/valgrind.log" "$REPORT" || status=1
else
    echo "valgrind not installed: skipped (apt-get install valgrind)"
fi
t2=$(date +%s)

echo
echo "== what was tried and what held (pytest $((t1 - t0)) s, fuzz $((tf - t1)) s, valgrind $((t2 - tf)) s)"
"$PY" tests/reliability/scripts/table.py "$REPORT" | tee "$OUT/table.md"
echo
echo "logs in $OUT; status: $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
