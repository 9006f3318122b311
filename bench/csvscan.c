#include "csvscan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int csv_slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = (size_t)n;
	return 0;
}

int csv_next(char **pos, struct csv_row *row)
{
	char *p = *pos;

	row->nfields = 0;
	if (*p == '\0')
		return 0;
	for (;;) {
		char *start = p, *w = p;

		if (*p == '"') {
			/* unquote in place: "" becomes " */
			p++;
			for (;;) {
				if (*p == '\0')
					break;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				p++;
			w = p;
		}
		if (row->nfields < CSV_MAXFIELDS)
			row->field[row->nfields++] = start;
		if (*p == ',') {
			*w = '\0';
			p++;
			continue;
		}
		if (*p == '\r')
			*p++ = '\0';
		if (*p == '\n')
			p++;
		*w = '\0';
		break;
	}
	*pos = p;
	return 1;
}
