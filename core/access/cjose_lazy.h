/*
 * cjose_lazy.h - cjose, opened at its first use (lazy.h): included by
 * oidc.c instead of <cjose/cjose.h>. Every function it calls (and the
 * two header names it reads, variables) is listed here; a use of one
 * that is not fails to link.
 */
#ifndef CP_CJOSE_LAZY_H
#define CP_CJOSE_LAZY_H

#include <cjose/cjose.h>

/* clang-format off */
#define CP_CJOSE_FUNCTIONS(X) \
	X(cjose_header_get) \
	X(cjose_jwk_get_kty) \
	X(cjose_jwk_import) \
	X(cjose_jwk_release) \
	X(cjose_jws_get_plaintext) \
	X(cjose_jws_get_protected) \
	X(cjose_jws_import) \
	X(cjose_jws_release) \
	X(cjose_jws_verify) \
	X(CJOSE_HDR_ALG) \
	X(CJOSE_HDR_KID)
/* clang-format on */

struct cp_cjose_api {
#define CP_CJOSE_POINTER(f) __typeof__(f) *p_##f;
	CP_CJOSE_FUNCTIONS(CP_CJOSE_POINTER)
#undef CP_CJOSE_POINTER
};

/* The functions and variables, loaded once (thread-safe); ends the
 * process when the library cannot be loaded (lazy.h). */
const struct cp_cjose_api *cp_cjose_api(void);

/* clang-format off */
#define cjose_header_get (*cp_cjose_api()->p_cjose_header_get)
#define cjose_jwk_get_kty (*cp_cjose_api()->p_cjose_jwk_get_kty)
#define cjose_jwk_import (*cp_cjose_api()->p_cjose_jwk_import)
#define cjose_jwk_release (*cp_cjose_api()->p_cjose_jwk_release)
#define cjose_jws_get_plaintext (*cp_cjose_api()->p_cjose_jws_get_plaintext)
#define cjose_jws_get_protected (*cp_cjose_api()->p_cjose_jws_get_protected)
#define cjose_jws_import (*cp_cjose_api()->p_cjose_jws_import)
#define cjose_jws_release (*cp_cjose_api()->p_cjose_jws_release)
#define cjose_jws_verify (*cp_cjose_api()->p_cjose_jws_verify)
#define CJOSE_HDR_ALG (*cp_cjose_api()->p_CJOSE_HDR_ALG)
#define CJOSE_HDR_KID (*cp_cjose_api()->p_CJOSE_HDR_KID)
/* clang-format on */

#endif
