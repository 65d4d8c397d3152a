/* Runs a command and writes its wall time, peak RSS and exit status to a file.
 *
 * usage: runner REPORT CMD [ARGS...]
 * REPORT gets one line: "<seconds> <max_rss_kib> <exit status>"; the exit
 * status is 128+N for a death by signal N, and runner exits with it too.
 *
 * Why a C helper: Linux carries a process's peak RSS across execve, so a
 * child forked straight from the Python driver would report at least the
 * driver's own ~20 MiB. Forked from this tiny process the baseline is ~1 MiB,
 * and timing here also leaves Python's spawn overhead out of the numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: runner REPORT CMD [ARGS...]\n");
        return 125;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("runner: fork");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "runner: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            perror("runner: wait4");
            return 125;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *report = fopen(argv[1], "w");
    if (!report) {
        perror("runner: report file");
        return 125;
    }
    fprintf(report, "%.9f %ld %d\n", seconds, usage.ru_maxrss, code);
    fclose(report);
    return code;
}
