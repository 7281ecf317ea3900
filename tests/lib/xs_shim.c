/*
 * xs_shim.c: LD_PRELOAD shim that lets Debian's real xenstored (Xen 4.17)
 * run on a machine without a hypervisor.  Tests only; never installed.
 *
 * Written for Xen 4.17 (libxenctrl.so.4.17, XEN_DOMCTL_INTERFACE_VERSION
 * 0x15); it refuses to build against other headers and refuses to run in a
 * process that loaded another libxenctrl.
 *
 * What xenstored 4.17 imports from the Xen libraries (objdump -T) and what
 * it needs from each (tools/xenstore/xenstored_domain.c, _core.c, _linux.c):
 *   xc_interface_open/close   domain_init(): a non-NULL handle
 *   xc_domain_getinfo         get_domain_info(): does domid exist, is it
 *                             dying/shutdown/crashed (check_domains())
 *   xengnttab_open/close, _set_max_grants
 *   xengnttab_map_grant_ref   map_interface(): the domU ring page
 *                             (here: $XS_SHIM_STATE/rings/<domid>, a
 *                             zeroed page shared with whoever plays the
 *                             guest: tests/lib/xs_guest.c)
 *   xengnttab_unmap           munmap of that page
 *   xenevtchn_open/fdopen/fd  the event channel fd xenstored polls (here:
 *                             the FIFO $XS_SHIM_STATE/evtchn)
 *   xenevtchn_bind_virq       VIRQ_DOM_EXC: xenstored calls check_domains()
 *                             when xenevtchn_pending() returns this port
 *   xenevtchn_bind_interdomain, _unbind, _notify, _unmask, _pending
 * and two files dom0_init() opens (xenstored_linux.c):
 *   /proc/xen/xsd_kva   mmap'ed as dom0's ring -> $XS_SHIM_STATE/xsd_kva
 *                       (4096 zero bytes, created here)
 *   /proc/xen/xsd_port  dom0's xenbus port     -> $XS_SHIM_STATE/xsd_port
 *                       ("1", created here)
 *
 * Environment:
 *   XS_SHIM_STATE    state directory (required; the shim stays inert and
 *                    passes everything through when it is unset)
 *   XS_SHIM_VERBOSE  1: also log getinfo/notify/unmask calls
 *   XS_SHIM_PDEATHSIG 1: the process gets SIGTERM when its parent dies (so
 *                    a test shell killed by its timeout leaves no xenstored)
 * Files under $XS_SHIM_STATE:
 *   domains/<domid>  the domain exists.  Contents: whitespace-separated
 *                    words: paused, blocked, shutdown, crashed, dying,
 *                    reason=<n> (shutdown code: 0 poweroff, 1 reboot,
 *                    2 suspend, 3 crash), uuid=<uuid>, mem=<KiB>.
 *                    No paused/shutdown/dying word means running.
 *                    Domain 0 exists even without a file.
 *   evtchn           FIFO backing the event channel.  Write one line per
 *                    notification: "virq" (VIRQ_DOM_EXC: xenstored re-reads
 *                    every domain with xc_domain_getinfo and releases the
 *                    dying/vanished ones, firing @releaseDomain) or a local
 *                    port number.  Open it read-write (bash: 1<>) so the
 *                    write never blocks.
 *   shim.log         one line per faked call (for humans)
 *   virq_port        the local port bound to VIRQ_DOM_EXC
 *   rings/<domid>    the domain's xenstore ring page (struct
 *                    xenstore_domain_interface), made at its introduction
 *   ports/<domid>    the local port bound to the domain's xenstore event
 *                    channel: "<port>" written into evtchn is its notify
 * The shim also answers xc_domain_getinfolist() from the same files, so a
 * test may preload it into its own program to see paused/running states.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#if XEN_DOMCTL_INTERFACE_VERSION != 0x00000015
#error "xs_shim.c was written for Xen 4.17 headers (domctl 0x15)"
#endif

#define SHIM_XEN_SONAME	"libxenctrl.so.4.17"
#define PROC_KVA	"/proc/xen/xsd_kva"
#define PROC_PORT	"/proc/xen/xsd_port"
#define MAX_PORTS	1024
#define PAGE		4096

struct xc_interface_core { int magic; };
struct xengntdev_handle { int magic; };
struct xenevtchn_handle { int fd; };

enum port_kind { PORT_FREE, PORT_VIRQ, PORT_INTERDOMAIN };

static const char *state_dir;
static int verbose;
static enum port_kind port_kind[MAX_PORTS];
static unsigned int port_domid[MAX_PORTS];
static int virq_port = -1;

static int (*real_open)(const char *, int, ...);
static FILE *(*real_fopen)(const char *, const char *);

static void shim_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void
shim_log(const char *fmt, ...)
{
	char path[512], line[512];
	struct timespec ts;
	va_list ap;
	int fd, n, m;

	if (state_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/shim.log", state_dir);
	fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd == -1)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%03ld [%d] ",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000000, (int)getpid());
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(fd, line, n) < 0) {
		/* nothing useful to do */
	}
	close(fd);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
