// SPDX-License-Identifier: MIT
// Address ranges of unloaded copies: reserved so a stale pointer faults, and
// the fault named (see tombstone_p.h).
#include "tombstone_p.h"

#include "crashguard_p.h"

#include <QHotReload/qhotmanifest.h>

#include <QtCore/QDir>
#include <QtCore/QFile>

#include <algorithm>

#if defined(Q_OS_LINUX)
#include <atomic>
#include <csignal>
#include <cstring>
#include <limits>
#include <mutex>

#include <link.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace QHotReload::Internal {

#if defined(Q_OS_LINUX)

namespace {

// What the signal handler reads. Entries are written once, before the count
// that publishes them, and never changed or freed: the handler may run on
// any thread at any time and must not lock or allocate.
struct Tomb
{
    quintptr start;
    quintptr end;
    quintptr codeStart;
    quintptr codeEnd;
    const char *text;              // "<library>: version N (its copy <file>)"
    const quintptr *addresses;     // hot functions, sorted
    const char *const *names;
    size_t count;
};

// Enough for a very long session; beyond it ranges are still reserved (a
// use still faults), only not named.
constexpr size_t Capacity = 4096;
Tomb g_tombs[Capacity];
std::atomic<size_t> g_tombCount{0};
std::mutex g_registerMutex;

constexpr int Signals[] = {SIGSEGV, SIGBUS};
struct sigaction g_previous[NSIG];

void put(const char *text, size_t length)
{
    while (length > 0) {
        const ssize_t written = ::write(STDERR_FILENO, text, length);
        if (written <= 0)
            return;
        text += written;
        length -= size_t(written);
    }
}

void put(const char *text)
{
    put(text, std::strlen(text));
}

void putHex(quintptr value)
{
    char digits[2 * sizeof(quintptr)];
    size_t n = 0;
    do {
        digits[sizeof digits - ++n] = "0123456789abcdef"[value & 0xf];
        value >>= 4;
    } while (value != 0 && n < sizeof digits);
    put("0x");
    put(digits + sizeof digits - n, n);
}

void report(const Tomb &tomb, quintptr address)
{
    put("QHotReload: ");
    put(tomb.text);
    put(" was unloaded after it was swapped out (beyond the retired-copies budget), and the application still "
        "used it: address ");
    putHex(address);
    // Only an entry point is named: without the functions' sizes, code
    // after one hot function may well belong to another function (a
    // lambda, a helper) of the library.
    const quintptr *found = std::lower_bound(tomb.addresses, tomb.addresses + tomb.count, address);
    if (found != tomb.addresses + tomb.count && *found == address) {
        put(", a call of its hot function '");
        put(tomb.names[found - tomb.addresses]);
        put("'");
    } else if (address >= tomb.codeStart && address < tomb.codeEnd) {
        put(", in its code (offset ");
        putHex(address - tomb.start);
        put(", not a hot function's entry)");
    } else {
        put(", in its data (offset ");
        putHex(address - tomb.start);
        put(": a string literal, a vtable, a constant or a global)");
    }
    put(". Something the application kept still points into that version (a function pointer, an object "
        "with a vtable, a timer, connection or handler with its code, a thread): see \"What survives a "
        "swap\" in QHotReload's README.\n");
}

void onFault(int signal, siginfo_t *info, void *context)
{
    if (info) {
        const quintptr address = quintptr(info->si_addr);
        const size_t count = g_tombCount.load(std::memory_order_acquire);
        for (size_t i = 0; i < count; ++i) {
            if (address >= g_tombs[i].start && address < g_tombs[i].end) {
                report(g_tombs[i], address);
                break;
            }
        }
    }
    // Then the fault goes on under the handler that was there before, put
    // back in this handler's place: returning re-runs the faulting
    // instruction. Calling it from here instead would loop with a handler
    // that, finding itself replaced, leaves the replacement installed and
    // returns (QtTest's does).
    Q_UNUSED(context);
    ::sigaction(signal, &g_previous[signal], nullptr);
    if (info && info->si_code <= 0) // sent by kill()/raise(): send it again
        ::raise(signal);
}

// Installs the handler, and again after a fault it passed on put the
// previous one back (one a guarded call's crash, say, that the crash guard
// recovered from). A handler someone else installed over it stays.
void installHandler()
{
    static bool installedOnce = false;
    for (int signal : Signals) {
        struct sigaction current;
        if (::sigaction(signal, nullptr, &current) != 0)
            continue;
        const bool ours = (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == onFault;
        const bool putBack = installedOnce && current.sa_flags == g_previous[signal].sa_flags
                && current.sa_handler == g_previous[signal].sa_handler;
        if (!ours && (!installedOnce || putBack))
            installFatalSignalHandler(signal, onFault, &g_previous[signal]);
    }
    installedOnce = true;
}

// Never freed: the handler may read it until the process ends.
const char *keep(const QByteArray &text)
{
    char *copy = new char[size_t(text.size()) + 1];
    std::memcpy(copy, text.constData(), size_t(text.size()) + 1);
    return copy;
}

void remember(const CopyLayout &layout, const QString &description)
{
    std::lock_guard lock(g_registerMutex);
    const size_t count = g_tombCount.load(std::memory_order_relaxed);
    if (count == Capacity)
        return;
    Tomb &tomb = g_tombs[count];
    tomb.start = layout.start;
    tomb.end = layout.end;
    tomb.codeStart = layout.codeStart;
    tomb.codeEnd = layout.codeEnd;
    tomb.text = keep(QDir::toNativeSeparators(description).toLocal8Bit());
    auto *addresses = new quintptr[layout.functions.size() + 1];
    auto *names = new const char *[layout.functions.size() + 1];
    for (size_t i = 0; i < layout.functions.size(); ++i) {
        addresses[i] = layout.functions[i].first;
        names[i] = keep(layout.functions[i].second);
    }
    tomb.addresses = addresses;
    tomb.names = names;
    tomb.count = layout.functions.size();
    g_tombCount.store(count + 1, std::memory_order_release);
    installHandler();
}

struct Search
{
    quintptr inside = 0;   // an address in the copy (its manifest), or 0
    QByteArray path;       // else its path, as it was opened
    CopyLayout *layout = nullptr;
};

int findCopy(dl_phdr_info *info, size_t, void *data)
{
    auto *search = static_cast<Search *>(data);
    quintptr low = std::numeric_limits<quintptr>::max();
    quintptr high = 0;
    quintptr codeLow = std::numeric_limits<quintptr>::max();
    quintptr codeHigh = 0;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr) &segment = info->dlpi_phdr[i];
        if (segment.p_type != PT_LOAD)
            continue;
        const quintptr begin = info->dlpi_addr + segment.p_vaddr;
        const quintptr end = begin + segment.p_memsz;
        low = std::min(low, begin);
        high = std::max(high, end);
        if (segment.p_flags & PF_X) {
            codeLow = std::min(codeLow, begin);
            codeHigh = std::max(codeHigh, end);
        }
    }
    if (high <= low)
        return 0;
    const bool match = search->inside ? search->inside >= low && search->inside < high
                                      : info->dlpi_name && search->path == info->dlpi_name;
    if (!match)
        return 0;
    const quintptr page = quintptr(::sysconf(_SC_PAGESIZE));
    search->layout->start = low & ~(page - 1);
    search->layout->end = (high + page - 1) & ~(page - 1);
    search->layout->codeStart = codeHigh > codeLow ? codeLow : 0;
    search->layout->codeEnd = codeHigh > codeLow ? codeHigh : 0;
    return 1;
}

} // namespace

