/* import_csv.c - fuzzes response import from CSV (import_harness.h). */
#define FUZZ_IMPORT_FORMAT CP_IMPORT_CSV
#include "import_harness.h"
