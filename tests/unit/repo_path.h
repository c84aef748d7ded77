/*
 * repo_path.h - test helper: find a file of the repository whether the test
 * runs from the repository root (tests/run.sh) or from anywhere else.
 */
#ifndef PATROLI_TEST_REPO_PATH_H
#define PATROLI_TEST_REPO_PATH_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Files of the repository: tests/run.sh runs each test in a scratch
 * directory, so paths are resolved against the repository root, found from
 * the binary's location (build/asan/tests/test_x) when the current
 * directory is not the root.  Returns static storage. */
static const char *repo_path(const char *rel)
{
	static char buf[8192];
	char exe[4096];
	ssize_t n;

	if (!access(rel, R_OK))
		return rel;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return rel;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return rel;
		*slash = '\0';
		snprintf(buf, sizeof(buf), "%s/%s", exe, rel);
		if (!access(buf, R_OK))
			return buf;
	}
	return rel;
}

#endif
