/*
 * xs_watch_dump: print xenstore watch events with timestamps (tests only).
 *
 * Usage: xs_watch_dump [-s] [-v] [-t SECS] [-n COUNT] [-r READYFILE] PATH...
 *   PATH       a node or @introduceDomain / @releaseDomain; each is watched
 *              with itself as the token
 *   -s         skip the event xenstored fires when a watch is registered
 *   -v         append the node's value ("-" when it does not exist)
 *   -t SECS    give up after SECS seconds (default 30)
 *   -n COUNT   exit after COUNT events (registration events not counted)
 *   -r FILE    create FILE once every watch is registered and its
 *              registration event has arrived: later writes are seen
 * Environment: XENSTORED_PATH, the daemon socket.
 * Output, one line per event, flushed at once:
 *   <unix-seconds.milliseconds> <token> <path>[ <value>]
 * Exit: 0 on COUNT events, SIGTERM/SIGINT, or timeout without -n;
 *       3 on timeout before COUNT events; 1 on errors; 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#define MAX_WATCHES 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	stop = 1;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: xs_watch_dump [-s] [-v] [-t SECS] [-n COUNT] "
	    "[-r READYFILE] PATH...\n");
	exit(2);
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
print_event(struct xs_handle *xsh, const char *path, const char *token,
    bool value)
{
	struct timespec ts;
	unsigned int len;
	char *v;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%lld.%03ld %s %s", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000000, token, path);
	if (value) {
		v = path[0] == '@' ? NULL : xs_read(xsh, XBT_NULL, path, &len);
		printf(" %s", v ? v : "-");
		free(v);
	}
	printf("\n");
}

static int
make_ready(const char *file)
{
	int fd;

	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		fprintf(stderr, "xs_watch_dump: %s: %s\n", file,
		    strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	bool skip = false, value = false, seen[MAX_WATCHES] = { false };
	const char *ready = NULL;
	long count = -1, events = 0;
	double timeout = 30, deadline;
	struct sigaction sa;
	struct xs_handle *xsh;
	struct pollfd pfd;
	int opt, i, nw, pending, r;
	char **vec;
	unsigned int num;

	while ((opt = getopt(argc, argv, "svt:n:r:")) != -1) {
		switch (opt) {
		case 's': skip = true; break;
		case 'v': value = true; break;
		case 't': timeout = atof(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'r': ready = optarg; break;
		default: usage();
		}
	}
	nw = argc - optind;
	if (nw < 1 || nw > MAX_WATCHES)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	xsh = xs_open(0);
	if (xsh == NULL) {
		fprintf(stderr, "xs_watch_dump: cannot connect to xenstored: "
		    "%s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < nw; i++) {
		if (!xs_watch(xsh, argv[optind + i], argv[optind + i])) {
			fprintf(stderr, "xs_watch_dump: watch %s: %s\n",
			    argv[optind + i], strerror(errno));
			return 1;
		}
	}
	pending = nw;
	deadline = now_mono() + timeout;
	pfd.fd = xs_fileno(xsh);
	pfd.events = POLLIN;
	while (!stop && (count < 0 || events < count)) {
		r = poll(&pfd, 1, (int)((deadline - now_mono()) * 1000) + 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			perror("xs_watch_dump: poll");
			return 1;
		}
		if (now_mono() >= deadline && r == 0)
			return count < 0 ? 0 : 3;
		while ((vec = xs_check_watch(xsh)) != NULL) {
			num = 0;
			for (i = 0; i < nw; i++)
				if (strcmp(vec[XS_WATCH_TOKEN],
				    argv[optind + i]) == 0)
					break;
			if (i < nw && !seen[i] &&
			    strcmp(vec[XS_WATCH_PATH], argv[optind + i]) == 0) {
				seen[i] = true;
				num = 1;
				pending--;
			}
			if (!num || !skip)
				print_event(xsh, vec[XS_WATCH_PATH],
				    vec[XS_WATCH_TOKEN], value);
			if (!num)
				events++;
			free(vec);
			if (num && pending == 0 && ready && make_ready(ready))
				return 1;
			if (count >= 0 && events >= count)
				break;
		}
	}
	xs_close(xsh);
	return 0;
}
