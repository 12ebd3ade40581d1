/*
 * network/dist.c -- the rank layout, the build's agreements and the
 * per-window spike exchange across MPI ranks (dist.h).
 *
 * Every MPI call is behind SLP_WITH_MPI; without it (or with one rank) the
 * functions give the one-process answer and sim->dist stays NULL.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <uv.h>

#ifdef SLP_WITH_MPI
#include <limits.h>
#include <mpi.h>
#endif

#include "baseline/stepper.h"
#include "core/alloc.h"
#include "network/dist.h"
#include "network/record.h"
#include "network/sim.h"
#include "plasticity/stdp.h"

/* The statistics each rank holds for its own partitions (dist.h). */
enum { TOT_SYN, TOT_SYN_BYTES, TOT_STATE_BYTES, TOT_INPUT, TOT_EVENTS, N_TOT };

struct slp__dist {
  uint32_t rank, n_ranks;
  int failed;             /* the error the ranks agreed on, or 0 */
  int pending;            /* an error of this rank not yet told the others */
  uint32_t *src_first;    /* per source: first partition with a synapse */
  uint8_t *src_spread;    /* per source: synapses in several partitions */
  uint8_t *direct_ok;     /* per input: drawn directly on every rank */
  unsigned char *send;    /* the window's outgoing spikes */
  size_t send_cap;
  unsigned char *recv;    /* every rank's spikes of the window */
  size_t recv_cap;
  int *counts, *displs;   /* per rank, for the collectives */
  long long *head;        /* per rank: message bytes and error word */
  uint64_t totals[N_TOT]; /* statistics summed over the ranks */
  uint32_t node_ranks;    /* ranks on this rank's machine */
};

void slp__dist_free(slp__dist *d) {
  if (d == NULL)
    return;
  slp__free(d->src_first);
  slp__free(d->src_spread);
  slp__free(d->direct_ok);
  slp__free(d->send);
  slp__free(d->recv);
  slp__free(d->counts);
  slp__free(d->displs);
  slp__free(d->head);
  slp__free(d);
}

int slp__dist_program_init(int *argc, char ***argv) {
#ifdef SLP_WITH_MPI
  if (MPI_Init(argc, argv) != MPI_SUCCESS)
    return 1;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  /* Rank 0 receives every spike and every rank's errors: it alone speaks. */
  if (rank != 0 && (freopen("/dev/null", "w", stdout) == NULL ||
                    freopen("/dev/null", "w", stderr) == NULL))
    return 1;
#else
  (void)argc;
  (void)argv;
#endif
  return 0;
}

void slp__dist_program_finish(void) {
#ifdef SLP_WITH_MPI
  int init = 0, done = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&done);
  if (init && !done)
    MPI_Finalize();
#endif
}

uint32_t slp__dist_ranks(uint32_t *rank) {
  *rank = 0;
#ifdef SLP_WITH_MPI
  int init = 0, done = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&done);
  if (init && !done) {
    int r = 0, n = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    *rank = (uint32_t)r;
    return (uint32_t)n;
  }
#endif
  return 1;
}

/* The ranks on this machine (MPI_COMM_TYPE_SHARED), 1 without MPI. */
static uint32_t ranks_here(uint32_t rank) {
  int size = 1;
#ifdef SLP_WITH_MPI
  MPI_Comm node;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, (int)rank,
                          MPI_INFO_NULL, &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &size);
    MPI_Comm_free(&node);
  }
#else
  (void)rank;
#endif
  return size > 1 ? (uint32_t)size : 1;
}

/* "All cores" (threads: 0) across ranks: the ranks sharing a machine share
 * its cores, and every rank must run the same number of partitions, so the
 * smallest share of any machine. */
static uint32_t auto_per_rank(uint32_t per_rank, uint32_t node_ranks) {
  uint32_t share = uv_available_parallelism() / node_ranks;
  uint32_t mine = per_rank < share ? per_rank : share;
  if (mine < 1)
    mine = 1;
#ifdef SLP_WITH_MPI
  uint32_t all = mine;
  if (MPI_Allreduce(&mine, &all, 1, MPI_UINT32_T, MPI_MIN, MPI_COMM_WORLD) ==
      MPI_SUCCESS)
    mine = all;
#endif
  return mine;
}

