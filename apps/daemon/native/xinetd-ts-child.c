/*
 * xinetd-ts-child: the part of starting a server that Node.js has no API for.
 *
 * Exec mode (default): applies rlimits, nice, group, supplementary groups, user and umask
 * to itself, then execs the server with the argv[0] it was given. The server's fds 0-2
 * are set up by the daemon before this program runs.
 *
 * Holder mode (-W stream|dgram): fd 0 is a wait = yes service's socket. The holder waits
 * until a connection or datagram is pending without consuming it, asks the daemon whether
 * to start a server, forks one with the socket on fds 0-2, waits for it, and repeats.
 *
 * In both modes fd 3 talks to the daemon: one line per event, and in holder mode one
 * answer byte per request. It is close-on-exec, so a server never sees it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONTROL_FD 3
#define MAX_LIMITS 8

struct limit {
    int resource;
    const char *name;
    rlim_t value;
};

struct setup {
    long uid;
    long gid;
    const char *groups_user; /* initgroups() for this user, else no supplementary groups */
    long umask_value;
    int has_nice;
    int nice_value;
    struct limit limits[MAX_LIMITS];
    int limit_count;
};

static void tell(const char *format, ...) {
    char line[1024];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (length < 0) return;
    if ((size_t)length >= sizeof line) length = sizeof line - 1;
    ssize_t ignored = write(CONTROL_FD, line, (size_t)length);
    (void)ignored;
}

static void fail(const char *step) {
    tell("error %s: %s (errno = %d)\n", step, strerror(errno), errno);
    _exit(127);
}

static int resource_by_name(const char *name) {
    if (strcmp(name, "as") == 0) return RLIMIT_AS;
    if (strcmp(name, "cpu") == 0) return RLIMIT_CPU;
    if (strcmp(name, "data") == 0) return RLIMIT_DATA;
    if (strcmp(name, "rss") == 0) return RLIMIT_RSS;
    if (strcmp(name, "stack") == 0) return RLIMIT_STACK;
    if (strcmp(name, "files") == 0) return RLIMIT_NOFILE;
    return -1;
}

/* Parses NAME=VALUE, VALUE being a number or "unlimited". */
static void add_limit(struct setup *setup, char *spec) {
    char *equals = strchr(spec, '=');
    if (equals == NULL || setup->limit_count == MAX_LIMITS) {
        errno = EINVAL;
        fail("parse -r");
    }
    *equals = '\0';
    struct limit *limit = &setup->limits[setup->limit_count++];
    limit->name = spec;
    limit->resource = resource_by_name(spec);
    if (limit->resource < 0) {
        errno = EINVAL;
        fail("parse -r");
    }
    limit->value = strcmp(equals + 1, "unlimited") == 0 ? RLIM_INFINITY : (rlim_t)strtoull(equals + 1, NULL, 10);
}

/* The order of xinetd's child, except that limits and nice come before the user switch,
 * so that a root daemon can raise them. */
static void apply_setup(const struct setup *setup) {
    char step[64];
    for (int i = 0; i < setup->limit_count; i++) {
        struct rlimit value = {setup->limits[i].value, setup->limits[i].value};
        snprintf(step, sizeof step, "setrlimit(rlimit_%s)", setup->limits[i].name);
        if (setrlimit(setup->limits[i].resource, &value) != 0) fail(step);
    }
    if (setup->has_nice) {
        errno = 0;
        if (nice(setup->nice_value) == -1 && errno != 0) fail("nice");
    }
    if (setup->gid >= 0) {
        if (setgid((gid_t)setup->gid) != 0) fail("setgid");
        if (setup->groups_user != NULL) {
            if (initgroups(setup->groups_user, (gid_t)setup->gid) != 0) fail("initgroups");
        } else if (setgroups(0, NULL) != 0) {
            fail("setgroups");
        }
    }
    if (setup->uid >= 0 && setuid((uid_t)setup->uid) != 0) fail("setuid");
    if (setup->umask_value >= 0) umask((mode_t)setup->umask_value);
}

static void close_from(int first) {
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = first; fd < max; fd++) close(fd);
}

