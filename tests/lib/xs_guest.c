/*
 * xs_guest: talk to the xenstored fixture as a guest domain does, through
 * the domain's own ring page and event channel (tests only): what the
 * guest writes is checked by xenstored against the guest's permissions,
 * not dom0's.  Needs the shim's rings/<domid> and ports/<domid> (see
 * tests/lib/xs_shim.c), i.e. a domain introduced by the fixture.
 *
 * Usage: xs_guest STATEDIR DOMID read PATH
 *        xs_guest STATEDIR DOMID write PATH VALUE
 *        xs_guest STATEDIR DOMID mkdir PATH
 *   STATEDIR  the shim's state directory ($XS_SHIM_STATE)
 * Prints the answer (read) or the error xenstored gave (EACCES, ENOENT,
 * ...).  Exit: 0 done, 1 xenstored answered an error, 2 usage or no
 * answer within 5 s.
 * Wire format: xen/io/xs_wire.h (struct xsd_sockmsg, struct
 * xenstore_domain_interface); one request at a time, no transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#define PAGE	4096

static void __attribute__((noreturn))
die(const char *m)
{
	fprintf(stderr, "xs_guest: %s\n", m);
	exit(2);
}

static void
pause_ms(int ms)
{
	struct timespec	ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void
ring_write(struct xenstore_domain_interface *in, const void *buf, size_t len)
{
	const char	*p = buf;
	int		 waited = 0;

	while (len > 0) {
		XENSTORE_RING_IDX prod = in->req_prod, cons = in->req_cons;
		size_t space = XENSTORE_RING_SIZE - (prod - cons);
		size_t room = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
		size_t n = len;

		if (space == 0) {
			if (++waited > 5000)
				die("request ring full");
			pause_ms(1);
			continue;
		}
		if (n > space)
			n = space;
		if (n > room)
			n = room;
		memcpy(in->req + MASK_XENSTORE_IDX(prod), p, n);
		__sync_synchronize();
		in->req_prod = prod + (XENSTORE_RING_IDX)n;
		p += n;
		len -= n;
	}
}

static void
ring_read(struct xenstore_domain_interface *in, void *buf, size_t len)
{
	char	*p = buf;
	int	 waited = 0;

	while (len > 0) {
		XENSTORE_RING_IDX prod = in->rsp_prod, cons = in->rsp_cons;
		size_t avail = prod - cons;
		size_t room = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
		size_t n = len;

		__sync_synchronize();
		if (avail == 0) {
			if (++waited > 5000)
				die("no answer from xenstored within 5 s");
			pause_ms(1);
			continue;
		}
		if (n > avail)
			n = avail;
		if (n > room)
			n = room;
		memcpy(p, in->rsp + MASK_XENSTORE_IDX(cons), n);
		__sync_synchronize();
		in->rsp_cons = cons + (XENSTORE_RING_IDX)n;
		p += n;
		len -= n;
	}
}

static void
notify(const char *evtchn, const char *port)
{
	char	line[32];
	int	fd, n;

	/* the shim's event channel FIFO: "<port>\n" is a notification */
	if ((fd = open(evtchn, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		die("cannot open the shim's evtchn FIFO");
	n = snprintf(line, sizeof(line), "%s\n", port);
	if (write(fd, line, (size_t)n) != n)
		die("cannot notify");
	close(fd);
}

int
main(int argc, char *argv[])
{
	struct xenstore_domain_interface	*in;
	struct xsd_sockmsg			 h;
	char					 path[512], port[16], body[4096];
	char					 evtchn[512], *rsp;
	size_t					 blen;
	FILE					*f;
	int					 fd;

	if (argc < 5)
		die("usage: xs_guest STATEDIR DOMID read|write|mkdir PATH [VALUE]");
	memset(&h, 0, sizeof(h));
	if (strcmp(argv[3], "read") == 0 && argc == 5)
		h.type = XS_READ;
	else if (strcmp(argv[3], "mkdir") == 0 && argc == 5)
		h.type = XS_MKDIR;
	else if (strcmp(argv[3], "write") == 0 && argc == 6)
		h.type = XS_WRITE;
	else
		die("usage: xs_guest STATEDIR DOMID read|write|mkdir PATH [VALUE]");
	blen = strlen(argv[4]) + 1;
	if (blen + (argc == 6 ? strlen(argv[5]) : 0) > sizeof(body))
		die("too long");
	memcpy(body, argv[4], blen);
	if (argc == 6) {
		memcpy(body + blen, argv[5], strlen(argv[5]));
		blen += strlen(argv[5]);
	}
	h.req_id = 1;
	h.len = (uint32_t)blen;

	snprintf(path, sizeof(path), "%s/ports/%s", argv[1], argv[2]);
	if ((f = fopen(path, "r")) == NULL || fgets(port, sizeof(port), f) ==
	    NULL)
		die("no event channel port for that domain (not introduced?)");
	fclose(f);
	port[strcspn(port, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/rings/%s", argv[1], argv[2]);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		die("no ring page for that domain (not introduced?)");
	in = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (in == MAP_FAILED)
		die("mmap");
	snprintf(evtchn, sizeof(evtchn), "%s/evtchn", argv[1]);

	ring_write(in, &h, sizeof(h));
	ring_write(in, body, blen);
	notify(evtchn, port);
	ring_read(in, &h, sizeof(h));
	if (h.len > XENSTORE_PAYLOAD_MAX)
		die("answer too long");
	if ((rsp = calloc(1, h.len + 1)) == NULL)
		die("out of memory");
	ring_read(in, rsp, h.len);
	/* xenstored may wait for room in the reply ring: tell it there is */
	notify(evtchn, port);
	if (h.type == XS_ERROR) {
		printf("%s\n", rsp);
		return 1;
	}
	if (h.type == XS_READ)
		printf("%s\n", rsp);
	return 0;
}