shim_die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xs_shim: %s\n", msg);
	shim_log("FATAL %s", msg);
	_exit(70);
}

static int
check_xenctrl(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *base;

	base = strrchr(info->dlpi_name, '/');
	base = base ? base + 1 : info->dlpi_name;
	if (strncmp(base, "libxenctrl.so.", 14) == 0 &&
	    strncmp(base, SHIM_XEN_SONAME, strlen(SHIM_XEN_SONAME)) != 0)
		*(const char **)data = info->dlpi_name;
	return 0;
}

/* Write a state file unless it exists; dies on failure. */
static void
make_file(const char *name, const void *buf, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", state_dir, name);
	fd = real_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1) {
		if (errno == EEXIST)
			return;
		shim_die("cannot create %s: %s", path, strerror(errno));
	}
	if (write(fd, buf, len) != (ssize_t)len)
		shim_die("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

__attribute__((constructor)) static void
shim_init(void)
{
	static const char zero[PAGE];
	const char *other = NULL;
	char path[512];

	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_fopen = (FILE *(*)(const char *, const char *))
	    dlsym(RTLD_NEXT, "fopen");
	state_dir = getenv("XS_SHIM_STATE");
	if (state_dir == NULL || *state_dir == '\0') {
		state_dir = NULL;
		return;
	}
	verbose = getenv("XS_SHIM_VERBOSE") != NULL &&
	    strcmp(getenv("XS_SHIM_VERBOSE"), "1") == 0;
	if (getenv("XS_SHIM_PDEATHSIG") != NULL &&
	    strcmp(getenv("XS_SHIM_PDEATHSIG"), "1") == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			raise(SIGTERM);
	}
	dl_iterate_phdr(check_xenctrl, &other);
	if (other != NULL)
		shim_die("written for Xen 4.17 (%s) but this process loaded "
		    "%s", SHIM_XEN_SONAME, other);
	snprintf(path, sizeof(path), "%s/domains", state_dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		shim_die("cannot create %s: %s", path, strerror(errno));
	make_file("xsd_kva", zero, sizeof(zero));
	make_file("xsd_port", "1\n", 2);
	snprintf(path, sizeof(path), "%s/rings", state_dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		shim_die("cannot create %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/ports", state_dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		shim_die("cannot create %s: %s", path, strerror(errno));
}

/* --- /proc/xen redirection ------------------------------------------------ */

static const char *
redirect(const char *path, char *buf, size_t len)
{
	const char *name = NULL;

	if (state_dir == NULL || path == NULL)
		return path;
	if (strcmp(path, PROC_KVA) == 0)
		name = "xsd_kva";
	else if (strcmp(path, PROC_PORT) == 0)
		name = "xsd_port";
	if (name == NULL)
		return path;
	snprintf(buf, len, "%s/%s", state_dir, name);
	shim_log("open %s -> %s", path, buf);
	return buf;
}

int
open(const char *path, int flags, ...)
{
	char buf[512];
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (real_open == NULL)
		real_open = (int (*)(const char *, int, ...))
		    dlsym(RTLD_NEXT, "open");
	return real_open(redirect(path, buf, sizeof(buf)), flags, mode);
}

FILE *
fopen(const char *path, const char *mode)
{
	char buf[512];

	if (real_fopen == NULL)
		real_fopen = (FILE *(*)(const char *, const char *))
		    dlsym(RTLD_NEXT, "fopen");
	return real_fopen(redirect(path, buf, sizeof(buf)), mode);
}

/* --- libxenctrl ------------------------------------------------------------ */

xc_interface *
xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dlogger,
    unsigned open_flags)
{
	struct xc_interface_core *xch;

	xch = calloc(1, sizeof(*xch));
	if (xch != NULL)
		xch->magic = 0x78637368;
	shim_log("xc_interface_open -> %p", (void *)xch);
	return xch;
}

int
xc_interface_close(xc_interface *xch)
{
	free(xch);
	return 0;
}

struct dom_state {
	unsigned int domid;
	int paused, blocked, shutdown, crashed, dying;
	unsigned int reason;
	unsigned long mem_kb;
	xen_domain_handle_t uuid;
};

static int
parse_uuid(const char *s, xen_domain_handle_t out)
{
	unsigned int i, v;

	for (i = 0; i < 16; i++) {
		if (*s == '-')
			s++;
		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
		s += 2;
	}
	return 0;
}

/* Reads domains/<domid>; 0 if it exists, -1 if not. */
static int
read_dom(unsigned int domid, struct dom_state *d)
{
	char path[512], buf[512], *tok, *save;
	ssize_t n;
	int fd;

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->mem_kb = 262144;
	snprintf(path, sizeof(path), "%s/domains/%u", state_dir, domid);
	fd = real_open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return domid == 0 ? 0 : -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		if (strcmp(tok, "paused") == 0)
			d->paused = 1;
		else if (strcmp(tok, "blocked") == 0)
			d->blocked = 1;
		else if (strcmp(tok, "shutdown") == 0)
			d->shutdown = 1;
		else if (strcmp(tok, "crashed") == 0)
			d->crashed = 1;
		else if (strcmp(tok, "dying") == 0)
			d->dying = 1;
		else if (strncmp(tok, "reason=", 7) == 0)
			d->reason = strtoul(tok + 7, NULL, 10);
		else if (strncmp(tok, "mem=", 4) == 0)
			d->mem_kb = strtoul(tok + 4, NULL, 10);
		else if (strncmp(tok, "uuid=", 5) == 0)
			parse_uuid(tok + 5, d->uuid);
	}
	return 0;
}

static int
cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* Sorted domids >= first, at most max; returns the count. */
static int
list_doms(unsigned int first, unsigned int max, unsigned int *ids)
{
	unsigned int all[1024], n = 0, i, out = 0, have0 = 0;
	char path[512], *end;
	struct dirent *de;
	unsigned long v;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/domains", state_dir);
	dir = opendir(path);
	if (dir != NULL) {
		while ((de = readdir(dir)) != NULL && n < 1023) {
			v = strtoul(de->d_name, &end, 10);
			if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
			    *end != '\0' || v >= DOMID_FIRST_RESERVED)
				continue;
			have0 |= v == 0;
			all[n++] = (unsigned int)v;
		}
		closedir(dir);
	}
	if (!have0)
		all[n++] = 0;
	qsort(all, n, sizeof(all[0]), cmp_uint);
	for (i = 0; i < n && out < max; i++)
		if (all[i] >= first)
			ids[out++] = all[i];
	return (int)out;
}

int
xc_domain_getinfo(xc_interface *xch, uint32_t first_domid,
    unsigned int max_doms, xc_dominfo_t *info)
{
	unsigned int ids[1024];
	struct dom_state d;
	int n, i, got = 0;

	if (state_dir == NULL) {
		errno = ENOSYS;
		return -1;
	}
	n = list_doms(first_domid, max_doms > 1024 ? 1024 : max_doms, ids);
	for (i = 0; i < n; i++) {
		if (read_dom(ids[i], &d) == -1)
			continue;
		memset(&info[got], 0, sizeof(info[got]));
		info[got].domid = d.domid;
		info[got].dying = d.dying;
		info[got].crashed = d.crashed;
		info[got].shutdown = d.shutdown || d.crashed;
		info[got].shutdown_reason = d.crashed ? SHUTDOWN_crash
		    : d.reason;
		info[got].paused = d.paused;
		info[got].blocked = d.blocked;
		info[got].running = !d.paused && !d.blocked &&
		    !d.shutdown && !d.crashed && !d.dying;
		info[got].nr_pages = d.mem_kb / 4;
		info[got].max_memkb = d.mem_kb;
		info[got].nr_online_vcpus = 1;
		info[got].max_vcpu_id = 0;
		memcpy(info[got].handle, d.uuid, sizeof(d.uuid));
		got++;
	}
	if (verbose)
		shim_log("xc_domain_getinfo(%u, %u) -> %d%s", first_domid,
		    max_doms, got, got > 0 && info[0].dying ? " dying" : "");
	return got;
}

int
xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain,
    unsigned int max_domains, xc_domaininfo_t *info)
{
	xc_dominfo_t di[64];
	int n, i;

	n = xc_domain_getinfo(xch, first_domain,
	    max_domains > 64 ? 64 : max_domains, di);
	for (i = 0; i < n; i++) {
		memset(&info[i], 0, sizeof(info[i]));
		info[i].domain = (domid_t)di[i].domid;
		info[i].flags = (di[i].dying ? XEN_DOMINF_dying : 0) |
		    (di[i].shutdown ? XEN_DOMINF_shutdown : 0) |
		    (di[i].paused ? XEN_DOMINF_paused : 0) |
		    (di[i].blocked ? XEN_DOMINF_blocked : 0) |
		    (di[i].running ? XEN_DOMINF_running : 0) |
		    ((di[i].shutdown_reason & XEN_DOMINF_shutdownmask)
		    << XEN_DOMINF_shutdownshift);
		info[i].tot_pages = di[i].nr_pages;
		info[i].max_pages = di[i].nr_pages;
		info[i].nr_online_vcpus = 1;
		memcpy(info[i].handle, di[i].handle, sizeof(info[i].handle));
	}
	return n;
}