CopyLayout copyLayout(const QString &copyPath, const Abi::Manifest *manifest)
{
    CopyLayout layout;
    Search search;
    search.inside = quintptr(manifest);
    search.path = QFile::encodeName(copyPath);
    search.layout = &layout;
    ::dl_iterate_phdr(findCopy, &search);
    if (!layout.isValid() || !manifest)
        return layout;
    for (quint32 i = 0; i < manifest->functionCount; ++i) {
        const Abi::FunctionInfo &function = manifest->functions[i];
        const quintptr address = quintptr(function.address);
        if (function.name && address >= layout.start && address < layout.end)
            layout.functions.emplace_back(address, QByteArray(function.name));
    }
    std::sort(layout.functions.begin(), layout.functions.end());
    return layout;
}

bool reserveUnloaded(const CopyLayout &layout, const QString &description)
{
    if (!layout.isValid())
        return false;
    void *const wanted = reinterpret_cast<void *>(layout.start);
    const size_t length = layout.end - layout.start;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
#if defined(MAP_FIXED_NOREPLACE)
    // Fails if anything (another thread's mapping, a copy the loader kept)
    // is there already: that is never replaced.
    flags |= MAP_FIXED_NOREPLACE;
#endif
    void *const got = ::mmap(wanted, length, PROT_NONE, flags, -1, 0);
    if (got == MAP_FAILED)
        return false;
    if (got != wanted) { // a kernel before 4.17 took the address as a hint only
        ::munmap(got, length);
        return false;
    }
    remember(layout, description);
    return true;
}

#else

CopyLayout copyLayout(const QString &copyPath, const Abi::Manifest *manifest)
{
    Q_UNUSED(copyPath);
    Q_UNUSED(manifest);
    return {};
}

bool reserveUnloaded(const CopyLayout &layout, const QString &description)
{
    Q_UNUSED(layout);
    Q_UNUSED(description);
    return false;
}

#endif

} // namespace QHotReload::Internal
