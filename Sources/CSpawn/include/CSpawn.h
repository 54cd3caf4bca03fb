#ifndef GPUCI_CSPAWN_H
#define GPUCI_CSPAWN_H
#include <sys/types.h>

/// Starts `path` with `argv` and `envp` in `cwd` as the leader of a new process group, stdin from
/// /dev/null, stdout and stderr to `output_fd`, every other descriptor closed and every signal at
/// its default disposition and unblocked. Returns 0 and sets `*pid`, or an errno value.
int gpuci_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd, int output_fd);

#endif
