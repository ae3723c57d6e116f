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
#include <dirent.h>
#include <sys/syscall.h>
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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONTROL_FD 3
#define MAX_LIMITS 8

/* The descriptor tell() writes to. The spawner points it at a per-server error pipe in each child. */
static int report_fd = CONTROL_FD;

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
    ssize_t ignored = write(report_fd, line, (size_t)length);
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

/* Closes every descriptor from `first` up. close_range() is one system call; the loop
 * over /proc/self/fd is the fallback for kernels before 5.9. Closing up to the nofile
 * limit one by one took milliseconds per server, since Node raises that limit. */
static void close_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0) return;
#endif
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) {
        for (int fd = first; fd < 1024; fd++) close(fd);
        return;
    }
    int own = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        if (fd >= first && fd != own) close(fd);
    }
    closedir(dir);
}

/* server: path, argv0, args..., NULL; envp NULL keeps the current environment. */
static void exec_server(const struct setup *setup, char **server, char **envp) {
    apply_setup(setup);
    fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
    close_from(CONTROL_FD + 1);
    if (envp != NULL) execve(server[0], server + 1, envp);
    else execv(server[0], server + 1);
    char step[300];
    snprintf(step, sizeof step, "execv( %s )", server[0]);
    fail(step);
}

static int hex_value(char c);

/* Decodes NUL-terminated fields from hex into a NULL-terminated array; NULL if malformed. */
static char **decode_fields(const char *hex) {
    size_t length = strlen(hex);
    if (length % 2 != 0) return NULL;
    char *bytes = malloc(length / 2 + 1);
    size_t count = 0;
    if (bytes == NULL) return NULL;
    for (size_t i = 0; i < length / 2; i++) {
        int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            free(bytes);
            return NULL;
        }
        bytes[i] = (char)(high * 16 + low);
        if (bytes[i] == '\0') count++;
    }
    char **fields = calloc(count + 1, sizeof(char *));
    if (fields == NULL) return NULL;
    for (size_t i = 0, start = 0, field = 0; i < length / 2; i++) {
        if (bytes[i] != '\0') continue;
        fields[field++] = bytes + start;
        start = i + 1;
    }
    return fields;
}

/*
 * A reload that changes the service sends "exec <argv> <env>\n", both hex-encoded
 * NUL-terminated fields, and the holder execs itself with them. The socket on fd 0 and
 * the channel on fd 3 stay open, so the service keeps listening through the change.
 */
static void exec_again(char *line) {
    char *space = strchr(line + 5, ' ');
    if (strncmp(line, "exec ", 5) != 0 || space == NULL) {
        tell("error control: unexpected message from the daemon\n");
        return;
    }
    *space = '\0';
    char **argv = decode_fields(line + 5), **env = decode_fields(space + 1);
    if (argv == NULL || env == NULL || argv[0] == NULL) {
        tell("error control: malformed exec message from the daemon\n");
        return;
    }
    fcntl(CONTROL_FD, F_SETFD, 0);
    execve(argv[0], argv, env);
    tell("error execve( %s ): %s (errno = %d); the helper keeps the old settings\n", argv[0], strerror(errno), errno);
    fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
}

/* Reads a line from the daemon that starts with `first` (unless NUL) and goes on to the
 * newline. Returns NULL once the daemon closed fd 3. */
static char *read_line(char first) {
    size_t used = 0, size = 4096;
    char *line = malloc(size);
    if (line == NULL) fail("malloc");
    if (first != '\0') line[used++] = first;
    for (;;) {
        char c;
        ssize_t got = read(CONTROL_FD, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            free(line);
            return NULL;
        }
        if (c == '\n') break;
        line[used++] = c;
        if (used == size) {
            size *= 2;
            line = realloc(line, size);
            if (line == NULL) fail("realloc");
        }
    }
    line[used] = '\0';
    return line;
}

/* Reads one message from the daemon and acts on it. Returns 0 once the daemon closed fd 3. */
static int read_control(void) {
    char *line = read_line('\0');
    if (line == NULL) return 0;
    exec_again(line);
    free(line);
    return 1;
}

