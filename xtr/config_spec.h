/*
 * config_spec.h: the xtrd.conf keys whose items are "a,k=v,k=v" specs
 * (database, map_servers, sites): their setters and printers for the key
 * table of config.c (common/cfgkey.h), inside xtr/ only.
 */
#ifndef XTR_CONFIG_SPEC_H
#define XTR_CONFIG_SPEC_H

#include <stdio.h>

#include "cfgkey.h"

int	xc_set_database(struct cfg_key_ctx *, void *conf, const char *);
int	xc_set_map_server(struct cfg_key_ctx *, void *conf, const char *);
int	xc_set_site(struct cfg_key_ctx *, void *conf, const char *);
void	xc_print_database(FILE *, const struct cfg_key *, const void *conf);
void	xc_print_map_servers(FILE *, const struct cfg_key *, const void *conf);
void	xc_print_sites(FILE *, const struct cfg_key *, const void *conf);

#endif