int slp__dist_layout(slp_sim *sim, uint32_t per_rank, slp_diag *diag) {
  uint32_t rank, n = slp__dist_ranks(&rank);
  if (n > 1 && slp__stepper_mode(sim->cfg.mode))
    return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, "simulation.mode",
                        "the dense and clock modes run in one process, not "
                        "across %u MPI ranks",
                        n);
  uint32_t node_ranks = n > 1 ? ranks_here(rank) : 1;
  if (n > 1 && sim->cfg.threads == 0)
    per_rank = auto_per_rank(per_rank, node_ranks);
  if ((uint64_t)n * per_rank > SLP__OWNER_PART)
    return slp_diag_set(diag, SLP_ELIMIT, NULL, 0, 0, "simulation.threads",
                        "%u ranks x %u threads exceed the %u partitions "
                        "supported",
                        n, per_rank, SLP__OWNER_PART);
  sim->n_ranks = n;
  sim->rank = rank;
  sim->n_parts = n * per_rank;
  sim->part_lo = rank * per_rank;
  sim->part_hi = sim->part_lo + per_rank;
  if (n == 1)
    return 0;
  slp__dist *d = slp__calloc(1, sizeof *d);
  if (d == NULL)
    return SLP_ENOMEM;
  sim->dist = d;
  d->rank = rank;
  d->n_ranks = n;
  d->counts = slp__calloc(n, sizeof *d->counts);
  d->displs = slp__calloc(n, sizeof *d->displs);
  d->head = slp__calloc(2 * (size_t)n, sizeof *d->head);
  d->node_ranks = node_ranks;
  return d->counts && d->displs && d->head ? 0 : SLP_ENOMEM;
}

#ifdef SLP_WITH_MPI

