"""Shared plumbing of the Brian2 benchmark scripts (brian2_cuba.py, brian2_brunel.py).

Run with Debian's interpreter, which has Brian2 2.5.1: /usr/bin/python3.

Timing, as measured here (and stated in the JSON each script prints):

cpp_standalone
    The scripts build with ``device.build(compile=True, run=False)`` and then run the
    binary with ``device.run()``.  Four wall-clock stamps (CLOCK_MONOTONIC) are
    compiled into the generated ``main()`` with ``device.insert_code``: at the start
    of main, just before and just after ``Network::run`` (slots
    ``before_network_run`` / ``after_network_run``), and after ``brian_end()``
    has written the results.  So

    * ``run_wall_s``   = wall time of ``Network::run`` only (the simulation loop);
    * ``build_wall_s`` = Python-side network description and code generation
      + compilation (``make``) + the binary's own setup before the loop
      (loading static arrays, creating synapses, initialising state);
    * ``teardown_wall_s`` = the binary writing its results to disk (not counted).

    Brian2 2.5.1 also records ``device._last_run_time``, but without OpenMP it is
    ``std::clock()`` (CPU time, not wall time); it is reported as
    ``brian2_last_run_time_s`` for reference only.  ``peak_rss_bytes`` is the
    binary's own VmHWM from /proc/self/status (not ``getrusage``, whose ru_maxrss
    survives ``execve`` and would include the forked Python parent; the compiler's
    memory is not counted either).

runtime
    ``run_wall_s`` = ``device._last_run_time`` = wall time of Brian2's main loop
    (``time.time()`` around it, after ``before_run`` has generated and compiled the
    code objects); ``build_wall_s`` = wall time from after the imports to the end of
    ``run()`` minus ``run_wall_s``.  ``peak_rss_bytes`` is the Python process's own.

Threads: ``--threads 1`` builds Brian2's plain serial code (``openmp_threads = 0``,
Brian2's default and its fastest single-thread form); ``--threads N`` (N > 1) sets
``prefs.devices.cpp_standalone.openmp_threads = N``.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time

T_SCRIPT_START = time.perf_counter()


def parse_args(description, default_time, extra=None):
    """The common options; extra(ap), if given, adds a script's own."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--device", choices=["cpp_standalone", "runtime"], default="cpp_standalone",
                    help="Brian2 device (default cpp_standalone)")
    ap.add_argument("--time", type=float, default=default_time,
                    help="simulated time in seconds (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--threads", type=int, default=1,
                    help="cpp_standalone threads (1 = serial code, N>1 = OpenMP with N threads)")
    ap.add_argument("--build-dir", default=None,
                    help="cpp_standalone project directory (default: a fresh temporary directory, "
                         "deleted afterwards; give one to keep it and reuse its compiled objects)")
    ap.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")
    if extra is not None:
        extra(ap)
    args = ap.parse_args()
    if args.time <= 0:
        ap.error("--time must be > 0")
    if args.threads < 1:
        ap.error("--threads must be >= 1")
    return args


