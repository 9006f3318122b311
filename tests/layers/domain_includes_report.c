/*
 * A deliberate wrong-way include: a file of the domain (core/results)
 * that includes the reports above it. Compiled with the domain library's
 * include directories, it must not compile.
 */
#include "report.h"

int layers_violation(void);
int layers_violation(void)
{
	return RP_WAVES_MAX;
}