/*
 * Reads the daemon's reply byte to a request, or -1 once it closed fd 3. An exec message
 * sent before the daemon read the request comes first: it is kept in `deferred` and
 * carried out once the request is handled.
 */
static int read_answer(char **deferred) {
    for (;;) {
        char answer;
        ssize_t got = read(CONTROL_FD, &answer, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        if (answer != 'e') return answer;
        free(*deferred);
        *deferred = read_line('e');
        if (*deferred == NULL) return -1;
    }
}

/* Waits until fd 0 is readable, acting on messages from the daemon. Returns 0 on EOF from the daemon. */
static int wait_pending(void) {
    struct pollfd fds[2] = {{0, POLLIN, 0}, {CONTROL_FD, POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            fail("poll");
        }
        if (fds[1].revents != 0 && !read_control()) return 0;
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

/* Returns 0 when fork failed; the request is then still pending. */
static int run_server(const struct setup *setup, char **server, int dgram) {
    pid_t pid = fork();
    if (pid < 0) {
        tell("error fork: %s (errno = %d)\n", strerror(errno), errno);
        return 0;
    }
    if (pid == 0) {
        setsid();
        signal(SIGPIPE, SIG_DFL);
        if (dup2(0, 1) < 0 || dup2(0, 2) < 0) fail("dup2");
        exec_server(setup, server, NULL);
    }
    tell("started %d\n", (int)pid);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) fail("waitpid");
    }
    if (WIFSIGNALED(status)) tell("exited %d signal %d\n", (int)pid, WTERMSIG(status));
    else tell("exited %d status %d\n", (int)pid, WEXITSTATUS(status));
    if (dgram) drain();
    return 1;
}

/* Waits `milliseconds`, acting on messages from the daemon; returns 0 once it closed fd 3. */
static int pause_unless_closed(int milliseconds) {
    struct pollfd control = {CONTROL_FD, POLLIN, 0};
    int ready;
    while ((ready = poll(&control, 1, milliseconds)) < 0 && errno == EINTR) {
    }
    return ready <= 0 || read_control();
}

/* After a failed fork the request stays pending. Waiting 0.25 s, doubling up to 5 s,
 * keeps the holder from asking again in a tight loop while processes are short. */
static int next_pause(int previous) {
    if (previous == 0) return 250;
    return previous >= 2500 ? 5000 : previous * 2;
}

static void hold(const struct setup *setup, char **server, int dgram) {
    signal(SIGPIPE, SIG_IGN);
    fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
    int pause = 0;
    for (;;) {
        if (pause > 0 && !pause_unless_closed(pause)) _exit(0);
        if (!wait_pending()) _exit(0);
        char sender[INET6_ADDRSTRLEN + 1] = "-";
        int port = 0;
        if (dgram) describe_sender(sender, sizeof sender, &port);
        tell("request %s %d\n", sender, port);
        char *deferred = NULL;
        int answer = read_answer(&deferred);
        if (answer < 0) _exit(0);
        if (answer != 'y') {
            refuse(dgram);
            pause = 0;
        } else {
            pause = run_server(setup, server, dgram) ? 0 : next_pause(pause);
        }
        if (deferred != NULL) {
            exec_again(deferred);
            free(deferred);
        }
    }
}

/*
 * Spawner mode (-S): a long-lived process that starts wait = no servers for the daemon.
 * Forking this small process costs far less than forking Node's, and Node can pass an
 * accepted socket to a child only over its IPC channel (NODE_CHANNEL_FD), as a JSON line
 * {"cmd":"NODE_HANDLE",...,"msg":{"x":"<hex>"}} with the descriptor attached, which the
 * receiver acknowledges with {"cmd":"NODE_HANDLE_ACK"}. The hex holds NUL-terminated
 * fields: id, option count, options, path, argv0, argument count, arguments, environment
 * count, environment. The spawner replies {"id":"<id>","pid":<pid>} or
 * {"id":"<id>","error":"<text>"}, and {"exit":<pid>,"status":<n>} or
 * {"exit":<pid>,"signal":<n>} when it reaps a server.
 */
#define MAX_QUEUED_FDS 64

static int ipc_fd = -1;
static int queued_fds[MAX_QUEUED_FDS];
static int queued_count = 0;

static void send_all(const char *text, size_t length) {
    while (length > 0) {
        ssize_t written = write(ipc_fd, text, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                struct pollfd out = {ipc_fd, POLLOUT, 0};
                poll(&out, 1, -1);
                continue;
            }
            _exit(0); /* The daemon is gone. */
        }
        text += written;
        length -= (size_t)written;
    }
}

