/* eid_policy.c: may this guest claim this address?  See eid_policy.h. */
#include <string.h>
#include <strings.h>

#include "eid_policy.h"

const struct conf_vm *
eid_policy_vm(const struct mig_conf *c, const char *name, const char *uuid)
{
	int	i;

	if (name != NULL && name[0] != '\0')
		for (i = 0; i < c->nvm; i++)
			if (!c->vms[i].is_uuid &&
			    strcmp(c->vms[i].key, name) == 0)
				return &c->vms[i];
	if (uuid != NULL && uuid[0] != '\0')
		for (i = 0; i < c->nvm; i++)
			if (c->vms[i].is_uuid &&
			    strcasecmp(c->vms[i].key, uuid) == 0)
				return &c->vms[i];
	return NULL;
}

int
eid_policy_mac(const uint8_t vif_mac[6], const uint8_t eth_src[6], int has_hw,
    const uint8_t hw[6])
{
	if (memcmp(vif_mac, eth_src, 6) != 0)
		return -1;
	if (has_hw && memcmp(vif_mac, hw, 6) != 0)
		return -1;
	return 0;
}

static const struct conf_vm *
static_owner(const struct mig_conf *c, const struct ipaddr *a)
{
	int	i, j;

	for (i = 0; i < c->nvm; i++)
		for (j = 0; j < c->vms[i].neid; j++)
			if (ipaddr_cmp(&c->vms[i].eid[j], a) == 0)
				return &c->vms[i];
	return NULL;
}

enum eid_verdict
eid_policy_addr(const struct mig_conf *c, const struct conf_vm *vm,
    const char *bridge, const struct ipaddr *a,
    const char *(*claimed_by)(void *, const struct ipaddr *), void *arg)
{
	const struct conf_bridge	*b;
	const struct conf_vm		*owner;
	int				 i;

	if (a->af != AF_INET && a->af != AF_INET6)
		return EID_SPOOF_NOT_ALLOWED;
	owner = static_owner(c, a);
	if (owner != NULL)
		return owner == vm ? EID_OK_STATIC : EID_SPOOF_OTHER_VM;
	if (bridge == NULL || (b = conf_bridge_find(c, bridge)) == NULL)
		return EID_SPOOF_NOT_ALLOWED;
	for (i = 0; i < b->ndyn; i++) {
		if (!ipprefix_contains_addr(&b->dyn[i], a))
			continue;
		if (claimed_by != NULL && claimed_by(arg, a) != NULL)
			return EID_SPOOF_OTHER_VM;
		return EID_OK_DYNAMIC;
	}
	return EID_SPOOF_NOT_ALLOWED;
}

int
eid_verdict_ok(enum eid_verdict v)
{
	return v == EID_OK_STATIC || v == EID_OK_DYNAMIC;
}

const char *
eid_verdict_name(enum eid_verdict v)
{
	switch (v) {
	case EID_OK_STATIC:		return "ok_static";
	case EID_OK_DYNAMIC:		return "ok_dynamic";
	case EID_SPOOF_MAC:		return "spoof_mac";
	case EID_SPOOF_OTHER_VM:	return "spoof_other_vm_eid";
	case EID_SPOOF_NOT_ALLOWED:	return "spoof_eid_not_allowed";
	}
	return "?";
}
