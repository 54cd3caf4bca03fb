#ifndef CHWLOC_SHIM_H
#define CHWLOC_SHIM_H
#include <hwloc.h>
#endif