int slp__dist_agree(slp_sim *sim, int rc, slp_diag *diag) {
  slp__dist *d = sim->dist;
  if (d == NULL)
    return rc;
  if (d->failed != 0)
    return d->failed;
  if (rc == 0)
    rc = d->pending;
  int mine = rc != 0 ? (int)d->rank : (int)d->n_ranks, root = 0;
  MPI_Allreduce(&mine, &root, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (root == (int)d->n_ranks)
    return 0;
  /* The lowest failing rank's error and explanation, for rank 0 to show. */
  slp_diag tmp;
  slp_diag *dg = diag != NULL ? diag : &tmp;
  if (diag == NULL || (int)d->rank != root)
    memset(&tmp, 0, sizeof tmp);
  if ((int)d->rank != root && diag != NULL)
    memset(diag, 0, sizeof *diag);
  MPI_Bcast(&rc, 1, MPI_INT, root, MPI_COMM_WORLD);
  MPI_Bcast(dg, (int)sizeof *dg, MPI_BYTE, root, MPI_COMM_WORLD);
  d->failed = rc;
  return rc;
}

/* The node's partitions holding synapses onto it, among this rank's. */
static void local_reach(const slp_sim *sim, uint32_t node, uint32_t *first,
                        uint32_t *count) {
  *first = sim->n_parts;
  *count = 0;
  for (uint32_t j = sim->part_lo; j < sim->part_hi; j++) {
    const slp__csr *c = &sim->parts[j].csr;
    if (c->row_seg[node + 1] == c->row_seg[node])
      continue;
    if (*first == sim->n_parts)
      *first = j;
    (*count)++;
  }
}

int slp__dist_synapses(slp_sim *sim, slp_tick *d_min, slp_tick *d_max) {
  slp__dist *d = sim->dist;
  size_t ns = sim->n_sources, ni = sim->n_inputs;
  /* Positive minimum: a rank without synapses reports the largest tick. */
  long long lmin = *d_min > 0 ? (long long)*d_min : LLONG_MAX, gmin = 0;
  long long lmax = (long long)*d_max, gmax = 0;
  d->src_first = slp__malloc((ns > 0 ? ns : 1) * sizeof *d->src_first);
  d->src_spread = slp__malloc(ns > 0 ? ns : 1);
  d->direct_ok = slp__malloc(ni > 0 ? ni : 1);
  uint32_t *count = slp__malloc((ns > 0 ? ns : 1) * sizeof *count);
  int ok = d->src_first && d->src_spread && d->direct_ok && count, all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all) {
    slp__free(count);
    return SLP_ENOMEM;
  }
  MPI_Allreduce(&lmin, &gmin, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&lmax, &gmax, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  *d_min = gmin == LLONG_MAX ? 0 : (slp_tick)gmin;
  *d_max = (slp_tick)gmax;
  for (size_t s = 0; s < ns; s++)
    local_reach(sim, sim->n_neurons + (uint32_t)s, &d->src_first[s],
                &count[s]);
  for (size_t k = 0; k < ni; k++) {
    int e = 1;
    for (uint32_t j = sim->part_lo; e && j < sim->part_hi; j++)
      e = slp__direct_eligible(&sim->inputs[k], &sim->parts[j].csr);
    d->direct_ok[k] = (uint8_t)e;
  }
  /* Counts are at most n_parts each: no overflow in the sum. */
  if (ns > 0) {
    MPI_Allreduce(MPI_IN_PLACE, d->src_first, (int)ns, MPI_UINT32_T, MPI_MIN,
                  MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, count, (int)ns, MPI_UINT32_T, MPI_SUM,
                  MPI_COMM_WORLD);
  }
  if (ni > 0)
    MPI_Allreduce(MPI_IN_PLACE, d->direct_ok, (int)ni, MPI_UINT8_T, MPI_LAND,
                  MPI_COMM_WORLD);
  for (size_t s = 0; s < ns; s++)
    d->src_spread[s] = count[s] > 1;
  slp__free(count);
  return 0;
}

int slp__dist_window(slp_sim *sim, slp_tick *w) {
  (void)sim;
  long long mine = (long long)*w, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  *w = (slp_tick)all;
  return 0;
}

/* Per local partition in the message: its neuron spikes and shared source
 * spikes of the window, counts first. */
typedef struct part_head {
  uint64_t n_spikes, n_shared;
} part_head;

static size_t message_bytes(const slp_sim *sim, unsigned par) {
  size_t b = 0;
  for (uint32_t j = sim->part_lo; j < sim->part_hi; j++)
    b += sizeof(part_head) + (sim->parts[j].spikes[par].n +
                              sim->parts[j].shared[par].n) *
                                 sizeof(slp__spike);
  return b;
}

static void pack(const slp_sim *sim, unsigned par, unsigned char *at) {
  for (uint32_t j = sim->part_lo; j < sim->part_hi; j++) {
    const slp__spikebuf *ns = &sim->parts[j].spikes[par],
                        *sh = &sim->parts[j].shared[par];
    part_head h = {ns->n, sh->n};
    memcpy(at, &h, sizeof h);
    at += sizeof h;
    if (ns->n > 0)
      memcpy(at, ns->s, ns->n * sizeof *ns->s);
    at += ns->n * sizeof *ns->s;
    if (sh->n > 0)
      memcpy(at, sh->s, sh->n * sizeof *sh->s);
    at += sh->n * sizeof *sh->s;
  }
}

static int fill(slp__spikebuf *b, const unsigned char **at, uint64_t n) {
  if (n > b->cap && slp__grow((void **)&b->s, &b->cap, n, sizeof *b->s))
    return SLP_ENOMEM;
  if (n > 0)
    memcpy(b->s, *at, n * sizeof *b->s);
  b->n = n;
  *at += n * sizeof *b->s;
  return 0;
}

/* Rank r's message into its partitions' buffers of parity par. */
static int unpack(slp_sim *sim, uint32_t r, unsigned par,
                  const unsigned char *at) {
  uint32_t T = sim->part_hi - sim->part_lo;
  for (uint32_t j = r * T; j < (r + 1) * T; j++) {
    part_head h;
    memcpy(&h, at, sizeof h);
    at += sizeof h;
    if (fill(&sim->parts[j].spikes[par], &at, h.n_spikes) != 0 ||
        fill(&sim->parts[j].shared[par], &at, h.n_shared) != 0)
      return SLP_ENOMEM;
  }
  return 0;
}

/* The error every rank takes: the lowest rank's real error, else a stop. */
static int agreed_error(const long long *head, uint32_t n) {
  int e = 0;
  for (uint32_t r = 0; r < n; r++) {
    int x = (int)head[2 * r + 1];
    if (x != 0 && (e == 0 || e == SLP_ECANCELED))
      e = x;
  }
  return e;
}

int slp__dist_exchange(slp_sim *sim, unsigned par, int err) {
  slp__dist *d = sim->dist;
  uint32_t R = d->n_ranks;
  size_t bytes = 0;
  if (err == 0 || err == SLP_ECANCELED) {
    if (d->pending != 0)
      err = d->pending;
    bytes = message_bytes(sim, par);
    if (bytes > INT_MAX)
      err = SLP_ELIMIT;
    else if (bytes > d->send_cap &&
             slp__grow((void **)&d->send, &d->send_cap, bytes, 1) != 0)
      err = SLP_ENOMEM;
  }
  if (err != 0 && err != SLP_ECANCELED)
    bytes = 0;
  long long mine[2] = {(long long)bytes, err}, *head = d->head;
  MPI_Allgather(mine, 2, MPI_LONG_LONG, head, 2, MPI_LONG_LONG,
                MPI_COMM_WORLD);
  int e = agreed_error(head, R);
  uint64_t total = 0;
  for (uint32_t r = 0; r < R; r++)
    total += (uint64_t)head[2 * r];
  if (e == 0 || e == SLP_ECANCELED) {
    if (total > INT_MAX)
      e = SLP_ELIMIT; /* every rank sees the same total */
  }
  if (e != 0 && e != SLP_ECANCELED)
    return e;
  int ok = total <= d->recv_cap ||
           slp__grow((void **)&d->recv, &d->recv_cap, total, 1) == 0;
  for (uint32_t r = 0, at = 0; r < R; r++) {
    d->counts[r] = (int)head[2 * r];
    d->displs[r] = (int)at;
    at += (uint32_t)head[2 * r];
  }
  pack(sim, par, d->send);
  /* A rank without room for the others' spikes still takes part; it
   * reports the failure at the next exchange (or the run's end), before
   * any result is written. */
  if (!ok) {
    d->pending = SLP_ENOMEM;
    MPI_Allgatherv(d->send, (int)bytes, MPI_BYTE, NULL, d->counts, d->displs,
                   MPI_BYTE, MPI_COMM_WORLD);
    return e;
  }
  MPI_Allgatherv(d->send, (int)bytes, MPI_BYTE, d->recv, d->counts,
                 d->displs, MPI_BYTE, MPI_COMM_WORLD);
  for (uint32_t r = 0; r < R; r++)
    if (r != d->rank &&
        unpack(sim, r, par, d->recv + d->displs[r]) != 0)
      d->pending = SLP_ENOMEM;
  return e;
}

int slp__dist_gather(slp_sim *sim, void **buf, uint64_t *n, size_t size) {
  slp__dist *d = sim->dist;
  uint32_t R = d->n_ranks;
  long long mine = (long long)(*n * size), *sizes = d->head;
  int ok, all = 0;
  MPI_Allgather(&mine, 1, MPI_LONG_LONG, sizes, 1, MPI_LONG_LONG,
                MPI_COMM_WORLD);
  uint64_t total = 0;
  for (uint32_t r = 0; r < R; r++) {
    d->counts[r] = (int)sizes[r];
    d->displs[r] = (int)total;
    total += (uint64_t)sizes[r];
  }
  if (total > INT_MAX)
    return SLP_ELIMIT; /* every rank sees the same total */
  void *out = slp__malloc(total > 0 ? total : 1);
  ok = out != NULL;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all) {
    slp__free(out);
    return SLP_ENOMEM;
  }
  MPI_Allgatherv(*buf, (int)mine, MPI_BYTE, out, d->counts, d->displs,
                 MPI_BYTE, MPI_COMM_WORLD);
  slp__free(*buf);
  *buf = out;
  *n = total / size;
  return 0;
}

