#!/usr/bin/python3
"""PyTorch dense stepping of the sparse recurrent LIF network: the Norse baseline.

    /usr/bin/python3 bench/torch_lif.py --n 4000 --p 0.01 --v-leak 20.3 \
        --w-exc 0.3 --w-inh -1.2 [--frac-exc 0.8] [--rate-in 0 --w-in 0] [--delay-ms 1] \
        [--dt-ms 0.1] [--time 0.05] [--batch 1] [--seed 1] [--threads 1]

Norse's recurrent LIF step (reference/models.md §1, `lif_step`), written from its
equations, float32, on the CPU, under torch.no_grad():

    i+ = i + x_in + W_rec z(t - delay)          (the input of the step jumps the current)
    v^ = v + dt/tau_mem (v_leak - v + i+)
    i  = (1 - dt/tau_syn) i+
    z  = v^ > v_th;  v = v_reset where z else v^

W_rec is a dense N x N matrix (zero where there is no synapse), multiplied with the spike
vector every step whatever the activity -- what a PyTorch/Norse user runs.  The drive is
v_leak (above v_th: tonic firing at a chosen rate) and, optionally, one Poisson source per
neuron with one synapse (Sleipnir's one_to_one input), drawn per step as Bernoulli(rate
dt) and added elementwise (no dense W_in: that would only make the baseline slower).  The connectivity is drawn with the same rule and
parameters as the model file run_suite.py gives Sleipnir (Bernoulli p per pair, no
autapses), but not the same draw: the network is statistically the same, not synapse for
synapse.

Prints one JSON line with the harness's fields (bench/run_suite.py).  Timing: the loop
only, after 20 warm-up steps; build = drawing W_rec.  torch intra-op threads = --threads
and OpenBLAS threads = 1 unless OPENBLAS_NUM_THREADS is set (2 BLAS threads plus 2 torch
threads on 2 cores slow the loop down several times: reference/models.md §21).
"""

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--p", type=float, required=True)
    ap.add_argument("--frac-exc", type=float, default=0.8)
    ap.add_argument("--rate-in", type=float, default=0.0, help="Hz per neuron")
    ap.add_argument("--w-in", type=float, default=0.0, help="mV")
    ap.add_argument("--v-leak", type=float, default=0.0, help="mV")
    ap.add_argument("--w-exc", type=float, required=True, help="mV")
    ap.add_argument("--w-inh", type=float, required=True, help="mV")
    ap.add_argument("--tau-mem", type=float, default=20.0, help="ms")
    ap.add_argument("--tau-syn", type=float, default=5.0, help="ms")
    ap.add_argument("--v-th", type=float, default=20.0, help="mV")
    ap.add_argument("--v-reset", type=float, default=10.0, help="mV")
    ap.add_argument("--delay-ms", type=float, default=1.0)
    ap.add_argument("--dt-ms", type=float, default=0.1)
    ap.add_argument("--time", type=float, default=0.05, help="simulated seconds")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(a.seed)
    n, b = a.n, a.batch
    t0 = time.perf_counter()
    n_exc = int(round(a.frac_exc * n))
    # W[post, pre]: Bernoulli(p) per pair, no autapses, weight by the pre side.
    mask = torch.rand((n, n), generator=g) < a.p
    mask.fill_diagonal_(False)
    w_pre = torch.full((n,), a.w_exc, dtype=torch.float32)
    w_pre[n_exc:] = a.w_inh
    w_rec = mask.to(torch.float32) * w_pre.unsqueeze(0)
    out_degree = mask.sum(dim=0).to(torch.float64)  # synapses per pre neuron
    n_syn = int(mask.sum())
    del mask
    w_rec_t = w_rec.t().contiguous()  # z (b x n) @ W^T: (b x n) @ (n x n)
    del w_rec
    build = time.perf_counter() - t0

    dt = a.dt_ms
    hm, hs = dt / a.tau_mem, dt / a.tau_syn
    steps = max(1, int(round(a.time * 1000.0 / dt)))
    d_steps = max(1, int(round(a.delay_ms / dt)))
    p_in = a.rate_in * dt * 1e-3
    # Uniform between v_reset and v_th (Sleipnir starts at v_leak: the drive sets the
    # rate within a membrane time constant either way).
    v = a.v_reset + torch.rand((b, n), generator=g) * (a.v_th - a.v_reset)
    i = torch.zeros((b, n))
    hist = [torch.zeros((b, n)) for _ in range(d_steps)]  # z of the last d_steps steps
    spikes = torch.zeros((), dtype=torch.float64)
    events = torch.zeros((), dtype=torch.float64)

    def step(k, count):
        nonlocal v, i, spikes, events
        z_old = hist[k % d_steps]  # emitted d_steps steps ago
        i = i + z_old @ w_rec_t
        if p_in > 0:
            drive = torch.rand((b, n), generator=g) < p_in
            i = i + drive.to(torch.float32) * a.w_in
            if count:  # a drive spike is one delivery, as Sleipnir and Brian2 count it
                events += drive.sum(dtype=torch.float64)
        v_hat = v + hm * (a.v_leak - v + i)
        i = i * (1.0 - hs)
        z = (v_hat > a.v_th).to(torch.float32)
        v = torch.where(z > 0, torch.full_like(v_hat, a.v_reset), v_hat)
        hist[k % d_steps] = z
        if count:
            spikes += z.sum(dtype=torch.float64)
            events += (z.to(torch.float64) @ out_degree).sum()

    with torch.no_grad():
        for k in range(20):
            step(k, False)
        t1 = time.perf_counter()
        for k in range(20, 20 + steps):
            step(k, True)
        run = time.perf_counter() - t1

    sim = steps * dt * 1e-3
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {
        "system": "pytorch", "mode": "norse", "batch": b, "threads": a.threads,
        "neurons": n, "synapses": n_syn, "sim_time_s": sim,
        "build_wall_s": build, "run_wall_s": run,
        "spikes": int(spikes), "synaptic_events": int(events),
        "events_per_s": float(events) / run if run > 0 else None,
        "mean_rate_hz": float(spikes) / (n * b) / sim,
        "peak_rss_bytes": rss,
        "bytes_per_synapse": 4.0 * n * n / n_syn if n_syn else None,
        "torch": torch.__version__,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
