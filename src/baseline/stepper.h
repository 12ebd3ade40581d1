/*
 * baseline/stepper.h -- the dense and clock modes: every neuron, every step.
 *
 * The event-driven modes touch a neuron only when input reaches it.  The
 * baselines they are measured against (reference/algorithms.md §5.3) step
 * every neuron every dt, as Norse/PyTorch (dense) and NEST/Brian2/Auryn
 * (clock) do:
 *
 *   dense  the recurrent input of a step is a dense weight matrix (one per
 *          delay and receptor, built from the same CSR) times the 0/1 spike
 *          vector of the neurons -- N^2 multiply-adds per step, whatever the
 *          activity (dense.c);
 *   clock  spikes fan out through the CSR into per-step input sums (a ring
 *          of slots, one per step up to the largest delay), as NEST's ring
 *          buffers do.
 *
 * Both use the same network the event path would run (the builder's CSR,
 * initial state and input sources, on the grid of step dt) and one of two
 * propagators per step (step_models.c): the exact closed form with the
 * crossing detection of grid mode -- so their spikes are grid mode's -- or
 * Norse's forward Euler, threshold looked at only at the end of a step.
 * Input sources are always delivered through the CSR: the dense matrix
 * replaces the recurrent synapses only (Norse's W_rec).
 *
 * Models: lif and lif_box; other models are refused when the simulation is
 * built.
 */
#ifndef SLP_BASELINE_STEPPER_H
#define SLP_BASELINE_STEPPER_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/sim.h"
#include "sleipnir/network.h"
#include "neurons/cuba.h"
#include "neurons/model.h"
#include "neurons/pop.h"
#include "synapses/csr.h"

/* Which per-step update a population takes. */
typedef enum slp__step_kind {
  SLP__STEP_LIF = 0, /* current-based LIF, two exponential currents */
  SLP__STEP_LIF_BOX  /* LIF with delta synapses (inputs jump v) */
} slp__step_kind;

/* One population's constants for the per-step update. */
typedef struct slp__step_group {
  slp__step_kind kind;   /* its model */
  int euler;             /* forward Euler (1) or the exact propagator (0) */
  uint32_t first;        /* global id of its neuron 0 */
  uint32_t n;            /* neurons */
  double u_th;           /* v_th - v_leak */
  double u_reset;        /* v_reset - v_leak */
  double v_leak;         /* mV */
  slp_tick t_ref;        /* refractory period, ticks */
  slp_tick h;            /* the step, ticks */
  double inv_tau_m;      /* 1 / tau_mem, 1/ms */
  double pm;             /* membrane factor of one step: exp(-h/tau_mem),
                            Euler 1 - h/tau_mem */
  double hm;             /* Euler, lif: h / tau_mem */
  double ps[2];          /* Euler, lif: current factors 1 - h/tau_syn */
  slp__cuba m;           /* exact, lif: the membrane (tables for one step) */
  int has_m;             /* m was initialised */
} slp__step_group;

/* The per-neuron state of all populations, struct of arrays. */
typedef struct slp__step_state {
  double *u;             /* v - v_leak */
  double *i[2];          /* lif: exc and inh currents (lif_box: unused) */
  slp_tick *ref_end;     /* refractory until this tick */
} slp__step_state;

/* The dense recurrent weights (dense.c): one matrix per (delay, receptor),
 * with a row for each neuron that has synapses of that kind. */
typedef struct slp__dense {
  uint32_t n;            /* neurons: every row has n entries */
  size_t n_mat;          /* matrices */
  slp_tick *delay;       /* per matrix: its delay, ticks */
  uint8_t *rec;          /* per matrix: its receptor */
  uint32_t **src;        /* per matrix: the neuron of each row, ascending */
  uint32_t *n_src;       /* per matrix: rows */
  float **w;             /* per matrix: w[row * n + tgt], mV (0: none) */
  uint64_t bytes;        /* bytes of all matrices */
} slp__dense;