class Bench:
    """Sets up the device, takes the timestamps, prints the JSON line."""

    def __init__(self, args):
        self.args = args
        # Quiet the code generation chatter; JSON goes on stdout, diagnostics on stderr.
        import brian2
        self.b2 = brian2
        brian2.prefs.logging.console_log_level = "WARNING"
        brian2.prefs.logging.file_log = False
        brian2.prefs.logging.delete_log_on_exit = True
        self.t0 = time.perf_counter()  # after the import of brian2
        self.import_s = self.t0 - T_SCRIPT_START
        self.tmpdir = None
        if args.device == "cpp_standalone":
            if args.build_dir is None:
                self.tmpdir = tempfile.mkdtemp(prefix="brian2-bench-")
                self.build_dir = self.tmpdir
            else:
                self.build_dir = os.path.abspath(args.build_dir)
                os.makedirs(self.build_dir, exist_ok=True)
            brian2.set_device("cpp_standalone", build_on_run=False, directory=self.build_dir)
            brian2.prefs.devices.cpp_standalone.openmp_threads = (
                0 if args.threads == 1 else args.threads)
            for h in ("<stdio.h>", "<time.h>"):
                if h not in brian2.prefs.codegen.cpp.headers:
                    brian2.prefs.codegen.cpp.headers.append(h)
        else:
            brian2.set_device("runtime")
            if args.threads != 1:
                print("brian2 runtime device is single-threaded; --threads ignored",
                      file=sys.stderr)
        brian2.defaultclock.dt = args.dt * brian2.ms
        brian2.seed(args.seed)

    def before_run(self):
        """Call after the network is described, before run(): plants the timers."""
        if self.args.device != "cpp_standalone":
            return
        dev = self.b2.device
        dev.insert_code("before_start",
                        "struct timespec _bench_ts[4]; "
                        "clock_gettime(CLOCK_MONOTONIC, &_bench_ts[0]);")
        dev.insert_code("before_network_run", "clock_gettime(CLOCK_MONOTONIC, &_bench_ts[1]);")
        dev.insert_code("after_network_run", "clock_gettime(CLOCK_MONOTONIC, &_bench_ts[2]);")
        dev.insert_code("after_end", r"""
{
    clock_gettime(CLOCK_MONOTONIC, &_bench_ts[3]);
    /* VmHWM, not getrusage(): ru_maxrss survives execve and would include the
       forked Python parent's memory. */
    long _bench_hwm_kb = -1;
    FILE *_bench_s = fopen("/proc/self/status", "r");
    if (_bench_s) {
        char _bench_line[256];
        while (fgets(_bench_line, sizeof _bench_line, _bench_s))
            if (sscanf(_bench_line, "VmHWM: %ld", &_bench_hwm_kb) == 1) break;
        fclose(_bench_s);
    }
    FILE *_bench_f = fopen("results/bench_timing.txt", "w");
    if (_bench_f) {
        double _bs[4];
        for (int _k = 0; _k < 4; _k++)
            _bs[_k] = _bench_ts[_k].tv_sec + 1e-9 * _bench_ts[_k].tv_nsec;
        fprintf(_bench_f, "%.9f %.9f %.9f %ld\n", _bs[1] - _bs[0], _bs[2] - _bs[1],
                _bs[3] - _bs[2], _bench_hwm_kb);
        fclose(_bench_f);
    }
}
""")

    def run(self, net, duration_s):
        """Runs the brian2 Network `net`; returns the timing dict."""
        b2 = self.b2
        if self.args.device == "runtime":
            net.run(duration_s * b2.second)
            t_end = time.perf_counter()
            run_s = float(b2.device._last_run_time)
            total = t_end - self.t0
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            return {"build_wall_s": total - run_s, "run_wall_s": run_s,
                    "peak_rss_bytes": rss,
                    "timing_source": "runtime: device._last_run_time (time.time() around the loop)"}
        net.run(duration_s * b2.second)  # only records the run (build_on_run=False)
        dev = b2.device
        dev.build(directory=self.build_dir, compile=True, run=False, with_output=False)
        t_built = time.perf_counter()
        dev.run(self.build_dir, False, [])
        t_ran = time.perf_counter()
        with open(os.path.join(self.build_dir, "results", "bench_timing.txt")) as f:
            setup_s, run_s, teardown_s, maxrss_kb = f.read().split()
        setup_s, run_s, teardown_s = float(setup_s), float(run_s), float(teardown_s)
        make_s = dev.timers["compile"].get("make") or 0.0
        return {
            "build_wall_s": (t_built - self.t0) + setup_s,
            "run_wall_s": run_s,
            "peak_rss_bytes": int(maxrss_kb) * 1024,
            "build_breakdown": {
                "describe_and_codegen_s": (t_built - self.t0) - make_s,
                "compile_s": make_s,
                "binary_setup_s": setup_s,
            },
            "teardown_wall_s": teardown_s,
            "binary_wall_s": t_ran - t_built,
            "brian2_last_run_time_s": float(getattr(dev, "_last_run_time", float("nan"))),
            "timing_source": "cpp_standalone: CLOCK_MONOTONIC around Network::run in main()",
        }

    def finish(self, network, timing, spikes, n_neurons, synaptic_events, extra=None):
        T = self.args.time
        out = {
            "system": "brian2",
            "version": self.b2.__version__,
            "mode": self.args.device,
            "network": network,
            "neurons": n_neurons,
            "threads": self.args.threads,
            "seed": self.args.seed,
            "sim_time_s": T,
            "dt_ms": self.args.dt,
            "spikes": int(spikes),
            "mean_rate_hz": spikes / n_neurons / T,
            "synaptic_events": int(synaptic_events),
            "events_per_s": synaptic_events / timing["run_wall_s"] if timing["run_wall_s"] > 0 else None,
            "python": platform.python_version(),
        }
        out.update(timing)
        if extra:
            out.update(extra)
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        sys.stdout.write(json.dumps(out, sort_keys=False) + "\n")
        sys.stdout.flush()


def outdegree_events(counts, pre_idx, n_pre):
    """sum_i spikes_i * outdegree_i for one projection (pre_idx = synapse source indices)."""
    import numpy as np
    outdeg = np.bincount(np.asarray(pre_idx, dtype=np.int64), minlength=n_pre)
    return int(np.dot(np.asarray(counts[:n_pre], dtype=np.int64), outdeg))
