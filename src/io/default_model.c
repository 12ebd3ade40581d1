/*
 * io/default_model.c -- the built-in default network, as model-file text.
 *
 * `sleipnir run` without a model file runs this.  Keeping it as YAML (rather
 * than API calls) means it goes through the same loader and validation as
 * any file, and `sleipnir` can print it as a starting point.  It must stay
 * the network of examples/cuba.yaml minus the record section;
 * tests/test_model_file.c checks that the two build the same network.
 */
#include "config.h"

#include "sleipnir/io.h"

static const char default_text[] =
    "# The built-in default network of `sleipnir run` (no model file): CUBA,\n"
    "# Brette et al. (2007) benchmark 2 -- 3200 excitatory and 800 inhibitory LIF\n"
    "# neurons, p = 0.02, 1.62 mV / -9 mV, 0.1 ms delays.  The same as\n"
    "# examples/cuba.yaml, which explains it, without the record section: where\n"
    "# spikes go is the command line's choice.\n"
    "\n"
    "simulation:\n"
    "  time: 1 s\n"
    "  seed: 1\n"
    "  mode: exact          # exact spike times; `grid` puts them on a 0.1 ms grid\n"
    "\n"
    "populations:\n"
    "  exc:\n"
    "    size: 3200\n"
    "    model: lif         # LIF with exponential synaptic currents\n"
    "    params: &cuba_lif\n"
    "      tau_mem: 20 ms\n"
    "      tau_syn_exc: 5 ms\n"
    "      tau_syn_inh: 10 ms\n"
    "      v_leak: -49 mV\n"
    "      v_th: -50 mV\n"
    "      v_reset: -60 mV\n"
    "      t_ref: 5 ms\n"
    "    init: &cuba_init\n"
    "      v: {uniform: [-60 mV, -50 mV]}\n"
    "  inh:\n"
    "    size: 800\n"
    "    model: lif\n"
    "    params: *cuba_lif  # the same parameters as exc (a YAML alias)\n"
    "    init: *cuba_init\n"
    "\n"
    "projections:\n"
    "  - name: from_exc\n"
    "    from: exc\n"
    "    to: [exc, inh]     # both populations, taken as one target of 4000\n"
    "    connect: {fixed_probability: 0.02}\n"
    "    weight: 1.62 mV\n"
    "    delay: 0.1 ms\n"
    "    receptor: exc\n"
    "  - name: from_inh\n"
    "    from: inh\n"
    "    to: [exc, inh]\n"
    "    connect: {fixed_probability: 0.02}\n"
    "    weight: -9 mV\n"
    "    delay: 0.1 ms\n"
    "    receptor: inh\n";

const char *slp_model_default_text(void) { return default_text; }
