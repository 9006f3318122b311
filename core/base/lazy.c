/*
 * lazy.c - shared libraries opened at their first use. See lazy.h.
 */
#include "lazy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

/* The fault-injection shim's hooks (see crypto.c); NULL in a normal run. */
void cp_fault_benign_begin(void) __attribute__((weak));
void cp_fault_benign_end(void) __attribute__((weak));

void cp_lazy_setup_begin(void)
{
	if (cp_fault_benign_begin)
		cp_fault_benign_begin();
}

void cp_lazy_setup_end(void)
{
	if (cp_fault_benign_end)
		cp_fault_benign_end();
}

/*
 * The one place in core that prints and ends the process: what ld.so
 * does when a library is missing at start-up, now that it is missing at
 * first use. There is nothing to recover: the package depends on it.
 */
static _Noreturn void missing(const char *soname, const char *what)
{
	fprintf(stderr,
		"carepulse: error while loading shared libraries: %s: %s\n",
		soname, what ? what : "cannot be loaded");
	fflush(stderr);
	_exit(127);
}

void *cp_lazy_open(const char *soname)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (lib == NULL)
		missing(soname, dlerror());
	return lib;
}

void *cp_lazy_sym(void *lib, const char *soname, const char *name)
{
	void *f;

	(void)dlerror();
	f = dlsym(lib, name);
	if (f == NULL)
		missing(soname, dlerror());
	return f;
}