/* argv: path, argv0, args... */
static void exec_server(const struct setup *setup, char **server) {
    apply_setup(setup);
    fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
    close_from(CONTROL_FD + 1);
    execv(server[0], server + 1);
    char step[300];
    snprintf(step, sizeof step, "execv( %s )", server[0]);
    fail(step);
}

/* Waits until fd 0 is readable or the daemon closes fd 3. Returns 0 on EOF from the daemon. */
static int wait_pending(void) {
    struct pollfd fds[2] = {{0, POLLIN, 0}, {CONTROL_FD, POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            fail("poll");
        }
        if (fds[1].revents != 0) return 0;
        if (fds[0].revents != 0) return 1;
    }
}

static void describe_sender(char *text, size_t size, int *port) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    char byte;
    *port = 0;
    snprintf(text, size, "-");
    if (recvfrom(0, &byte, 1, MSG_PEEK, (struct sockaddr *)&address, &length) < 0) return;
    if (address.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
        inet_ntop(AF_INET, &v4->sin_addr, text, (socklen_t)size);
        *port = ntohs(v4->sin_port);
    } else if (address.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
        inet_ntop(AF_INET6, &v6->sin6_addr, text, (socklen_t)size);
        *port = ntohs(v6->sin6_port);
    }
}

/* Reads and discards every queued datagram, as xinetd does after a dgram server exits. */
static void drain(void) {
    char buffer[1];
    while (recv(0, buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
    }
}

static void refuse(int dgram) {
    char buffer[1];
    if (dgram) {
        ssize_t ignored = recv(0, buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC);
        (void)ignored;
        return;
    }
    int connection = accept(0, NULL, NULL);
    if (connection >= 0) close(connection);
}

static void run_server(const struct setup *setup, char **server, int dgram) {
    pid_t pid = fork();
    if (pid < 0) {
        tell("error fork: %s (errno = %d)\n", strerror(errno), errno);
        return;
    }
    if (pid == 0) {
        setsid();
        signal(SIGPIPE, SIG_DFL);
        if (dup2(0, 1) < 0 || dup2(0, 2) < 0) fail("dup2");
        exec_server(setup, server);
    }
    tell("started %d\n", (int)pid);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) fail("waitpid");
    }
    if (WIFSIGNALED(status)) tell("exited %d signal %d\n", (int)pid, WTERMSIG(status));
    else tell("exited %d status %d\n", (int)pid, WEXITSTATUS(status));
    if (dgram) drain();
}

static void hold(const struct setup *setup, char **server, int dgram) {
    signal(SIGPIPE, SIG_IGN);
    fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
    for (;;) {
        if (!wait_pending()) _exit(0);
        char sender[INET6_ADDRSTRLEN + 1] = "-";
        int port = 0;
        if (dgram) describe_sender(sender, sizeof sender, &port);
        tell("request %s %d\n", sender, port);
        char answer;
        ssize_t got;
        do got = read(CONTROL_FD, &answer, 1);
        while (got < 0 && errno == EINTR);
        if (got <= 0) _exit(0);
        if (answer == 'y') run_server(setup, server, dgram);
        else refuse(dgram);
    }
}

int main(int argc, char **argv) {
    struct setup setup = {-1, -1, NULL, -1, 0, 0, {{0}}, 0};
    const char *hold_mode = NULL;
    int option;
    while ((option = getopt(argc, argv, "+u:g:G:m:n:r:W:")) != -1) {
        switch (option) {
        case 'u': setup.uid = strtol(optarg, NULL, 10); break;
        case 'g': setup.gid = strtol(optarg, NULL, 10); break;
        case 'G': setup.groups_user = optarg; break;
        case 'm': setup.umask_value = strtol(optarg, NULL, 8); break;
        case 'n': setup.has_nice = 1; setup.nice_value = (int)strtol(optarg, NULL, 10); break;
        case 'r': add_limit(&setup, optarg); break;
        case 'W': hold_mode = optarg; break;
        default: errno = EINVAL; fail("parse options");
        }
    }
    /* What follows is: path argv0 [args...] */
    if (argc - optind < 2) {
        errno = EINVAL;
        fail("parse server");
    }
    if (hold_mode != NULL) hold(&setup, argv + optind, strcmp(hold_mode, "dgram") == 0);
    exec_server(&setup, argv + optind);
    return 127;
}
