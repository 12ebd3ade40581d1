/*
 * plasticity/params.c -- STDP and STP parameters: defaults, names,
 * validation, and attaching them to a projection of a network description.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sleipnir/plasticity.h"
#include "core/alloc.h"
#include "network/network.h"

void slp_stdp_params_init(slp_stdp_params *p) {
  memset(p, 0, sizeof *p);
  p->algorithm = SLP_STDP_ADDITIVE;
  p->pairing = SLP_STDP_ALL;
  p->tau_pre_ms = 50.0; /* Norse: tau_pre_inv = 1 / 50e-3 */
  p->tau_post_ms = 50.0;
  p->eta_plus = 1.0; /* Norse's 1e-3, read as SI volts: 1 mV */
  p->eta_minus = 1.0;
  p->a_pre = 1.0;
  p->a_post = 1.0;
  p->w_min = 0.0;
  p->w_max = 1000.0; /* Norse's 1.0, as volts */
  p->mu_plus = 0.0;
  p->mu_minus = 0.0;
  p->hardbound = 1;
  p->axonal_delay_ms = 0.0; /* all dendritic, as NEST */
  p->triplet = 0;
  p->tau_x_ms = 101.0;
  p->tau_y_ms = 125.0;
  p->a2_plus = 5e-10;
  p->a3_plus = 6.2e-3;
  p->a2_minus = 7e-3;
  p->a3_minus = 2.3e-4;
}

int slp_stdp_triplet_set(slp_stdp_params *p, const char *name) {
  if (name == NULL || strcmp(name, "visual_cortex") != 0)
    return SLP_EINVAL;
  p->triplet = 1;
  p->pairing = SLP_STDP_ALL;
  p->tau_pre_ms = 16.8;
  p->tau_post_ms = 33.7;
  p->tau_x_ms = 101.0;
  p->tau_y_ms = 125.0;
  p->a2_plus = 5e-10;
  p->a3_plus = 6.2e-3;
  p->a2_minus = 7e-3;
  p->a3_minus = 2.3e-4;
  p->eta_plus = 1.0;
  p->eta_minus = 1.0;
  return 0;
}

static const char *const algorithm_names[] = {
    "additive", "additive_step", "multiplicative_pow", "multiplicative_relu"};
static const char *const pairing_names[] = {
    "all", "nearest_symmetric", "nearest_pre_centred", "nearest_restricted"};

int slp_stdp_algorithm_parse(const char *name, slp_stdp_algorithm *out) {
  for (size_t k = 0; name != NULL && k < 4; k++)
    if (strcmp(name, algorithm_names[k]) == 0) {
      *out = (slp_stdp_algorithm)k;
      return 0;
    }
  return SLP_EINVAL;
}

const char *slp_stdp_algorithm_name(slp_stdp_algorithm a) {
  return (unsigned)a < 4 ? algorithm_names[a] : "?";
}

int slp_stdp_pairing_parse(const char *name, slp_stdp_pairing *out) {
  for (size_t k = 0; name != NULL && k < 4; k++)
    if (strcmp(name, pairing_names[k]) == 0) {
      *out = (slp_stdp_pairing)k;
      return 0;
    }
  /* The American spelling, as NEST writes it (stdp_nn_pre_centered). */
  if (name != NULL && strcmp(name, "nearest_pre_centered") == 0) {
    *out = SLP_STDP_NEAREST_PRE_CENTRED;
    return 0;
  }
  return SLP_EINVAL;
}

const char *slp_stdp_pairing_name(slp_stdp_pairing p) {
  return (unsigned)p < 4 ? pairing_names[p] : "?";
}

size_t slp_network_projection_count(const slp_network *net) {
  return net->n_projs;
}

int slp_network_projection_is_plastic(const slp_network *net,
                                      uint32_t proj) {
  return net != NULL && proj < net->n_projs && net->projs[proj].stdp != NULL;
}

const char *slp_network_projection_name(const slp_network *net,
                                       uint32_t proj) {
  return net != NULL && proj < net->n_projs ? net->projs[proj].name : NULL;
}

static int bad(slp_diag *diag, const char *key, const char *msg) {
  return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, key, "%s", msg);
}

