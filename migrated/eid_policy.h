/*
 * eid_policy.h: which addresses a guest may claim.
 *
 * A guest may announce (a) one of the host EIDs configured for it by name
 * or UUID, or (b) on a bridge with dynamic ranges, an address inside one of
 * them that no other guest owns (statically, or by an earlier claim on this
 * host).  Anything else is a spoofing attempt: the caller counts it under
 * eid_verdict_name(), logs one line and ignores the announcement.
 * Pure code over the configuration: unit-tested in test_migrated_policy.c.
 */
#ifndef MIG_EID_POLICY_H
#define MIG_EID_POLICY_H

#include <stdint.h>

#include "addr.h"
#include "config.h"

enum eid_verdict {
	EID_OK_STATIC = 0,
	EID_OK_DYNAMIC,
	EID_SPOOF_MAC,		/* frame or payload MAC is not the vif's */
	EID_SPOOF_OTHER_VM,	/* the address belongs to another guest */
	EID_SPOOF_NOT_ALLOWED,	/* neither configured nor in a range */
};

/* The configuration entry for a guest: by name first, then by UUID. */
const struct conf_vm *eid_policy_vm(const struct mig_conf *,
	    const char *name, const char *uuid);
/*
 * The MAC check: the Ethernet source must be the vif's MAC and so must the
 * MAC inside the payload (ARP sender, NA target link-layer option) when
 * there is one.  0 ok, -1 spoof.
 */
int	eid_policy_mac(const uint8_t vif_mac[6], const uint8_t eth_src[6],
	    int has_hw, const uint8_t hw[6]);
/*
 * The address check for guest `vm` (NULL when it has no static entry)
 * announcing `a` on `bridge`.  claimed_by(arg, a) returns the name of
 * another local guest that already holds `a` dynamically, or NULL.
 */
enum eid_verdict eid_policy_addr(const struct mig_conf *,
	    const struct conf_vm *vm, const char *bridge,
	    const struct ipaddr *a,
	    const char *(*claimed_by)(void *, const struct ipaddr *),
	    void *arg);
int	eid_verdict_ok(enum eid_verdict);
const char *eid_verdict_name(enum eid_verdict);

#endif
