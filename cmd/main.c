/*
 * main.c - the carepulse binary: runs one command from the table and makes
 * sure everything it printed reached stdout before reporting success.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "crypto.h"
#include "deliver.h"
#include "i18n.h"

int main(int argc, char **argv)
{
	struct cp_error err = {0};
	const struct cp_lang *cli;
	int status;

	/* Once, before any thread: the languages (the operator's, from the
	 * environment, for this program's own messages, the overview too),
	 * OpenSSL (which the fault loops leave alone). */
	cli = cp_lang_from_env();
	if (cp_i18n_init(NULL, &err))
		return cmd_report(&err);
	(void)cp_lang_use(cli);
	/* Errors, from any thread, in the operator's language too: serve's
	 * log is in one language, not each request's (i18n.h). */
	cp_lang_set_errors(cli);
	if (argc < 2) {
		cmd_print_overview(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_print_overview(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("carepulse %s\n", CP_VERSION);
		return EXIT_OK;
	}
	/* libcurl is loaded and initialised at its first use
	 * (cp_deliver_global_init). */
	if (cp_crypto_init(&err))
		return cmd_report(&err);
	status = cmd_run(argc - 1, argv + 1);
	cp_deliver_global_cleanup();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "carepulse: cannot write the output\n");
		return status ? status : EXIT_IO;
	}
	return status;
}