int slp_network_set_stdp(slp_network *net, uint32_t proj,
                         const slp_stdp_params *p, slp_diag *diag) {
  if (net == NULL || p == NULL || proj >= net->n_projs)
    return bad(diag, NULL, "there is no projection with that index");
  if ((unsigned)p->algorithm > SLP_STDP_MULTIPLICATIVE_RELU)
    return bad(diag, "algorithm", "unknown STDP algorithm");
  if ((unsigned)p->pairing > SLP_STDP_NEAREST_RESTRICTED)
    return bad(diag, "pairing", "unknown STDP pairing");
  if (!(p->tau_pre_ms > 0) || !isfinite(p->tau_pre_ms))
    return bad(diag, "tau_pre", "tau_pre must be > 0 and finite");
  if (!(p->tau_post_ms > 0) || !isfinite(p->tau_post_ms))
    return bad(diag, "tau_post", "tau_post must be > 0 and finite");
  if (!(p->eta_plus >= 0) || !isfinite(p->eta_plus))
    return bad(diag, "eta_plus", "eta_plus must be >= 0 and finite");
  if (!(p->eta_minus >= 0) || !isfinite(p->eta_minus))
    return bad(diag, "eta_minus", "eta_minus must be >= 0 and finite");
  if (!isfinite(p->a_pre))
    return bad(diag, "a_pre", "a_pre must be finite");
  if (!isfinite(p->a_post))
    return bad(diag, "a_post", "a_post must be finite");
  if (!isfinite(p->w_min) || !isfinite(p->w_max))
    return bad(diag, "w_min", "w_min and w_max must be finite");
  if (!(p->w_min <= p->w_max))
    return bad(diag, "w_max", "w_max must be >= w_min");
  if (!(p->mu_plus >= 0) || !isfinite(p->mu_plus))
    return bad(diag, "mu_plus", "mu_plus (mu) must be >= 0 and finite");
  if (!(p->mu_minus >= 0) || !isfinite(p->mu_minus))
    return bad(diag, "mu_minus", "mu_minus (mu) must be >= 0 and finite");
  if (!(p->axonal_delay_ms >= 0) || !isfinite(p->axonal_delay_ms))
    return bad(diag, "axonal_delay", "axonal_delay must be >= 0 and finite");
  if (p->triplet) {
    if (p->pairing != SLP_STDP_ALL)
      return bad(diag, "pairing", "the triplet rule pairs all to all "
                 "(pairing: all)");
    if (!(p->tau_x_ms > 0) || !isfinite(p->tau_x_ms))
      return bad(diag, "tau_x", "tau_x must be > 0 and finite");
    if (!(p->tau_y_ms > 0) || !isfinite(p->tau_y_ms))
      return bad(diag, "tau_y", "tau_y must be > 0 and finite");
    const double a[4] = {p->a2_plus, p->a3_plus, p->a2_minus, p->a3_minus};
    static const char *const names[4] = {"a2_plus", "a3_plus", "a2_minus",
                                         "a3_minus"};
    for (int k = 0; k < 4; k++)
      if (!(a[k] >= 0) || !isfinite(a[k]))
        return slp_diag_set(diag, SLP_EINVAL, NULL, 0, 0, names[k],
                            "%s must be >= 0 and finite", names[k]);
  }
  slp__projection *pr = &net->projs[proj];
  if (pr->stp != NULL)
    return bad(diag, "rule", "the projection already has short-term "
               "plasticity; a projection has one rule");
  if (pr->stdp == NULL) {
    pr->stdp = slp__malloc(sizeof *pr->stdp);
    if (pr->stdp == NULL)
      return SLP_ENOMEM;
  }
  *pr->stdp = *p;
  return 0;
}

void slp_stp_params_init(slp_stp_params *p) {
  p->U = 0.45;
  p->tau_f_ms = 50.0;  /* Norse: tau_f_inv = 1 / 50e-3 */
  p->tau_d_ms = 750.0; /* Norse: tau_d_inv = 1 / 750e-3 */
}

int slp_network_set_stp(slp_network *net, uint32_t proj,
                        const slp_stp_params *p, slp_diag *diag) {
  if (net == NULL || p == NULL || proj >= net->n_projs)
    return bad(diag, NULL, "there is no projection with that index");
  if (!(p->U > 0 && p->U <= 1))
    return bad(diag, "U", "U must be in (0, 1]");
  if (!(p->tau_f_ms >= 0) || !isfinite(p->tau_f_ms))
    return bad(diag, "tau_f", "tau_f must be >= 0 and finite");
  if (!(p->tau_d_ms > 0) || !isfinite(p->tau_d_ms))
    return bad(diag, "tau_d", "tau_d must be > 0 and finite");
  slp__projection *pr = &net->projs[proj];
  if (pr->stdp != NULL)
    return bad(diag, "rule", "the projection already has STDP; a projection "
               "has one rule");
  if (pr->stp == NULL) {
    pr->stp = slp__malloc(sizeof *pr->stp);
    if (pr->stp == NULL)
      return SLP_ENOMEM;
  }
  *pr->stp = *p;
  return 0;
}