/* Appends `text` to `out` as a JSON string body (without quotes). */
static size_t json_escape(char *out, size_t size, const char *text) {
    size_t used = 0;
    for (; *text != '\0' && used + 7 < size; text++) {
        unsigned char c = (unsigned char)*text;
        if (c == '"' || c == '\\') { out[used++] = '\\'; out[used++] = (char)c; }
        else if (c < 0x20) used += (size_t)snprintf(out + used, size - used, "\\u%04x", c);
        else out[used++] = (char)c;
    }
    out[used] = '\0';
    return used;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes the hex after "x":" in place; returns the byte count, or -1. */
static long decode_payload(char *line) {
    char *start = strstr(line, "\"x\":\"");
    if (start == NULL) return -1;
    start += 5;
    long count = 0;
    for (char *in = start; *in != '"'; in += 2) {
        int high = hex_value(in[0]), low = high < 0 ? -1 : hex_value(in[1]);
        if (low < 0) return -1;
        line[count++] = (char)(high * 16 + low);
    }
    return count;
}

struct request {
    const char *id;
    struct setup setup;
    char *server[260]; /* path, argv0, args..., NULL */
    char **env;
};

/* Reads the next NUL-terminated field; NULL when the payload ends early. */
static char *next_field(char **cursor, char *end) {
    if (*cursor >= end) return NULL;
    char *field = *cursor;
    char *nul = memchr(field, '\0', (size_t)(end - field));
    if (nul == NULL) return NULL;
    *cursor = nul + 1;
    return field;
}

static int parse_setup_option(struct setup *setup, const char *flag, char *value) {
    switch (flag[1]) {
    case 'u': setup->uid = strtol(value, NULL, 10); return 0;
    case 'g': setup->gid = strtol(value, NULL, 10); return 0;
    case 'G': setup->groups_user = value; return 0;
    case 'm': setup->umask_value = strtol(value, NULL, 8); return 0;
    case 'n': setup->has_nice = 1; setup->nice_value = (int)strtol(value, NULL, 10); return 0;
    case 'r': add_limit(setup, value); return 0;
    default: return -1;
    }
}

static int parse_request(char *payload, long length, struct request *request) {
    char *cursor = payload, *end = payload + length, *field;
    struct setup empty = {-1, -1, NULL, -1, 0, 0, {{0}}, 0};
    request->setup = empty;
    if ((request->id = next_field(&cursor, end)) == NULL || (field = next_field(&cursor, end)) == NULL) return -1;
    long options = strtol(field, NULL, 10);
    for (long i = 0; i + 1 < options; i += 2) {
        char *flag = next_field(&cursor, end), *value = next_field(&cursor, end);
        if (flag == NULL || value == NULL || parse_setup_option(&request->setup, flag, value) != 0) return -1;
    }
    for (int i = 0; i < 2; i++) {
        if ((request->server[i] = next_field(&cursor, end)) == NULL) return -1;
    }
    if ((field = next_field(&cursor, end)) == NULL) return -1;
    long args = strtol(field, NULL, 10);
    if (args < 0 || args > 256) return -1;
    for (long i = 0; i < args; i++) {
        if ((request->server[2 + i] = next_field(&cursor, end)) == NULL) return -1;
    }
    request->server[2 + args] = NULL;
    if ((field = next_field(&cursor, end)) == NULL) return -1;
    long count = strtol(field, NULL, 10);
    request->env = calloc((size_t)count + 1, sizeof(char *));
    if (request->env == NULL) return -1;
    for (long i = 0; i < count; i++) {
        if ((request->env[i] = next_field(&cursor, end)) == NULL) return -1;
    }
    return 0;
}

static void reply_error(const char *id, const char *text) {
    char escaped[1024], line[1200];
    json_escape(escaped, sizeof escaped, text);
    int length = snprintf(line, sizeof line, "{\"id\":\"%s\",\"error\":\"%s\"}\n", id, escaped);
    send_all(line, (size_t)length);
}

/* The child: the connection on 0-2, blocking; errors go to the pipe that is fd 3. */
static void start_child(struct request *request, int connection, int error_pipe) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* An ignored signal stays ignored across exec; servers expect SIGPIPE to kill them. */
    signal(SIGPIPE, SIG_DFL);
    if (dup2(error_pipe, CONTROL_FD) < 0) _exit(127);
    report_fd = CONTROL_FD;
    if (dup2(connection, 0) < 0 || dup2(connection, 1) < 0 || dup2(connection, 2) < 0) fail("dup2");
    int flags = fcntl(0, F_GETFL);
    if (flags >= 0) fcntl(0, F_SETFL, flags & ~O_NONBLOCK);
    setsid();
    exec_server(&request->setup, request->server, request->env);
}

