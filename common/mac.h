/*
 * mac.h: Ethernet MAC addresses as text, "00:16:3e:11:22:33" (six
 * two-digit hex bytes, colons, either case in, lower case out), for both
 * daemons: migrated's vifs (xenstore, the API) and xtrd's anycast_mac.
 */
#ifndef MIG_MAC_H
#define MIG_MAC_H

#include <stddef.h>
#include <stdint.h>

#define MAC_LEN		6
#define MAC_STRLEN	18	/* "xx:xx:xx:xx:xx:xx" and the NUL */

/* 0, or -1 when s is NULL or not exactly that form (no spaces, signs,
 * "0x", other separators or missing digits). */
int		 mac_parse(const char *s, uint8_t mac[MAC_LEN]);
/* buf (len >= MAC_STRLEN), for use in an argument list. */
const char	*mac_fmt(const uint8_t mac[MAC_LEN], char *buf, size_t len);

#endif
