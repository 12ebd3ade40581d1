#!/bin/sh
# tests/test_mpi.sh -- runs across MPI ranks give exactly the outputs of one
# process (make check, when configured --with-mpi; network/dist.h).
#
# For CUBA (built in, and from examples/cuba.yaml with state recordings),
# Brunel in grid and exact mode (examples/brunel.yaml) and CUBA + STDP
# (examples/cuba_stdp.yaml, final E->E weights): the files `sleipnir run`
# writes on one process and one thread are the reference; `mpirun -np 2`
# with 1 and 2 threads per rank must write the same bytes.  Then an error found on one rank only (a delay below
# the grid step, seen by the rank that builds that synapse) must end both
# ranks with the one-process exit code and show the message once.
set -u
top=${srcdir:-.}
bin=${SLEIPNIR_BIN:-./sleipnir}
mpirun=${MPIRUN:-mpirun}
case "$bin" in /*) ;; *) bin=$(pwd)/$bin ;; esac
case "$top" in /*) ;; *) top=$(pwd)/$top ;; esac
out=$(mktemp -d "${TMPDIR:-/tmp}/test_mpi.XXXXXX") || exit 99
trap 'rm -rf "$out"' EXIT
# Root is how CI runs; two ranks may outnumber the free cores.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
# make check runs other suites beside this one: waiting ranks yield the
# cores instead of polling.
OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_mpi_yield_when_idle
mpi2() { "$mpirun" --oversubscribe -np 2 "$@"; }

n=0
fails=0
# ok TEXT...; not_ok TEXT... LOG (whose lines are shown as comments)
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() {
  n=$((n + 1)); fails=$((fails + 1))
  log=$(eval "echo \${$#}")
  text=$(echo "$*" | sed 's/ [^ ]*$//')
  echo "not ok $n - $text"
  [ -f "$log" ] && sed 's/^/# /' "$log"
}

echo "1..13"

# compare NAME MODEL-ARGS...: the reference run, then 2 ranks x 1 and 2
# threads; every file the reference wrote (spikes, and state and weight
# recordings where the model has them) must be the same bytes.
compare() {
  name=$1
  shift
  mkdir -p "$out/$name/ref"
  (cd "$out/$name/ref" && "$bin" run "$@" --threads 1 --quiet \
      --spikes spikes.csv) >"$out/$name/ref.log" 2>&1 ||
    { not_ok "$name: reference run" "$out/$name/ref.log"; return; }
  files=$(cd "$out/$name/ref" && ls)
  for t in 1 2; do
    d="$out/$name/r2t$t"
    mkdir -p "$d"
    if ! (cd "$d" && mpi2 "$bin" run "$@" --threads $t --quiet \
          --spikes spikes.csv) >"$d.log" 2>&1; then
      not_ok "$name: 2 ranks x $t threads runs" "$d.log"
      continue
    fi
    same=1
    for f in $files; do
      [ -s "$out/$name/ref/$f" ] || same=0
      cmp "$out/$name/ref/$f" "$d/$f" >>"$d.cmp" 2>&1 || same=0
    done
    if [ "$same" = 1 ]; then
      ok "$name: 2 ranks x $t threads: the same" $files
    else
      not_ok "$name: 2 ranks x $t threads: the same" $files "$d.cmp"
    fi
  done
}

# CUBA with state recordings: some exc neurons out of order, all inh ones.
sed '/^record:/,$d' "$top/examples/cuba.yaml" >"$out/cuba_state.yaml"
cat >>"$out/cuba_state.yaml" <<'EOF'
record:
  state:
    - {population: exc, vars: [v, i_exc], neurons: [3199, 0, 1600, 5],
       interval: 1 ms, file: exc_state.csv}
    - {population: inh, vars: v, neurons: all, interval: 0.5 ms,
       file: inh_v.bin}
EOF

compare cuba --time 300ms
compare cuba-state "$out/cuba_state.yaml" --time 100ms
compare brunel-grid "$top/examples/brunel.yaml" --time 300ms
compare brunel-exact "$top/examples/brunel.yaml" --time 300ms --mode exact
compare cuba-stdp "$top/examples/cuba_stdp.yaml" --time 300ms

# Only rank 0 speaks: the summary once.
if mpi2 "$bin" run --time 100ms --threads 1 >"$out/sum.log" 2>&1 &&
    [ "$(grep -c '^spikes ' "$out/sum.log")" = 1 ] &&
    grep -q '^ranks  *2 x 1 threads' "$out/sum.log"; then
  ok "the summary is printed once, with ranks x threads"
else
  not_ok "the summary is printed once, with ranks x threads" "$out/sum.log"
fi

# threads: 0 (all cores) across ranks: the ranks on this machine share its
# cores (each gets its share, at most one thread per 1024 of CUBA's 4000
# neurons), so that two ranks do not run twice as many threads as cores.
share=$(( $(nproc) / 2 ))
[ "$share" -lt 1 ] && share=1
[ "$share" -gt 3 ] && share=3
if mpi2 "$bin" run --time 50ms --quiet --json >"$out/auto.log" 2>&1 &&
    grep -q "\"threads\":$share," "$out/auto.log"; then
  ok "threads 0 on 2 ranks: $share thread(s) each on $(nproc) cores"
else
  not_ok "threads 0 on 2 ranks: $share thread(s) each" "$out/auto.log"
fi

# A delay shorter than the grid step onto population b, whose one neuron
# lies in the last partition: only rank 1 builds that synapse and finds the
# error, yet both ranks stop with the one-process exit code and rank 0
# shows rank 1's message, once.
cat >"$out/bad.yaml" <<'EOF'
simulation: {time: 10 ms, mode: grid, dt: 0.1 ms}
populations:
  a: {size: 100, model: lif_box}
  b: {size: 1, model: lif_box}
projections:
  - {from: a, to: a, connect: {fixed_indegree: 5}, weight: 0.1 mV,
     delay: 1 ms}
  - {from: a, to: b, connect: {fixed_indegree: 5}, weight: 0.1 mV,
     delay: 0.01 ms}
EOF
"$bin" run "$out/bad.yaml" --threads 1 >"$out/bad1.log" 2>&1
rc1=$?
mpi2 "$bin" run "$out/bad.yaml" --threads 1 >"$out/bad2.log" 2>&1
rc2=$?
if [ "$rc1" != 0 ] && [ "$rc2" = "$rc1" ] &&
    [ "$(grep -c 'shorter than the grid step' "$out/bad2.log")" = 1 ]; then
  ok "an error on one rank: exit $rc1 as in one process, one message"
else
  echo "# one process: exit $rc1; two ranks: exit $rc2"
  sed 's/^/# 1 process: /' "$out/bad1.log"
  not_ok "an error on one rank: exit code and one message" "$out/bad2.log"
fi

[ "$fails" = 0 ]
