// SPDX-License-Identifier: MIT
// A hot library whose static initializer misbehaves as PROBE_INITIALIZER says
// (the build sets it per target): the trial load must catch each one before
// the application loads the library. answer() returns FIXTURE_VERSION.
#include "fixture_export.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#define PROBE_FINE 0
#define PROBE_THROWS 1
#define PROBE_ABORTS 2
#define PROBE_SEGFAULTS 3
#define PROBE_HANGS 4
#define PROBE_EXITS 5

#ifndef PROBE_INITIALIZER
#error "PROBE_INITIALIZER must be defined by the build"
#endif

namespace {

struct Initializer
{
    Initializer()
    {
#if PROBE_INITIALIZER == PROBE_THROWS
        throw std::runtime_error("the settings file is missing");
#elif PROBE_INITIALIZER == PROBE_ABORTS
        std::fputs("probe fixture: giving up\n", stderr);
        std::abort();
#elif PROBE_INITIALIZER == PROBE_SEGFAULTS
        volatile int *volatile nowhere = nullptr;
        *nowhere = 42;
#elif PROBE_INITIALIZER == PROBE_HANGS
        // Says it is running where a test asks (tst_probelifetime waits for
        // the trial to be under way), then takes far longer than any limit a
        // test sets, so only a time limit (or the end of its probe) ends it.
        if (const char *running = std::getenv("QHOT_TEST_PROBE_HANGING")) {
            if (std::FILE *file = std::fopen(running, "w"))
                std::fclose(file);
        }
        std::this_thread::sleep_for(std::chrono::hours(1));
#elif PROBE_INITIALIZER == PROBE_EXITS
        std::exit(3);
#endif
    }
};

const Initializer initializer;

} // namespace

FIXTURE_EXPORT int answer()
{
    return FIXTURE_VERSION;
}