/* --- libxengnttab ----------------------------------------------------------- */

xengnttab_handle *
xengnttab_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	return calloc(1, sizeof(struct xengntdev_handle));
}

int
xengnttab_close(xengnttab_handle *xgt)
{
	free(xgt);
	return 0;
}

int
xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
	return 0;
}

void *
xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref,
    int prot)
{
	char path[512];
	void *p = MAP_FAILED;
	int fd = -1;

	/* the guest's side of the ring: a file a test may map and drive */
	if (state_dir != NULL) {
		snprintf(path, sizeof(path), "%s/rings/%u", state_dir, domid);
		fd = real_open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	}
	if (fd != -1 && ftruncate(fd, PAGE) == 0)
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd != -1)
		close(fd);
	if (p == MAP_FAILED)
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shim_log("xengnttab_map_grant_ref(dom %u, ref %u) -> %p", domid, ref,
	    p == MAP_FAILED ? NULL : p);
	return p == MAP_FAILED ? NULL : p;
}

int
xengnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count)
{
	shim_log("xengnttab_unmap(%p)", start);
	return munmap(start, (size_t)count * PAGE);
}

/* --- libxenevtchn ----------------------------------------------------------- */

static xenevtchn_handle *
evtchn_new(int fd)
{
	xenevtchn_handle *xce;

	xce = calloc(1, sizeof(*xce));
	if (xce == NULL) {
		close(fd);
		return NULL;
	}
	xce->fd = fd;
	return xce;
}