/* A server forked but not yet known to have exec'd: its close-on-exec error pipe is open. */
struct launch {
    pid_t pid;
    int pipe_fd;
    char id[24];
};

#define MAX_LAUNCHES 256
static struct launch launches[MAX_LAUNCHES];
static int launch_count = 0;

/* Reads the launch's error pipe to the end (exec closes it) and sends the pid or the error. */
static void finish_launch(int index) {
    struct launch launch = launches[index];
    launches[index] = launches[--launch_count];
    char text[1024];
    size_t used = 0;
    ssize_t got;
    while (used + 1 < sizeof text && ((got = read(launch.pipe_fd, text + used, sizeof text - 1 - used)) > 0 || (got < 0 && errno == EINTR))) {
        if (got > 0) used += (size_t)got;
    }
    close(launch.pipe_fd);
    text[used] = '\0';
    if (used > 0) {
        char *body = strncmp(text, "error ", 6) == 0 ? text + 6 : text;
        body[strcspn(body, "\n")] = '\0';
        reply_error(launch.id, body);
        return;
    }
    char reply[128];
    int length = snprintf(reply, sizeof reply, "{\"id\":\"%s\",\"pid\":%d}\n", launch.id, (int)launch.pid);
    send_all(reply, (size_t)length);
}

static void finish_launch_of(pid_t pid) {
    for (int i = 0; i < launch_count; i++) {
        if (launches[i].pid == pid) {
            finish_launch(i);
            return;
        }
    }
}

static void spawn_request(char *line, int connection) {
    long length = decode_payload(line);
    struct request request = {0};
    if (length < 0 || parse_request(line, length, &request) != 0) {
        reply_error(request.id != NULL ? request.id : "?", "the spawner received a malformed request");
        close(connection);
        free(request.env);
        return;
    }
    int error_pipe[2];
    if (launch_count == MAX_LAUNCHES || pipe2(error_pipe, O_CLOEXEC) != 0) {
        reply_error(request.id, launch_count == MAX_LAUNCHES ? "too many servers starting at once" : strerror(errno));
        close(connection);
        free(request.env);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) start_child(&request, connection, error_pipe[1]);
    close(error_pipe[1]);
    close(connection);
    if (pid < 0) {
        char text[128];
        snprintf(text, sizeof text, "fork: %s (errno = %d)", strerror(errno), errno);
        close(error_pipe[0]);
        reply_error(request.id, text);
    } else {
        /* The reply waits until exec closes the pipe, so the next request need not. */
        struct launch *launch = &launches[launch_count++];
        launch->pid = pid;
        launch->pipe_fd = error_pipe[0];
        snprintf(launch->id, sizeof launch->id, "%s", request.id);
    }
    free(request.env);
}

