// SPDX-License-Identifier: MIT
#include "version_p.h"

#include "boundcheck_p.h"
#include "logging_p.h"
#include "metatypes_p.h"
#include "pins_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#elif defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

namespace QHotReload::Internal {

LoadedVersion loadVersion(std::unique_ptr<PrivateDir> &dir, const VersionSource &source, QString *error,
                          bool *notCopied, bool *outside)
{
    const auto cannotCopy = [&](const QString &why) {
        *error = QStringLiteral("cannot be copied: ") + why;
        if (notCopied)
            *notCopied = true;
        return LoadedVersion();
    };
    if (dir && !dir->isIntact()) {
        // A temporary-file cleaner took it (or its lock file) away. The
        // running version stays mapped; the next one goes into a new one,
        // made as safely as the first.
        qCWarning(lcLoader).noquote() << "the private directory" << QDir::toNativeSeparators(dir->path())
                                      << "was removed while in use; making a new one";
        dir.reset();
    }
    if (!dir) {
        dir = std::make_unique<PrivateDir>();
        if (!dir->isValid()) {
            const QString why = dir->errorString();
            dir.reset();
            return cannotCopy(why);
        }
    }
    const QString copyPath = dir->writeCopy(source.filePath, source.serial, source.bytes);
    if (copyPath.isEmpty())
        return cannotCopy(dir->errorString());

    auto library = std::make_unique<QLibrary>(copyPath);
    // Resolve everything now: a missing dependency fails here, not at a call.
    library->setLoadHints(QLibrary::ResolveAllSymbolsHint);
    if (!library->load()) {
        *error = QStringLiteral("cannot be loaded: ") + library->errorString();
        if (outside)
            *outside = loadFailedOutsideTheBytes(library->errorString(), copyPath);
        QFile::remove(copyPath);
        return {};
    }
    const auto refuse = [&](const QString &why) {
        *error = why;
        library->unload();
        QFile::remove(copyPath);
        return LoadedVersion();
    };
    for (const QString &symbol : source.requiredSymbols) {
        if (!library->resolve(symbol.toUtf8().constData()))
            return refuse(QStringLiteral("does not export '%1', which the application requires").arg(symbol));
    }
    QString manifestError;
    const Abi::Manifest *manifest = readManifest(*library, &manifestError);
    if (!manifestError.isEmpty())
        return refuse(manifestError);
    std::vector<Binding> bindings;
    const QString bindError = bindFunctions(manifest, source.slots, &bindings);
    if (!bindError.isEmpty())
        return refuse(bindError);
    // Names that are exported may have been bound to another loaded copy:
    // the swap would be reported and the old code would run on.
    const QString placeError =
            checkBoundIntoCopy(manifest, reinterpret_cast<const void *>(library->resolve(QHOTRELOAD_MANIFEST_SYMBOL)));
    if (!placeError.isEmpty())
        return refuse(placeError);
    qCDebug(lcLoader).noquote() << "loaded" << copyPath;

    LoadedVersion version;
    version.library = std::move(library);
    version.copyPath = copyPath;
    version.identity = source.identity;
    version.manifest = manifest;
    version.bindings = std::move(bindings);
    if (manifest && manifest->structSize >= sizeof(Abi::Manifest) && manifest->versionRoot) {
        version.root = std::make_unique<QObject>();
        version.root->setObjectName(QStringLiteral("qhotreload-root-%1").arg(source.serial));
        *manifest->versionRoot = version.root.get();
    }
    return version;
}

void Retirement::retire(LoadedVersion &version, const QString &libraryPath)
{
    if (!version)
        return;
    // The version's objects and the connections made with its root as
    // context go first, while their code is still mapped; then the types it
    // registered with Qt, whose descriptions live in it.
    version.root.reset();
    const QStringList types = forgetMetaTypesOf(version.copyPath);
    if (!types.isEmpty()) {
        // Qt's type registry can keep names that point into the library even
        // after the types are unregistered; unloading it would leave them
        // dangling. Keep this version mapped (never called again) instead.
        if (!m_warned) {
            m_warned = true;
            qCWarning(lcLoader).noquote()
                    << QDir::toNativeSeparators(libraryPath)
                    << QStringLiteral("registered Qt types (%1); Qt keeps references to them, so each "
                                      "version that does stays mapped after it is swapped out (its file "
                                      "is deleted). Keep gadgets and other registered types out of the "
                                      "state that crosses versions to avoid it.")
                               .arg(types.join(QStringLiteral(", ")));
        }
        m_keptMapped.push_back(std::move(version.library));
        QFile::remove(version.copyPath);
        version = {};
        return;
    }
    if (version.library->isLoaded() && !version.library->unload())
        qCWarning(lcLoader).noquote() << "cannot unload" << version.copyPath << ':' << version.library->errorString();
    if (isMapped(version.copyPath))
        qCWarning(lcLoader).noquote() << stillMappedWarning(version.copyPath); // names the cause
    QFile::remove(version.copyPath);
    version = {};
}

bool loadFailedOutsideTheBytes(const QString &message, const QString &copyPath)
{
#if defined(Q_OS_WIN)
    // The copy is there (written a moment ago): a module not found is one it
    // needs. The system's text is the one QLibrary put in the message.
    Q_UNUSED(copyPath);
    return message.contains(qt_error_string(ERROR_MOD_NOT_FOUND))
            || message.contains(qt_error_string(ERROR_ACCESS_DENIED));
#else
#if defined(Q_OS_DARWIN)
    if (message.contains(QLatin1String("Library not loaded"))) // dyld's words, never translated
        return true;
#endif
    // The loader names the object at fault. After QLibrary's own mention of
    // the copy, a message that does not name it again blames another object
    // (a dependency missing, unreadable, cut short, or lacking a symbol):
    // that can change while these bytes stay the same. One that names the
    // copy blames its bytes (a symbol it needs that nothing defines) — unless
    // the copy itself could not be found or opened, which is not its bytes'
    // fault either. The loader's words may be translated; file names and the
    // system's error texts (the same strerror() it used) are matched instead.
    const qsizetype qtMention = message.indexOf(copyPath);
    const QStringView loaderText =
            qtMention < 0 ? QStringView(message) : QStringView(message).sliced(qtMention + copyPath.size());
    if (!loaderText.contains(copyPath))
        return true;
    const auto systemText = [](int code) { return QString::fromLocal8Bit(std::strerror(code)); };
    return loaderText.contains(systemText(ENOENT)) || loaderText.contains(systemText(EACCES))
            || loaderText.contains(systemText(EPERM));
#endif
}

QString platformLibraryName(const QString &name)
{
    const QFileInfo info(name);
    if (!info.suffix().isEmpty() || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
        return name;
#if defined(Q_OS_WIN)
    return name + QStringLiteral(".dll");
#elif defined(Q_OS_DARWIN)
    return QStringLiteral("lib") + name + QStringLiteral(".dylib");
#else
    return QStringLiteral("lib") + name + QStringLiteral(".so");
#endif
}

QString locateLibrary(const QString &name)
{
    // No name is no file, not "lib.so" in the working directory.
    if (name.isEmpty())
        return {};
    const QString file = platformLibraryName(name);
    if (QDir::isAbsolutePath(file))
        return QDir::cleanPath(file);
    if (QCoreApplication::instance()) {
        const QString besideApp = QDir(QCoreApplication::applicationDirPath()).filePath(file);
        if (QFileInfo::exists(besideApp))
            return QDir::cleanPath(besideApp);
    }
    // As the crate finds its lib_dir: the working directory, then its parents.
    QDir dir = QDir::current();
    do {
        const QString candidate = dir.filePath(file);
        if (QFileInfo::exists(candidate))
            return QDir::cleanPath(candidate);
    } while (dir.cdUp());
    return QDir::cleanPath(QDir::current().filePath(file));
}

bool isMapped(const QString &path)
{
#if defined(Q_OS_UNIX)
    // Ask the loader, not /proc/self/maps: RTLD_NOLOAD only finds a library
    // that is still loaded (what a STB_GNU_UNIQUE symbol does), in microseconds.
    void *handle = ::dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle)
        return false;
    ::dlclose(handle);
    return true;
#elif defined(Q_OS_WIN)
    return ::GetModuleHandleW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(path).utf16())) != nullptr;
#else
    Q_UNUSED(path);
    return false;
#endif
}

} // namespace QHotReload::Internal
