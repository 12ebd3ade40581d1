/*
 * network/config.c -- simulation settings: defaults and mode names.
 */
#include "config.h"

#include <string.h>

#include "sleipnir/sim.h"

void slp_sim_config_init(slp_sim_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->time_ms = 1000.0;
  cfg->seed = 1;
  cfg->mode = SLP_MODE_EXACT;
  cfg->dt_ms = 0.0; /* the mode's own: slp_sim_config_dt() */
  cfg->threads = 0;
  cfg->spikes_path = NULL;
  cfg->propagator = SLP_PROPAGATOR_EXACT;
}

static const char *const mode_names[] = {"exact", "grid", "dense", "clock",
                                         "norse"};

double slp_sim_config_dt(const slp_sim_config *cfg) {
  if (cfg->dt_ms > 0)
    return cfg->dt_ms;
  return cfg->mode == SLP_MODE_NORSE ? 1.0 : 0.1; /* Norse's default dt */
}

int slp_mode_parse(const char *name, slp_mode *out) {
  for (size_t k = 0; k < sizeof mode_names / sizeof mode_names[0]; k++)
    if (name != NULL && strcmp(name, mode_names[k]) == 0) {
      *out = (slp_mode)k;
      return 0;
    }
  return SLP_EINVAL;
}

const char *slp_mode_name(slp_mode mode) {
  if ((size_t)mode < sizeof mode_names / sizeof mode_names[0])
    return mode_names[mode];
  return "unknown";
}

static const char *const propagator_names[] = {"exact", "euler"};

int slp_propagator_parse(const char *name, slp_propagator *out) {
  for (size_t k = 0; k < sizeof propagator_names / sizeof propagator_names[0];
       k++)
    if (name != NULL && strcmp(name, propagator_names[k]) == 0) {
      *out = (slp_propagator)k;
      return 0;
    }
  return SLP_EINVAL;
}

const char *slp_propagator_name(slp_propagator p) {
  if ((size_t)p < sizeof propagator_names / sizeof propagator_names[0])
    return propagator_names[p];
  return "unknown";
}
