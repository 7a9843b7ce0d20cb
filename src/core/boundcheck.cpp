// SPDX-License-Identifier: MIT
#include "boundcheck_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>

#include <iterator>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#elif defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

namespace QHotReload::Internal {

Image imageAt(const void *address)
{
    Image image;
    if (!address)
        return image;
#if defined(Q_OS_UNIX)
    // dladdr answers for any address inside a loaded object's mapping (code
    // or data), which is all that is asked here: whose mapping.
    Dl_info info;
    if (::dladdr(address, &info) != 0 && info.dli_fbase) {
        image.base = info.dli_fbase;
        image.fileName = info.dli_fname ? QFile::decodeName(info.dli_fname) : QString();
    }
#elif defined(Q_OS_WIN)
    HMODULE module = nullptr;
    if (::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                             static_cast<LPCWSTR>(address), &module)
        && module) {
        image.base = module;
        wchar_t name[MAX_PATH * 4];
        const DWORD length = ::GetModuleFileNameW(module, name, DWORD(std::size(name)));
        image.fileName = QString::fromWCharArray(name, int(length));
    }
#endif
    return image;
}

namespace {

QString bindingAdvice()
{
#if defined(Q_OS_WIN)
    return QStringLiteral("do not import the listed functions from another DLL; list the library's own");
#elif defined(Q_OS_DARWIN)
    return QStringLiteral("build the library with qhot_add_library(), or with -fvisibility=hidden and two-level "
                          "namespaces (not -flat_namespace)");
#else
    return QStringLiteral("build the library with qhot_add_library() (hidden visibility, -Bsymbolic), or link it "
                          "with -Wl,-Bsymbolic and compile it with -fvisibility=hidden");
#endif
}

} // namespace

QString checkBoundIntoCopy(const Abi::Manifest *manifest, const void *anchor)
{
    if (!manifest)
        return {};
    const Image copy = imageAt(anchor);
    if (!copy.base)
        return {}; // the platform cannot say: nothing to compare with
    for (quint32 i = 0; i < manifest->functionCount; ++i) {
        const Abi::FunctionInfo &f = manifest->functions[i];
        // The function itself, and the thunk call() goes through: both are
        // symbols the dynamic linker may have bound elsewhere.
        const void *addresses[] = {reinterpret_cast<const void *>(f.address),
                                   reinterpret_cast<const void *>(f.invoke)};
        for (const void *address : addresses) {
            if (!address)
                continue;
            const Image image = imageAt(address);
            if (image.base == copy.base)
                continue;
            const QString where = image.base
                    ? QStringLiteral("to the one in %1").arg(QDir::toNativeSeparators(image.fileName))
                    : QStringLiteral("to an address outside any loaded library");
            return QStringLiteral("binds its hot function '%1' %2, not to its own: the dynamic linker found "
                                  "another definition first (a copy of this library the application linked or "
                                  "loaded globally?), so calls would not run the new code; %3")
                    .arg(QString::fromUtf8(f.name), where, bindingAdvice());
        }
    }
    return {};
}

} // namespace QHotReload::Internal