typedef struct slp__stepper {
  int dense;             /* 1: dense mode, 0: clock mode */
  slp_tick h;            /* step, ticks */
  uint32_t n;            /* neurons */
  slp__step_group *groups; /* per population */
  size_t n_groups;       /* populations */
  slp__step_state st;    /* neuron state */
  uint32_t n_slots;      /* input ring: steps covered (d_max / h + 1) */
  double *acc;           /* input sums acc[(slot * 2 + r) * n + j] */
  double *z;             /* dense: this step's spike vector, 0 or 1 */
  uint32_t *fired;       /* this step's spiking neurons, ascending */
  size_t n_fired;        /* how many */
  slp__dense dm;         /* dense: the matrices */
  double **ys;           /* dense: per matrix, the sums it adds to */
  uint64_t bytes;        /* bytes of state, ring and spike vectors */
  slp__spikebuf in_spikes; /* the window's source spikes */
  slp__spikebuf scratch;   /* their sort's scratch */
} slp__stepper;

/* Whether mode is one of the stepped baselines. */
int slp__stepper_mode(slp_mode mode);

/*
 * Set the stepper of sim up (sim->stepper) from what slp__sim_build made of
 * net: populations (whose event-path state it takes over and frees), inputs
 * and CSR.  SLP_EINVAL for a model it cannot step, SLP_ERANGE for an Euler
 * step that is not below every time constant, SLP_ELIMIT when the dense
 * matrices would not fit in memory, SLP_ENOMEM; diag says which.
 */
int slp__stepper_build(slp_sim *sim, const slp_network *net,
                       slp_diag *diag);

/* Process the window [sim->now, sim->now + sim->window). */
int slp__stepper_window(slp_sim *sim);

/* Bytes the dense matrices take (0 in clock mode). */
uint64_t slp__stepper_dense_bytes(const slp__stepper *s);

/* Free s and everything it holds (NULL is fine). */
void slp__stepper_free(slp__stepper *s);

/* ---- step_models.c: one step of a population ---------------------------- */

/*
 * Fill g for population model m with parameters p (API units) and step h.
 * SLP_EINVAL if m cannot be stepped, SLP_ERANGE if Euler and h is not below
 * every time constant (why says which), SLP_ENOMEM.
 */
int slp__step_group_init(slp__step_group *g, const slp__model *m,
                         const double *p, int euler, slp_tick h, char *why,
                         size_t cap);
void slp__step_group_free(slp__step_group *g);

/*
 * Advance the neurons of g from tick t - h to tick t, then apply the input
 * sums arriving at t (in[0], in[1]: exc and inh, indexed by global id).
 * Appends the global ids of the neurons that fire at t to fired (ascending).
 * At t = 0 (no step before) only the threshold is looked at.
 */
void slp__step_group_advance(const slp__step_group *g, slp__step_state *st,
                             slp_tick t, const double *in_exc,
                             const double *in_inh, uint32_t *fired,
                             size_t *n_fired);

/* ---- dense.c: the dense matrices ---------------------------------------- */

/*
 * Build the matrices of the synapses of rows 0 .. n-1 of csr (the neurons;
 * node0 of population p is pop_node0[p]).  SLP_ELIMIT with a message in diag
 * when they would take more than `limit` bytes, SLP_ENOMEM.
 */
int slp__dense_build(slp__dense *d, const slp__csr *csr, uint32_t n,
                     const uint32_t *pop_node0, uint64_t limit,
                     slp_diag *diag);
void slp__dense_free(slp__dense *d);

/* For every matrix m: ys[m] += W_m z.  Every entry of every matrix is
 * multiplied, spike or not -- that is the dense baseline's cost. */
void slp__dense_gemv(const slp__dense *d, const double *z, double *const *ys);

#endif /* SLP_BASELINE_STEPPER_H */
