// SPDX-License-Identifier: MIT
// A hot library that calls a function only the application defines (and
// exports): the trial load cannot judge it, so it must be loaded in the
// application as without a trial. answer() returns the host's value plus
// FIXTURE_VERSION.
#include "fixture_export.h"

extern "C" int qhot_probe_host_value();

FIXTURE_EXPORT int answer()
{
    return qhot_probe_host_value() + FIXTURE_VERSION;
}
