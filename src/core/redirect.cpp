// SPDX-License-Identifier: MIT
// Stale entry points of retired versions jump to the newest version (see
// redirect_p.h and the README's "Stale entry points"): the patching. Which
// functions may be redirected is redirectrule.cpp's.
#include "redirect_p.h"

#include "elfsymbols_p.h"
#include "logging_p.h"
#include "version_p.h"

#include <QHotReload/qhotmanifest.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QHash>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#if defined(Q_OS_LINUX) && defined(Q_PROCESSOR_X86_64)
#define QHOTRELOAD_REDIRECT_X86_64 1
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace QHotReload::Internal {

// --- the patching --------------------------------------------------------------

//! A loaded copy: where it lies, and its functions by name.
struct Redirector::Image
{
    QByteArray loaderName;                      // as the loader knows it (dl_iterate_phdr)
    quintptr base = 0;
    std::vector<std::pair<quintptr, quintptr>> code; // executable segments
    int codeProtection = 0;
    QHash<QByteArray, quintptr> unique;         // functions defined once, by name
    std::vector<std::pair<QByteArray, quintptr>> eligible; // those the rule lets go to a newer version
};

//! A retired version and what was written into it.
struct Redirector::Source
{
    struct Patch
    {
        quintptr word;      // the aligned 8 bytes holding the jmp
        quint64 original;   // what they were before any redirection
    };
    std::shared_ptr<Image> image;
    std::vector<Patch> patches;
};

Redirector::Redirector() = default;
Redirector::~Redirector() = default;

bool Redirector::isRedirected(quintptr address) const
{
    // Each patch's jmp starts at the entry point, inside its aligned word.
    const quintptr word = address & ~quintptr(7);
    for (const std::unique_ptr<Source> &source : m_sources) {
        for (const Source::Patch &patch : source->patches) {
            if (patch.word == word)
                return true;
        }
    }
    return false;
}

bool Redirector::isSupported()
{
#if defined(QHOTRELOAD_REDIRECT_X86_64)
    return true;
#else
    return false;
#endif
}

#if defined(QHOTRELOAD_REDIRECT_X86_64)

namespace {

struct Find
{
    quintptr inside = 0;       // an address in the copy, or 0
    QByteArray name;           // else the name it was loaded by
    quintptr base = 0;         // with the name: the base it must still have
    bool found = false;
    QByteArray loaderName;
    quintptr foundBase = 0;
    std::vector<std::pair<quintptr, quintptr>> code;
    int codeProtection = 0;
};

int findLoaded(dl_phdr_info *info, size_t, void *data)
{
    auto *find = static_cast<Find *>(data);
    bool match = false;
    if (find->inside) {
        for (ElfW(Half) i = 0; i < info->dlpi_phnum && !match; ++i) {
            const ElfW(Phdr) &segment = info->dlpi_phdr[i];
            const quintptr begin = info->dlpi_addr + segment.p_vaddr;
            match = segment.p_type == PT_LOAD && find->inside >= begin && find->inside < begin + segment.p_memsz;
        }
    } else {
        match = info->dlpi_name && find->name == info->dlpi_name && (!find->base || find->base == info->dlpi_addr);
    }
    if (!match)
        return 0;
    find->found = true;
    find->loaderName = info->dlpi_name ? QByteArray(info->dlpi_name) : QByteArray();
    find->foundBase = info->dlpi_addr;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr) &segment = info->dlpi_phdr[i];
        if (segment.p_type != PT_LOAD || !(segment.p_flags & PF_X))
            continue;
        const quintptr begin = info->dlpi_addr + segment.p_vaddr;
        find->code.emplace_back(begin, begin + segment.p_memsz);
        find->codeProtection = PROT_EXEC | ((segment.p_flags & PF_R) ? PROT_READ : 0);
    }
    return 1;
}

