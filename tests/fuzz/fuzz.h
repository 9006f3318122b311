/*
 * fuzz.h - what every harness in tests/fuzz shares. A harness defines
 * LLVMFuzzerTestOneInput; with clang's -fsanitize=fuzzer libFuzzer drives
 * it, and in every other build replay.c runs it once per file of the
 * committed corpus, so a crash found once stays a test.
 *
 * A harness checks what it can say about any input (an oracle) with
 * FUZZ_CHECK, which prints what broke and aborts: libFuzzer keeps the input.
 */
#ifndef CP_FUZZ_H
#define CP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
				"%s:%d: oracle failed: %s: ", __FILE__,        \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * Cuts the input into at most max fields at NUL bytes, so one input can
 * carry several strings (a template and the names it is filled with).
 * Each field is a fresh NUL-terminated copy in parts[] (free with
 * fuzz_fields_free); missing fields are empty strings. NULL when out of
 * memory.
 */
static inline char **fuzz_fields(const uint8_t *data, size_t size, size_t max)
{
	char **parts = calloc(max, sizeof(*parts));
	size_t start = 0;

	if (parts == NULL)
		return NULL;
	for (size_t k = 0; k < max; k++) {
		size_t end = start < size ? start : size;

		start = end;
		if (k + 1 < max)
			while (end < size && data[end] != '\0')
				end++;
		else
			end = size;
		if ((parts[k] = malloc(end - start + 1)) == NULL) {
			for (size_t j = 0; j < k; j++)
				free(parts[j]);
			free(parts);
			return NULL;
		}
		for (size_t j = start; j < end; j++)
			parts[k][j - start] = (char)data[j];
		parts[k][end - start] = '\0';
		start = end + 1;
	}
	return parts;
}

static inline void fuzz_fields_free(char **parts, size_t max)
{
	if (parts == NULL)
		return;
	for (size_t k = 0; k < max; k++)
		free(parts[k]);
	free(parts);
}

#endif
