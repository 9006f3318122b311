/*
 * A deliberate wrong-way include: a file of the base layer that includes
 * the store. tests/CMakeLists.txt compiles it with the base library's own
 * include directories and expects the compiler to refuse it.
 */
#include "store.h"

int layers_violation(void);
int layers_violation(void)
{
	return CP_SCHEMA_VERSION;
}