/* Whether neuron i of population q is this rank's. */
static int is_mine(const slp_sim *sim, size_t q, uint32_t i) {
  const uint32_t *cut = &sim->cut[q * (sim->n_parts + 1)];
  return i >= cut[sim->part_lo] && i < cut[sim->part_hi];
}

int slp__dist_sample(slp_sim *sim, slp__state_rec *r, slp_tick t) {
  /* A row per own neuron: its place in the recording, then its values
   * (exact as doubles: places are below 2^32). */
  size_t nv = r->n_vars, row = nv + 1;
  uint64_t n = 0;
  for (size_t j = 0; j < r->n_neurons; j++)
    n += (uint64_t)is_mine(sim, r->pop, r->neurons[j]);
  double *v = slp__malloc((n > 0 ? n : 1) * row * sizeof *v);
  /* Without room this rank sends nothing but still takes part; its error
   * reaches the others at the next exchange. */
  int mine = v != NULL ? 0 : SLP_ENOMEM;
  if (v == NULL)
    n = 0;
  for (size_t j = 0, at = 0; v != NULL && j < r->n_neurons; j++) {
    if (!is_mine(sim, r->pop, r->neurons[j]))
      continue; /* another rank's neuron */
    uint32_t i;
    const slp__pop *pop = slp__sim_slice(sim, r->pop, r->neurons[j], &i);
    v[at * row] = (double)j;
    for (size_t k = 0; k < nv; k++)
      v[at * row + 1 + k] = pop->model->get(pop, i, r->var[k], t) / r->si[k];
    at++;
  }
  int rc = slp__dist_gather(sim, (void **)&v, &n, row * sizeof *v);
  if (rc == 0 && sim->rank == 0 && r->w != NULL) {
    /* The rows in the recording's order, as one process writes them. */
    double *by = slp__malloc((r->n_neurons > 0 ? r->n_neurons : 1) * nv *
                             sizeof *by);
    if (by == NULL)
      rc = SLP_ENOMEM;
    for (uint64_t k = 0; by != NULL && k < n; k++)
      memcpy(&by[(size_t)v[k * row] * nv], &v[k * row + 1],
             nv * sizeof *by);
    for (size_t j = 0; by != NULL && rc == 0 && j < r->n_neurons; j++) {
      uint32_t i;
      const slp__pop *pop = slp__sim_slice(sim, r->pop, r->neurons[j], &i);
      rc = slp__state_writer_row(r->w, t, pop->node0 + i, &by[j * nv]);
    }
    slp__free(by);
  }
  slp__free(v);
  return mine != 0 ? mine : rc;
}

