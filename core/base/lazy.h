/*
 * lazy.h - a shared library opened at its first use (dlopen), for the
 * libraries only some commands need: libcurl (send, remind, tick, the
 * portal's sign-in), libmicrohttpd (serve) and cjose (sign-in). Linked as
 * usual, they and theirs (some 30 libraries: GnuTLS, Kerberos, LDAP, SSH,
 * RTMP, ...) were loaded and relocated by every run of every command: a
 * team report spent about 4 ms of its 57 in the dynamic loader for them.
 *
 * Each wrapper lists the functions it calls in a private header
 * (curl_lazy.h, mhd_lazy.h, cjose_lazy.h) that turns each call into a
 * call through a pointer loaded here; the rest of its code is unchanged.
 */
#ifndef CP_LAZY_H
#define CP_LAZY_H

/*
 * Opens the library soname (RTLD_NOW | RTLD_LOCAL). A library that cannot
 * be loaded ends the process as the dynamic loader would at start-up
 * (the same message on stderr and status 127): a broken installation,
 * not an error a caller could act on.
 */
void *cp_lazy_open(const char *soname);

/* The address of name in lib (from cp_lazy_open); a missing one ends the
 * process like cp_lazy_open. */
void *cp_lazy_sym(void *lib, const char *soname, const char *name);

/*
 * Around a library's loading and set-up: the fault loops (tests/fault)
 * neither count nor fail the allocations between them, as they never
 * counted the dynamic loader's work at start-up.
 */
void cp_lazy_setup_begin(void);
void cp_lazy_setup_end(void);

#endif