bool stillLoaded(const QByteArray &loaderName, quintptr base)
{
    Find find;
    find.name = loaderName;
    find.base = base;
    ::dl_iterate_phdr(findLoaded, &find);
    return find.found;
}

// Writes the 8 bytes at \a word in one store, the page writable only for it.
// Executable as well meanwhile: another thread may be running code on it.
bool storeCode(quintptr word, quint64 value, int protection)
{
    const quintptr page = quintptr(::sysconf(_SC_PAGESIZE));
    void *const start = reinterpret_cast<void *>(word & ~(page - 1));
    if (::mprotect(start, page, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
        return false;
    __atomic_store_n(reinterpret_cast<quint64 *>(word), value, __ATOMIC_SEQ_CST);
    if (::mprotect(start, page, protection) != 0)
        qCWarning(lcSwap) << "could not make a redirected code page read-only again:" << qt_error_string(errno);
    return true;
}

quint64 loadCode(quintptr word)
{
    return __atomic_load_n(reinterpret_cast<const quint64 *>(word), __ATOMIC_SEQ_CST);
}

} // namespace

std::shared_ptr<Redirector::Image> Redirector::imageOf(const LoadedVersion &version, const QString &libraryPath)
{
    Find find;
    const Abi::Manifest *manifest = version.manifest;
    find.inside = quintptr(manifest);
    find.name = QFile::encodeName(version.copyPath);
    ::dl_iterate_phdr(findLoaded, &find);
    if (!find.found || find.code.empty())
        return {};
    auto image = std::make_shared<Image>();
    image->loaderName = find.loaderName;
    image->base = find.foundBase;
    image->code = std::move(find.code);
    image->codeProtection = find.codeProtection;

    QFile file(version.copyPath);
    const uchar *bytes = file.open(QIODevice::ReadOnly) ? file.map(0, file.size()) : nullptr;
    if (!bytes)
        return image; // nothing to redirect from or to
    const ElfFunctions symbols = functionSymbols(QByteArrayView(bytes, file.size()));
    if (symbols.status == ElfFunctions::Stripped && !m_warnedStripped) {
        m_warnedStripped = true;
        qCWarning(lcSwap).noquote() << QDir::toNativeSeparators(libraryPath)
                                    << "has no symbol table (it was stripped): stale entry points of its "
                                       "retired versions are not redirected to the new code";
    }
    QSet<quintptr> plain; // the manifest's functions: plain function pointers, no members
    if (manifest) {
        for (quint32 i = 0; i < manifest->functionCount; ++i)
            plain.insert(quintptr(manifest->functions[i].address));
    }
    QHash<QByteArray, int> seen;
    std::vector<QByteArray> names;
    for (const ElfFunction &function : symbols.functions) {
        ++seen[function.name];
        names.push_back(function.name);
    }
    const QSet<QByteArray> namespaces = provenNamespaces(names);
    for (const ElfFunction &function : symbols.functions) {
        if (seen.value(function.name) != 1)
            continue; // two static functions of one name: which is which cannot be told
        const quintptr address = image->base + quintptr(function.value);
        image->unique.insert(function.name, address);
        const bool inCode = std::any_of(image->code.begin(), image->code.end(), [&](const auto &segment) {
            return address >= segment.first && address + function.size <= segment.second;
        });
        if (inCode && function.size >= 5 && mayRedirect(function.name, namespaces, plain.contains(address)))
            image->eligible.emplace_back(function.name, address);
    }
    qCDebug(lcSwap).noquote() << version.copyPath << ':' << image->eligible.size() << "of"
                              << symbols.functions.size() << "functions may be redirected";
    return image;
}

RedirectCount Redirector::redirect(const LoadedVersion &outgoing, const LoadedVersion &incoming,
                                   const QString &libraryPath)
{
    RedirectCount count;
    const auto adopt = [this](std::shared_ptr<Image> image) {
        if (!image)
            return;
        for (const std::unique_ptr<Source> &source : m_sources) {
            if (source->image->loaderName == image->loaderName && source->image->base == image->base)
                return; // known already: its patches and their originals are there
        }
        m_sources.push_back(std::make_unique<Source>());
        m_sources.back()->image = std::move(image);
    };
    // The newest version of the last swap is retired by now even when it is
    // not the one going out (the library was unloaded and loaded again).
    const bool outgoingKnown = m_newest && outgoing && m_newest->loaderName == QFile::encodeName(outgoing.copyPath);
    adopt(std::move(m_newest));
    if (outgoing && !outgoingKnown)
        adopt(imageOf(outgoing, libraryPath));
    m_newest = incoming ? imageOf(incoming, libraryPath) : nullptr;
    // Retired versions unloaded since (beyond the budget) are gone, and what
    // was written into them with them.
    m_sources.erase(std::remove_if(m_sources.begin(), m_sources.end(),
                                   [](const std::unique_ptr<Source> &source) {
                                       return !stillLoaded(source->image->loaderName, source->image->base);
                                   }),
                    m_sources.end());
    for (const std::unique_ptr<Source> &source : m_sources) {
        ++count.versions;
        QHash<quintptr, quint64> originals;
        for (const Source::Patch &patch : source->patches)
            originals.insert(patch.word, patch.original);
        std::vector<Source::Patch> patches;
        for (const auto &[name, address] : source->image->eligible) {
            const quintptr target = m_newest ? m_newest->unique.value(name) : 0;
            if (!target)
                continue;
            // A 5-byte jmp rel32 inside one aligned 8-byte word: one store.
            const quintptr word = address & ~quintptr(7);
            const int offset = int(address - word);
            const qint64 distance = qint64(target) - qint64(address + 5);
            if (offset > 3 || distance < std::numeric_limits<qint32>::min()
                || distance > std::numeric_limits<qint32>::max()) {
                ++count.skipped;
                continue;
            }
            const quint64 original = originals.contains(word) ? originals.take(word) : loadCode(word);
            quint64 value = original;
            auto *bytes = reinterpret_cast<uchar *>(&value);
            bytes[offset] = 0xe9;
            const auto rel = qint32(distance);
            std::memcpy(bytes + offset + 1, &rel, sizeof rel);
            if (!storeCode(word, value, source->image->codeProtection)) {
                ++count.skipped;
                if (original != loadCode(word))
                    originals.insert(word, original);
                continue;
            }
            patches.push_back({word, original});
            ++count.functions;
        }
        // Redirected before to a version that is now retired itself, and
        // with no counterpart in the newest: its own code again.
        for (auto it = originals.cbegin(); it != originals.cend(); ++it) {
            if (!storeCode(it.key(), it.value(), source->image->codeProtection))
                patches.push_back({it.key(), it.value()}); // still pointing on: kept
        }
        source->patches = std::move(patches);
    }
    return count;
}

int Redirector::restoreAll()
{
    int restored = 0;
    for (const std::unique_ptr<Source> &source : m_sources) {
        if (!stillLoaded(source->image->loaderName, source->image->base))
            continue;
        for (const Source::Patch &patch : source->patches)
            restored += storeCode(patch.word, patch.original, source->image->codeProtection) ? 1 : 0;
        source->patches.clear();
    }
    return restored;
}

#else

// Not yet: aarch64 (a patch there is a 4-byte b within ±128 MB, or a
// literal-load veneer, plus an instruction-cache flush), macOS (its code
// pages are signed and mapped without write permission) and Windows (see the
// README's plan).
std::shared_ptr<Redirector::Image> Redirector::imageOf(const LoadedVersion &, const QString &)
{
    return {};
}

RedirectCount Redirector::redirect(const LoadedVersion &, const LoadedVersion &, const QString &)
{
    return {};
}

int Redirector::restoreAll()
{
    return 0;
}

#endif

} // namespace QHotReload::Internal