int slp__dist_totals(slp_sim *sim) {
  slp__dist *d = sim->dist;
  uint64_t mine[N_TOT] = {0};
  for (uint32_t j = sim->part_lo; j < sim->part_hi; j++) {
    const slp__part *pt = &sim->parts[j];
    mine[TOT_SYN] += pt->csr.n_syn;
    mine[TOT_SYN_BYTES] +=
        slp__csr_bytes(&pt->csr) + slp__plasticity_bytes(pt->plast);
    for (size_t q = 0; q < sim->n_pops; q++)
      mine[TOT_STATE_BYTES] += pt->pops[q].state_bytes;
    mine[TOT_INPUT] += pt->input_spikes;
    mine[TOT_EVENTS] += pt->events;
  }
  MPI_Allreduce(mine, d->totals, N_TOT, MPI_UINT64_T, MPI_SUM,
                MPI_COMM_WORLD);
  return 0;
}

#else /* one process: nothing to agree on, exchange or gather */

int slp__dist_agree(slp_sim *sim, int rc, slp_diag *diag) {
  (void)sim;
  (void)diag;
  return rc;
}

int slp__dist_synapses(slp_sim *sim, slp_tick *d_min, slp_tick *d_max) {
  (void)sim;
  (void)d_min;
  (void)d_max;
  return 0;
}

int slp__dist_window(slp_sim *sim, slp_tick *w) {
  (void)sim;
  (void)w;
  return 0;
}

int slp__dist_exchange(slp_sim *sim, unsigned par, int err) {
  (void)sim;
  (void)par;
  return err;
}

int slp__dist_gather(slp_sim *sim, void **buf, uint64_t *n, size_t size) {
  (void)sim;
  (void)buf;
  (void)n;
  (void)size;
  return 0;
}

int slp__dist_sample(slp_sim *sim, slp__state_rec *r, slp_tick t) {
  (void)sim;
  (void)r;
  (void)t;
  return 0;
}

int slp__dist_totals(slp_sim *sim) {
  (void)sim;
  return 0;
}

#endif

unsigned slp__dist_cores(const slp_sim *sim) {
  unsigned cores = uv_available_parallelism();
  if (sim->dist == NULL)
    return cores;
  cores /= sim->dist->node_ranks;
  return cores > 0 ? cores : 1;
}

uint32_t slp__dist_first_part(const slp_sim *sim, uint32_t node, int *spread) {
  const slp__dist *d = sim->dist;
  uint32_t s = node - sim->n_neurons;
  *spread = d->src_spread[s];
  return d->src_first[s];
}

int slp__dist_direct_ok(const slp_sim *sim, size_t k) {
  return sim->dist->direct_ok[k];
}

void slp__dist_stats(const slp_sim *sim, slp_sim_stats *out) {
  out->ranks = sim->n_ranks;
  out->threads = sim->part_hi - sim->part_lo;
  const slp__dist *d = sim->dist;
  if (d == NULL)
    return;
  out->synapses = d->totals[TOT_SYN];
  out->synapse_bytes = d->totals[TOT_SYN_BYTES];
  out->state_bytes = d->totals[TOT_STATE_BYTES];
  out->input_spikes = d->totals[TOT_INPUT];
  out->synaptic_events = d->totals[TOT_EVENTS];
}
