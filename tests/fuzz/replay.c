/*
 * replay.c - runs a harness once over every file given, or every file in
 * each directory given: the committed corpus as a regression test in
 * builds without libFuzzer (gcc, the normal and sanitizer builds).
 *
 * usage: fuzz_HARNESS_replay PATH...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fuzz.h"

static int run_file(const char *path)
{
	struct cp_buf b;
	struct cp_error err;

	cp_buf_init(&b, CP_BUF_DEFAULT_MAX);
	if (cp_buf_read_file(&b, path, &err)) {
		fprintf(stderr, "replay: %s: %s\n", path, err.message);
		cp_buf_release(&b);
		return 1;
	}
	/* An exact-size copy, so reading past the input is caught. */
	uint8_t *copy = malloc(b.len ? b.len : 1);
	if (copy == NULL) {
		cp_buf_release(&b);
		return 1;
	}
	if (b.len)
		memcpy(copy, b.data, b.len);
	LLVMFuzzerTestOneInput(copy, b.len);
	free(copy);
	cp_buf_release(&b);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int bad = 0;

	if (d == NULL) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == alloc) {
			char **grown =
			    cp_array_grow(names, sizeof(*names), &alloc, 64);
			if (grown == NULL) {
				bad = 1;
				break;
			}
			names = grown;
		}
		if ((names[n] = cp_strdup(e->d_name)) == NULL) {
			bad = 1;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct cp_buf path;

		cp_buf_init(&path, 4096);
		if (cp_buf_printf(&path, NULL, "%s/%s", dir, names[i]) == 0)
			bad |= run_file(cp_buf_str(&path));
		cp_buf_release(&path);
		free(names[i]);
		(*count)++;
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			bad |= run_dir(argv[i], &count);
		} else {
			bad |= run_file(argv[i]);
			count++;
		}
	}
	printf("replayed %zu inputs\n", count);
	return bad;
}
