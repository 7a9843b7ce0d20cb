// SPDX-License-Identifier: MIT
//
// The library qhotreload-probe loads (and unloads) in each waiting trial
// process before a request comes: the dynamic loader's code and data are
// shared with the server after the fork and fault in page by page on first
// use, which on a virtual machine costs most of a millisecond. A rehearsal
// takes those faults while nobody waits. It does what a small hot library's
// load does (an initializer, relocations against the C library) and nothing
// else: no output, no state kept.

#include <cstring>

namespace {

const char *volatile g_text = "qhotreload probe rehearsal";
volatile std::size_t g_length = 0;

struct Initializer
{
    Initializer() { g_length = std::strlen(g_text); }
};

const Initializer g_initializer;

} // namespace

extern "C" __attribute__((visibility("default"))) std::size_t qhotreload_probe_rehearsal()
{
    return g_length;
}
