/* import_json.c - fuzzes response import from JSON (import_harness.h). */
#define FUZZ_IMPORT_FORMAT CP_IMPORT_JSON
#include "import_harness.h"
