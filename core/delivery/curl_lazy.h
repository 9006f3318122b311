/*
 * curl_lazy.h - libcurl, opened at its first use (lazy.h): included by the
 * delivery files instead of <curl/curl.h>. Every libcurl function they
 * call is listed here; a call to one that is not fails to link.
 */
#ifndef CP_CURL_LAZY_H
#define CP_CURL_LAZY_H

#include <curl/curl.h>

#include "error.h"

/* clang-format off */
#define CP_CURL_FUNCTIONS(X) \
	X(curl_easy_cleanup) \
	X(curl_easy_getinfo) \
	X(curl_easy_init) \
	X(curl_easy_perform) \
	X(curl_easy_setopt) \
	X(curl_easy_strerror) \
	X(curl_free) \
	X(curl_global_cleanup) \
	X(curl_global_init) \
	X(curl_multi_add_handle) \
	X(curl_multi_cleanup) \
	X(curl_multi_info_read) \
	X(curl_multi_init) \
	X(curl_multi_perform) \
	X(curl_multi_poll) \
	X(curl_multi_remove_handle) \
	X(curl_slist_append) \
	X(curl_slist_free_all) \
	X(curl_url) \
	X(curl_url_cleanup) \
	X(curl_url_get) \
	X(curl_url_set)
/* clang-format on */

struct cp_curl_api {
#define CP_CURL_POINTER(f) __typeof__(f) *p_##f;
	CP_CURL_FUNCTIONS(CP_CURL_POINTER)
#undef CP_CURL_POINTER
};

/*
 * The functions, loaded once (thread-safe), with curl_global_init run
 * once after loading. Ends the process when libcurl cannot be loaded
 * (lazy.h).
 */
const struct cp_curl_api *cp_curl_api(void);

/*
 * A new easy handle in *out, after libcurl's global set-up: a failed
 * set-up (cp_deliver_global_init) or handle is the error, so every
 * channel and client that opens one reports both the same way.
 */
int cp_curl_easy_open(CURL **out, struct cp_error *err);

/* Calls through the pointers; libcurl's type-checking wrappers go. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
/* clang-format off */
#define curl_easy_cleanup (*cp_curl_api()->p_curl_easy_cleanup)
#define curl_easy_getinfo (*cp_curl_api()->p_curl_easy_getinfo)
#define curl_easy_init (*cp_curl_api()->p_curl_easy_init)
#define curl_easy_perform (*cp_curl_api()->p_curl_easy_perform)
#define curl_easy_setopt (*cp_curl_api()->p_curl_easy_setopt)
#define curl_easy_strerror (*cp_curl_api()->p_curl_easy_strerror)
#define curl_free (*cp_curl_api()->p_curl_free)
#define curl_global_cleanup (*cp_curl_api()->p_curl_global_cleanup)
#define curl_global_init (*cp_curl_api()->p_curl_global_init)
#define curl_multi_add_handle (*cp_curl_api()->p_curl_multi_add_handle)
#define curl_multi_cleanup (*cp_curl_api()->p_curl_multi_cleanup)
#define curl_multi_info_read (*cp_curl_api()->p_curl_multi_info_read)
#define curl_multi_init (*cp_curl_api()->p_curl_multi_init)
#define curl_multi_perform (*cp_curl_api()->p_curl_multi_perform)
#define curl_multi_poll (*cp_curl_api()->p_curl_multi_poll)
#define curl_multi_remove_handle (*cp_curl_api()->p_curl_multi_remove_handle)
#define curl_slist_append (*cp_curl_api()->p_curl_slist_append)
#define curl_slist_free_all (*cp_curl_api()->p_curl_slist_free_all)
#define curl_url (*cp_curl_api()->p_curl_url)
#define curl_url_cleanup (*cp_curl_api()->p_curl_url_cleanup)
#define curl_url_get (*cp_curl_api()->p_curl_url_get)
#define curl_url_set (*cp_curl_api()->p_curl_url_set)
/* clang-format on */

#endif