static void handle_line(char *line) {
    if (strstr(line, "\"cmd\":\"NODE_HANDLE\"") == NULL) return; /* Node's other internal messages need no answer. */
    static const char ack[] = "{\"cmd\":\"NODE_HANDLE_ACK\"}\n";
    send_all(ack, sizeof ack - 1);
    if (queued_count == 0) return;
    int connection = queued_fds[0];
    memmove(queued_fds, queued_fds + 1, (size_t)(--queued_count) * sizeof(int));
    spawn_request(line, connection);
}

static void read_ipc(char **buffer, size_t *length, size_t *capacity) {
    if (*capacity - *length < 65536) {
        *capacity = *capacity * 2 + 65536;
        *buffer = realloc(*buffer, *capacity);
        if (*buffer == NULL) _exit(1);
    }
    struct iovec iov = {*buffer + *length, *capacity - *length - 1};
    char control[CMSG_SPACE(sizeof(int) * 16)];
    struct msghdr message = {0};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t got = recvmsg(ipc_fd, &message, MSG_CMSG_CLOEXEC);
    if (got == 0) _exit(0);
    if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) return;
        _exit(1);
    }
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message); cmsg != NULL; cmsg = CMSG_NXTHDR(&message, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *fds = (int *)CMSG_DATA(cmsg);
        for (int i = 0; i < count; i++) {
            if (queued_count < MAX_QUEUED_FDS) queued_fds[queued_count++] = fds[i];
            else close(fds[i]);
        }
    }
    *length += (size_t)got;
    char *start = *buffer, *newline;
    (*buffer)[*length] = '\0';
    while ((newline = memchr(start, '\n', (size_t)(*buffer + *length - start))) != NULL) {
        *newline = '\0';
        handle_line(start);
        start = newline + 1;
    }
    *length = (size_t)(*buffer + *length - start);
    memmove(*buffer, start, *length);
}

static void reap(int signal_fd) {
    struct signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof info) > 0) {
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        /* The daemon must learn the pid before the exit. */
        finish_launch_of(pid);
        char line[96];
        int length = WIFSIGNALED(status)
            ? snprintf(line, sizeof line, "{\"exit\":%d,\"signal\":%d}\n", (int)pid, WTERMSIG(status))
            : snprintf(line, sizeof line, "{\"exit\":%d,\"status\":%d}\n", (int)pid, WEXITSTATUS(status));
        send_all(line, (size_t)length);
    }
}

static int spawner(void) {
    const char *channel = getenv("NODE_CHANNEL_FD");
    ipc_fd = channel != NULL ? atoi(channel) : CONTROL_FD;
    fcntl(ipc_fd, F_SETFD, FD_CLOEXEC);
    sigset_t child_signal;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_signal, NULL);
    int signal_fd = signalfd(-1, &child_signal, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd < 0) fail("signalfd");
    signal(SIGPIPE, SIG_IGN);
    size_t length = 0, capacity = 0;
    char *buffer = NULL;
    for (;;) {
        struct pollfd fds[2 + MAX_LAUNCHES] = {{ipc_fd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
        int watched = launch_count;
        for (int i = 0; i < watched; i++) fds[2 + i] = (struct pollfd){launches[i].pipe_fd, POLLIN, 0};
        if (poll(fds, (nfds_t)(2 + watched), -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        /* Launches first, by descending index, since finishing one moves the last into its slot. */
        for (int i = watched - 1; i >= 0; i--) {
            if (fds[2 + i].revents != 0) finish_launch(i);
        }
        if (fds[1].revents != 0) reap(signal_fd);
        if (fds[0].revents != 0) read_ipc(&buffer, &length, &capacity);
    }
}

int main(int argc, char **argv) {
    struct setup setup = {-1, -1, NULL, -1, 0, 0, {{0}}, 0};
    const char *hold_mode = NULL;
    int option;
    if (argc == 2 && strcmp(argv[1], "-S") == 0) return spawner();
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
    exec_server(&setup, argv + optind, NULL);
    return 127;
}
