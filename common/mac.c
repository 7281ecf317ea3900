/* mac.c: MAC addresses as text, see mac.h.  Was migrated/announce.c's;
 * xtrd's dp_conf.c had a looser sscanf of its own. */
#include <stdio.h>
#include <string.h>

#include "mac.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mac_parse(const char *s, uint8_t mac[MAC_LEN])
{
	uint8_t	m[MAC_LEN];
	int	i, hi, lo;

	if (s == NULL || strlen(s) != 3 * MAC_LEN - 1)
		return -1;
	for (i = 0; i < MAC_LEN; i++) {
		if ((hi = hexval(s[3 * i])) == -1 ||
		    (lo = hexval(s[3 * i + 1])) == -1 ||
		    (i < MAC_LEN - 1 && s[3 * i + 2] != ':'))
			return -1;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, MAC_LEN);
	return 0;
}

const char *
mac_fmt(const uint8_t mac[MAC_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
