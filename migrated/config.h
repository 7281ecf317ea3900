/*
 * config.h: migrated.conf.  Xen-style lines (common/cfgline.h):
 *
 *   socket      = "/run/migrated/migrated.sock"   our API socket
 *   xtrd_socket = "/run/xtrd/xtrd.sock"           the local xtrd's API
 *   hypervisor  = auto | xenstore | libxl
 *   user        = "migrated"    run as this user once the captures, the
 *                               store and the sockets are open ("" or
 *                               "root": stay root, capabilities reduced)
 *   priority = 1   weight = 100   ttl = 1440      for POST /v1/database/add
 *   notify_wait_ms = 500    SMRs wait this long at most for the Map-Notify
 *   heartbeat_ms = 1000     how often xtrd's status is checked
 *   register_at = rename | arrival
 *                           when a guest migrating here gets its EIDs
 *                           registered: at the rename of <name>--incoming
 *                           (xl unpauses it right after), or at its
 *                           arrival (announcement, netfront, first frame)
 *   bridge "xenbr0"                                watch this bridge
 *   bridge "xenbr1" dynamic = [ "10.1.0.0/24", "2001:db8:1::/64" ]
 *   vm "web1" eids = [ "10.1.0.5", "2001:db8:1::5" ]
 *   vm "6f1c3a4e-8d2b-4f0e-9c1a-0123456789ab" eids = [ "10.1.0.6" ]
 *
 * The key = value lines are the entries of conf_keys[] in config.c (the
 * key table of common/cfgkey.h, as xtrd.conf's: one list grammar, one set
 * of error messages); bridge and vm lines are parsed here, their lists
 * with the same grammar (cfg_list_items).  A key given twice keeps the
 * second value.
 *
 * A vm line names a guest by its name or its UUID.  EIDs are host
 * addresses; an address announced on a bridge with dynamic ranges and
 * inside one of them is accepted for the guest that announced it (unless
 * another guest owns it statically or already claimed it).
 */
#ifndef MIG_CONFIG_H
#define MIG_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "cfgkey.h"

#define CONF_PATH_MAX	108	/* sun_path */
#define CONF_IFNAMSIZ	16
#define CONF_MAXBRIDGE	8
#define CONF_MAXRANGE	8
#define CONF_MAXVM	256
#define CONF_MAXEID	8
#define CONF_NAMELEN	64	/* Xen domain names are shorter in practice */

struct conf_bridge {
	char		name[CONF_IFNAMSIZ];
	struct ipprefix	dyn[CONF_MAXRANGE];
	int		ndyn;
};

struct conf_vm {
	char		key[CONF_NAMELEN + 1];
	int		is_uuid;
	struct ipaddr	eid[CONF_MAXEID];
	int		neid;
};

enum register_at {
	REG_AT_RENAME = 0,	/* default */
	REG_AT_ARRIVAL,
};

struct mig_conf {
	char		socket[CONF_PATH_MAX];
	char		xtrd_socket[CONF_PATH_MAX];
	char		hypervisor[16];
	char		user[CONF_NAMELEN + 1];
	uint32_t	priority, weight, ttl;
	uint32_t	notify_wait_ms;
	uint32_t	heartbeat_ms;
	int		register_at;	/* enum register_at */
	struct conf_bridge bridges[CONF_MAXBRIDGE];
	int		nbridge;
	struct conf_vm	vms[CONF_MAXVM];
	int		nvm;
};

void	conf_defaults(struct mig_conf *);
/* Number of errors (each reported as "file:line: message 'token'" on errf,
 * stderr if NULL), or -1 if the file cannot be read. */
int	conf_parse_file(const char *path, struct mig_conf *, FILE *errf);
int	conf_parse_text(const char *name, const char *text, size_t len,
	    struct mig_conf *, FILE *errf);
/* Print back in the normalised form (-nv). */
void	conf_print(FILE *, const struct mig_conf *);
/* The key table of the key = value lines (common/cfgkey.h). */
const struct cfg_key *conf_key_table(size_t *n);
int	conf_is_uuid(const char *);
const char *conf_register_at_name(enum register_at);
const struct conf_bridge *conf_bridge_find(const struct mig_conf *,
	    const char *name);

#endif
