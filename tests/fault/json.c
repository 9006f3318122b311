/*
 * json.c - one JSON load through cp_json_loadb, for the JSON fault loop
 * (json.sh): prints the document (keys sorted, compact), "oom" when an
 * allocation failed during the load, or "error" with jansson's message.
 *
 * usage: fault_json FILE
 * exit: 0 printed a document, 1 out of memory or unreadable, 65 not JSON.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "json_load.h"

int main(int argc, char **argv)
{
	static char text[1 << 20];
	json_error_t jerr;
	json_t *doc;
	size_t len;
	char *out;
	bool oom;
	ssize_t got;
	int fd;

	/* open and read: no allocation before the load. */
	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0) {
		fprintf(stderr, "usage: fault_json FILE\n");
		return 1;
	}
	got = read(fd, text, sizeof(text));
	close(fd);
	if (got < 0) {
		fprintf(stderr, "fault_json: cannot read %s\n", argv[1]);
		return 1;
	}
	len = (size_t)got;
	doc = cp_json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
	if (oom) {
		fprintf(stderr, "fault_json: out of memory\n");
		return 1;
	}
	if (doc == NULL) {
		printf("error: %s\n", jerr.text);
		return 65;
	}
	out = cp_json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(doc);
	if (out == NULL) {
		fprintf(stderr, "fault_json: out of memory\n");
		return 1;
	}
	puts(out);
	free(out);
	return 0;
}
