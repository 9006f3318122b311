/*
 * mhd_lazy.h - libmicrohttpd, opened at its first use (lazy.h): included by
 * server.c instead of <microhttpd.h>. Every function it calls is listed here;
 * a call to one that is not fails to link.
 */
#ifndef CP_MHD_LAZY_H
#define CP_MHD_LAZY_H

#include <microhttpd.h>

/* clang-format off */
#define CP_MHD_FUNCTIONS(X) \
	X(MHD_add_response_header) \
	X(MHD_create_response_from_buffer) \
	X(MHD_destroy_response) \
	X(MHD_get_connection_info) \
	X(MHD_get_connection_values) \
	X(MHD_get_daemon_info) \
	X(MHD_is_feature_supported) \
	X(MHD_lookup_connection_value) \
	X(MHD_queue_response) \
	X(MHD_quiesce_daemon) \
	X(MHD_resume_connection) \
	X(MHD_start_daemon) \
	X(MHD_stop_daemon) \
	X(MHD_suspend_connection)
/* clang-format on */

struct cp_mhd_api {
#define CP_MHD_POINTER(f) __typeof__(f) *p_##f;
	CP_MHD_FUNCTIONS(CP_MHD_POINTER)
#undef CP_MHD_POINTER
};

/* The functions, loaded once (thread-safe); ends the process when the
 * library cannot be loaded (lazy.h). */
const struct cp_mhd_api *cp_mhd_api(void);

/* clang-format off */
#define MHD_add_response_header (*cp_mhd_api()->p_MHD_add_response_header)
#define MHD_create_response_from_buffer (*cp_mhd_api()->p_MHD_create_response_from_buffer)
#define MHD_destroy_response (*cp_mhd_api()->p_MHD_destroy_response)
#define MHD_get_connection_info (*cp_mhd_api()->p_MHD_get_connection_info)
#define MHD_get_connection_values (*cp_mhd_api()->p_MHD_get_connection_values)
#define MHD_get_daemon_info (*cp_mhd_api()->p_MHD_get_daemon_info)
#define MHD_is_feature_supported (*cp_mhd_api()->p_MHD_is_feature_supported)
#define MHD_lookup_connection_value (*cp_mhd_api()->p_MHD_lookup_connection_value)
#define MHD_queue_response (*cp_mhd_api()->p_MHD_queue_response)
#define MHD_quiesce_daemon (*cp_mhd_api()->p_MHD_quiesce_daemon)
#define MHD_resume_connection (*cp_mhd_api()->p_MHD_resume_connection)
#define MHD_start_daemon (*cp_mhd_api()->p_MHD_start_daemon)
#define MHD_stop_daemon (*cp_mhd_api()->p_MHD_stop_daemon)
#define MHD_suspend_connection (*cp_mhd_api()->p_MHD_suspend_connection)
/* clang-format on */

#endif