xenevtchn_handle *
xenevtchn_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	char path[512];
	int fd, flags = O_RDWR;

	if (state_dir == NULL) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/evtchn", state_dir);
	if (mkfifo(path, 0600) == -1 && errno != EEXIST)
		return NULL;
	if (!(open_flags & XENEVTCHN_NO_CLOEXEC))
		flags |= O_CLOEXEC;
	/* O_RDWR: never blocks on open, never sees EOF when writers leave. */
	fd = real_open(path, flags);
	shim_log("xenevtchn_open -> fd %d (%s)", fd, path);
	if (fd == -1)
		return NULL;
	return evtchn_new(fd);
}

xenevtchn_handle *
xenevtchn_fdopen(struct xentoollog_logger *logger, int fd, unsigned open_flags)
{
	shim_log("xenevtchn_fdopen(%d)", fd);
	return evtchn_new(fd);
}

int
xenevtchn_fd(xenevtchn_handle *xce)
{
	return xce->fd;
}

static int
port_alloc(enum port_kind kind, unsigned int domid)
{
	int p;

	for (p = 1; p < MAX_PORTS; p++) {
		if (port_kind[p] == PORT_FREE) {
			port_kind[p] = kind;
			port_domid[p] = domid;
			return p;
		}
	}
	errno = ENOSPC;
	return -1;
}

xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
	char buf[16];
	int p;

	p = port_alloc(PORT_VIRQ, virq);
	if (p != -1 && virq == VIRQ_DOM_EXC) {
		virq_port = p;
		snprintf(buf, sizeof(buf), "%d\n", p);
		make_file("virq_port", buf, strlen(buf));
	}
	shim_log("xenevtchn_bind_virq(%u) -> port %d", virq, p);
	return p;
}

xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
    evtchn_port_t remote_port)
{
	char path[512], buf[16];
	int p, fd, n;

	p = port_alloc(PORT_INTERDOMAIN, domid);
	shim_log("xenevtchn_bind_interdomain(dom %u, remote %u) -> port %d",
	    domid, remote_port, p);
	if (p != -1 && state_dir != NULL) {
		snprintf(path, sizeof(path), "%s/ports/%u", state_dir, domid);
		n = snprintf(buf, sizeof(buf), "%d\n", p);
		fd = real_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
		if (fd != -1) {
			if (write(fd, buf, (size_t)n) != n)
				shim_log("cannot write %s", path);
			close(fd);
		}
	}
	return p;
}

int
xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	shim_log("xenevtchn_unbind(%u)", port);
	if (port == 0 || port >= MAX_PORTS || port_kind[port] == PORT_FREE) {
		errno = EINVAL;
		return -1;
	}
	port_kind[port] = PORT_FREE;
	if ((int)port == virq_port)
		virq_port = -1;
	return 0;
}

int
xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (verbose)
		shim_log("xenevtchn_notify(%u)", port);
	return 0;
}

int
xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (verbose)
		shim_log("xenevtchn_unmask(%u)", port);
	return 0;
}

/*
 * One line from the FIFO ("virq" or a port number).  Only called after
 * poll() saw the fd readable, and writers write whole lines (< PIPE_BUF),
 * so the blocking byte-wise read ends at the newline.  Junk gives port 0,
 * which xenstored only unmasks.
 */
xenevtchn_port_or_error_t
xenevtchn_pending(xenevtchn_handle *xce)
{
	char line[64];
	size_t n = 0;
	ssize_t r;
	char c;
	int port = 0;

	for (;;) {
		r = read(xce->fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 1)
			return -1;
		if (c == '\n')
			break;
		if (n < sizeof(line) - 1)
			line[n++] = c;
	}
	line[n] = '\0';
	if (strcmp(line, "virq") == 0)
		port = virq_port > 0 ? virq_port : 0;
	else if (line[0] >= '0' && line[0] <= '9')
		port = atoi(line);
	shim_log("xenevtchn_pending '%s' -> port %d", line, port);
	return port;
}
