#!/bin/sh
# tests/bench_smoke.sh -- the benchmark harness's smoke test (make check).
#
# Runs bench/run_suite.py --suite tiny (Sleipnir's four modes on small sparse
# LIF networks, a couple of seconds) into a temporary directory and checks
# what it writes: results.jsonl with every required field on every line and
# the four modes present, with identical `network` objects for the runs of
# one network and dense/clock agreeing on spikes; report.md with its
# sections; three PNG files.  Skips (77) only when python3 is missing.
set -u
PY=${PYTHON3:-/usr/bin/python3}
if ! [ -x "$PY" ]; then
  PY=$(command -v python3 2>/dev/null) || { echo "1..0 # SKIP no python3"; exit 77; }
fi
top=${srcdir:-.}
bin=${SLEIPNIR_BIN:-./sleipnir}
out=$(mktemp -d "${TMPDIR:-/tmp}/bench_smoke.XXXXXX") || exit 99
trap 'rm -rf "$out"' EXIT

echo "1..2"
if "$PY" "$top/bench/run_suite.py" --suite tiny --sleipnir "$bin" \
    --out "$out/res" >"$out/log" 2>&1; then
  echo "ok 1 - run_suite.py --suite tiny"
else
  echo "not ok 1 - run_suite.py --suite tiny"
  sed 's/^/# /' "$out/log"
  echo "not ok 2 - its files # not checked"
  exit 1
fi

if "$PY" - "$out/res" >"$out/check" 2>&1 <<'PYEOF'
import json, os, sys
d = sys.argv[1]
need = ("system", "mode", "network", "threads", "build_wall_s", "run_wall_s", "spikes",
        "synaptic_events", "events_per_s", "peak_rss_bytes", "bytes_per_synapse")
recs = [json.loads(l) for l in open(os.path.join(d, "results.jsonl")) if l.strip()]
assert recs, "results.jsonl is empty"
for r in recs:
    missing = [k for k in need if r.get(k) is None]
    assert not missing, f"{r['system']} {r['mode']}: missing {missing}"
    assert isinstance(r["network"], dict) and r["network"].get("name"), r["network"]
    assert r["run_wall_s"] > 0 and r["machine"].get("cpu_model"), r
modes = {r["mode"] for r in recs}
assert modes == {"exact", "grid", "clock", "dense"}, modes
# Runs of one network carry one identical network object; per round, every mode
# ran once, and clock (same simulated time as exact/grid) agrees with grid exactly.
by = {}
for r in recs:
    by.setdefault(json.dumps(r["network"], sort_keys=True), []).append(r)
assert len(by) == 6, len(by)
for runs in by.values():
    rounds = {r["round"] for r in runs}
    assert rounds == {1, 2}, rounds
    for rnd in rounds:
        got = {r["mode"]: r for r in runs if r["round"] == rnd}
        assert set(got) == modes, got.keys()
        assert got["clock"]["spikes"] == got["grid"]["spikes"], (got["clock"]["spikes"], got["grid"]["spikes"])
        assert got["clock"]["synaptic_events"] == got["grid"]["synaptic_events"]
rep = open(os.path.join(d, "report.md")).read()
for s in ("# Throughput benchmark", "dense ÷ this", "Where event-driven wins", "Machine:"):
    assert s in rep, f"report.md lacks {s!r}"
for p in ("wall_vs_n.png", "speedup_map.png", "events_per_s.png"):
    with open(os.path.join(d, p), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", p
print("all checked")
PYEOF
then
  echo "ok 2 - results.jsonl, report.md and the plots"
else
  echo "not ok 2 - results.jsonl, report.md and the plots"
  sed 's/^/# /' "$out/check"
  exit 1
fi
