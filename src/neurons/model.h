/*
 * neurons/model.h -- the neuron model interface.
 *
 * A model is a table: its parameters and state variables (names, aliases,
 * dimensions, defaults) for the model file and the API, and the operations
 * the scheduler calls.  Dispatch through this table happens once per batch
 * of synapses (a CSR delay segment, whose targets all belong to one
 * population) and once per population per window -- never per synaptic event.
 */
#ifndef SLP_NEURONS_MODEL_H
#define SLP_NEURONS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sleipnir/network.h"
#include "sleipnir/sim.h"

#define SLP__MAX_PARAMS 16
#define SLP__MAX_STATE 8
#define SLP__MAX_RECEPTORS 4
#define SLP__MAX_ALIASES 3

/* One parameter or state variable of a model. */
typedef struct slp__var_desc {
  const char *name;                        /* canonical (Norse) name */
  const char *aliases[SLP__MAX_ALIASES];   /* PyNN and other names, NULL-ended */
  slp_dim dim;                             /* physical dimension */
  double deflt;                            /* default in API units */
  int default_from;                        /* state: index of the parameter
                                              whose value is the default, or -1 */
  const char *const *choices;              /* a parameter given by name (its
                                              value: the index of the name),
                                              NULL-ended; NULL: a quantity */
} slp__var_desc;

typedef struct slp__pop slp__pop;       /* runtime population, see pop.h */
typedef struct slp__window slp__window; /* one window's context, see pop.h */

/* What a model's create() starts a population from. */
typedef struct slp__pop_init {
  slp_tick t0;                           /* start tick of the simulation */
  slp_tick grid;                         /* grid step (grid mode) or 1 */
  const double *values[SLP__MAX_STATE];  /* per state variable, n values */
  /* Per parameter: the n values of a parameter that varies per neuron (API
   * units, indexed by the population's -- or slice's -- local neuron index),
   * or NULL: pop->params[k] for every neuron.  Valid only during create():
   * a model copies what it keeps.  Only parameters in the model's
   * per_neuron mask are ever given (network/params_draw.c refuses others). */
  const double *param_values[SLP__MAX_PARAMS];
  /* Neurons in the whole population, of which pop is a slice: what a model
   * decides from the population's size must not depend on how it is
   * partitioned (0: take pop->n). */
  uint32_t pop_size;
} slp__pop_init;

