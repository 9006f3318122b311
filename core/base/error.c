#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

void cp_error_clear(struct cp_error *err)
{
	if (err == NULL)
		return;
	err->code = CP_OK;
	err->message[0] = '\0';
	err->file[0] = '\0';
	err->line = 0;
	err->column = 0;
}

static int vset(struct cp_error *err, int code, const char *file, int line,
		int column, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static int vset(struct cp_error *err, int code, const char *file, int line,
		int column, const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	/* In the calling thread's language when the message is one marked
	 * N_() for translation (i18n.h); as written otherwise. */
	vsnprintf(err->message, sizeof(err->message), cp_gettext_error(fmt),
		  ap);
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	return code;
}

int cp_error_set(struct cp_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int cp_error_set_at(struct cp_error *err, int code, const char *file, int line,
		    int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, file, line, column, fmt, ap);
	va_end(ap);
	return code;
}

int cp_error_prefix(struct cp_error *err, const char *fmt, ...)
{
	char prefix[CP_ERROR_MSG_MAX];
	char old[CP_ERROR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return CP_EFAIL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	snprintf(err->message, sizeof(err->message), "%s: %s", prefix, old);
	return err->code;
}

const char *cp_error_format(const struct cp_error *err, char *out, size_t n)
{
	if (n == 0)
		return out;
	if (err == NULL) {
		snprintf(out, n, "unknown error");
	} else if (err->file[0] && err->line > 0 && err->column > 0) {
		snprintf(out, n, "%s:%d:%d: %s", err->file, err->line,
			 err->column, err->message);
	} else if (err->file[0] && err->line > 0) {
		snprintf(out, n, "%s:%d: %s", err->file, err->line,
			 err->message);
	} else if (err->file[0]) {
		snprintf(out, n, "%s: %s", err->file, err->message);
	} else {
		snprintf(out, n, "%s", err->message);
	}
	return out;
}

const char *cp_code_name(int code)
{
	switch (code) {
	case CP_OK:
		return "ok";
	case CP_EUSAGE:
		return "usage error";
	case CP_EDATA:
		return "bad input data";
	case CP_ENOTFOUND:
		return "not found";
	case CP_EUNAVAIL:
		return "peer unavailable";
	case CP_EIO:
		return "input/output error";
	case CP_ENOMEM:
		return "out of memory";
	case CP_ECONFLICT:
		return "conflict";
	case CP_EVERSION:
		return "database too new";
	default:
		return "failure";
	}
}
