/*
 * when.c - fuzzes the time parsers of core/base/when.h (cp_when_parse,
 * cp_duration_parse) with the input as text, and the formatters with its
 * first eight bytes as a time, in buffers of exactly the documented size.
 *
 * Oracles: an accepted time is not before 1970, a date alone is
 * midnight, and what cp_when_rfc3339 writes parses back to the same
 * second; an accepted duration is within its range; a refusal has a
 * message.
 */
#include <string.h>

#include "fuzz.h"
#include "when.h"

#define NOW INT64_C(1795000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cp_error err = {0};
	char fmt[24], rfc[21];
	int64_t t, back, dur, raw = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (cp_when_parse(text, NOW, &t, &err) == 0) {
		FUZZ_CHECK(t >= 0, "'%s' is %lld", text, (long long)t);
		if (strlen(text) == 10 && text[4] == '-')
			FUZZ_CHECK(t % 86400 == 0, "'%s' is not midnight",
				   text);
		cp_when_rfc3339(t, rfc, sizeof(rfc));
		FUZZ_CHECK(cp_when_parse(rfc, NOW, &back, &err) == 0,
			   "'%s' from '%s' refused: %s", rfc, text,
			   err.message);
		FUZZ_CHECK(back == t, "'%s' is %lld, '%s' is %lld", text,
			   (long long)t, rfc, (long long)back);
		cp_when_format(t, fmt, sizeof(fmt));
		FUZZ_CHECK(strlen(fmt) > 0, "'%s' formats empty", text);
	} else {
		FUZZ_CHECK(err.message[0] != '\0', "refused without a message");
	}
	err.message[0] = '\0';
	if (cp_duration_parse(text, &dur, &err) == 0)
		FUZZ_CHECK(dur >= 60 && dur <= INT64_C(999999) * 7 * 86400,
			   "'%s' is %lld seconds", text, (long long)dur);
	else
		FUZZ_CHECK(err.message[0] != '\0', "refused without a message");

	memcpy(&raw, data, size < sizeof(raw) ? size : sizeof(raw));
	cp_when_format(raw, fmt, sizeof(fmt));
	cp_when_rfc3339(raw, rfc, sizeof(rfc));
	free(text);
	return 0;
}