/* The operations and tables of one neuron model. */
typedef struct slp__model {
  const char *name;               /* model name in files ("lif") */
  const slp__var_desc *params;    /* parameters, in the order of params[] */
  size_t n_params;                /* number of parameters */
  const slp__var_desc *state;     /* initialisable state variables */
  size_t n_state;                 /* number of state variables */
  const char *const *receptors;   /* receptor names ("exc", "inh") */
  size_t n_receptors;             /* number of receptors (>= 1) */
  /* A name that sets several parameters at once ("tau_syn": every
   * receptor's time constant), or NULL: returns how many indices it wrote. */
  size_t (*param_group)(const char *name, size_t *idx, size_t cap);
  /* Check parameter values (API units); on error write a sentence to why. */
  int (*check)(const double *params, char *why, size_t cap);
  /* Allocate the runtime state of pop from pop->params and init. */
  int (*create)(slp__pop *pop, const slp__pop_init *init);
  void (*destroy)(slp__pop *pop);
  /* Before the first window: settle or schedule every neuron. */
  void (*prime)(slp__pop *pop, slp__window *win);
  /* Deliver n synaptic events at tick t on receptor r: targets tgt[k] (local
   * to pop), weights w[k] * scale.  Inputs of one target arrive in time
   * order, in the canonical order (tick, source, synapse). */
  void (*deliver)(slp__pop *pop, slp__window *win, slp_tick t, unsigned r,
                  const uint32_t *tgt, const float *w, size_t n, double scale);
  /* Optional (NULL: not offered): deliver count[k] copies of synapse k
   * (target tgt[k], weight w[k]) at tick t on receptor r, the copies of
   * each in a row -- a busy Poisson source's step (network/direct.c).  The
   * same result, bit for bit, as deliver with each synapse repeated.
   * Returns 0 when it did, or -1 when the model would take them one by one
   * anyway (the caller then expands them). */
  int (*deliver_counts)(slp__pop *pop, slp__window *win, slp_tick t,
                        unsigned r, const uint32_t *tgt, const float *w,
                        const uint16_t *count, size_t n);
  /* After a window's deliveries: check the queued neurons for crossings
   * before the window end, emit spikes, and schedule wake-ups. */
  void (*settle)(slp__pop *pop, slp__window *win, const uint32_t *idx,
                 size_t n);
  /* Neuron i's wake-up (pop.h, slp__pop_schedule) came due in this
   * window. */
  void (*wake)(slp__pop *pop, slp__window *win, uint32_t i);
  /* State variable `var` of neuron i as it will be at tick t (>= its last
   * update) if no input arrives; for recording and tests. */
  double (*get)(const slp__pop *pop, uint32_t i, int var, slp_tick t);
  /* A named parameter set ("tonic_spiking"), or NULL if the model has none:
   * writes the parameters the preset sets into params (others untouched)
   * and the initial values it sets into state, flagging them in state_set.
   * 0, or SLP_ENOENT for a name the model does not know. */
  int (*preset)(const char *name, double *params, double *state,
                int *state_set);
  /* 1: in exact mode, deliver and settle take their neurons' spikes of
   * pop->drive themselves (inputs/drive.h): before an input at a later
   * tick, and all those of the window at settle, every neuron of the
   * population then settled whatever idx says. */
  int pulls_drive;
  /* 1: a weight is a conductance jump, a plain number (coba_lif); 0: a
   * voltage (a jump of a current in voltage units, or of v). */
  int conductance_weights;
  /* Bit k set: parameter k may vary per neuron in the event-driven modes
   * (exact, grid); create() then honours init->param_values[k]. */
  uint32_t per_neuron;
  /* Why the other parameters cannot vary (a clause for the error message),
   * or NULL when every parameter can. */
  const char *per_neuron_why;
} slp__model;

/* Whether any of the first n parameters varies per neuron in init. */
int slp__params_vary(const slp__pop_init *init, size_t n);

/* Neuron i's values of the first n parameters into q: its own where init
 * has them, else the population's p. */
void slp__params_of(const slp__pop_init *init, const double *p, size_t n,
                    uint32_t i, double *q);

/*
 * A copy of init's per-neuron values of parameter k (n of them, for a model
 * to keep), or NULL when the parameter is constant.  On allocation failure
 * NULL with *nomem set (untouched otherwise).
 */
double *slp__param_copy(const slp__pop_init *init, size_t k, uint32_t n,
                        int *nomem);

/* The registry: NULL if no model has this name (or alias, as "alif"). */
const slp__model *slp__model_find(const char *name);

/* Index of a parameter or state variable by name or alias, -1 if none. */
int slp__model_param_index(const slp__model *m, const char *name);
int slp__model_state_index(const slp__model *m, const char *name);
/* Index of a receptor by name, -1 if none. */
int slp__model_receptor_index(const slp__model *m, const char *name);

extern const slp__model slp__model_lif;
extern const slp__model slp__model_lif_box;
extern const slp__model slp__model_li;
extern const slp__model slp__model_li_box;
extern const slp__model slp__model_iaf;
extern const slp__model slp__model_lsnn;
extern const slp__model slp__model_ada_lif;
extern const slp__model slp__model_lif_ex;
extern const slp__model slp__model_adex;
extern const slp__model slp__model_adex_refrac;
extern const slp__model slp__model_coba_lif;
extern const slp__model slp__model_izhikevich;

#endif /* SLP_NEURONS_MODEL_H */
