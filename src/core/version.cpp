// SPDX-License-Identifier: MIT
#include "version_p.h"

#include "boundcheck_p.h"
#include "logging_p.h"
#include "metatypes_p.h"
#include "pins_p.h"
#include "probe_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QThread>

#include <limits>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#elif defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

namespace QHotReload::Internal {

PreparedCopy prepareCopy(std::unique_ptr<PrivateDir> &dir, const VersionSource &source)
{
    PreparedCopy prepared;
    const auto cannotCopy = [&](const QString &why) {
        prepared.error = QStringLiteral("cannot be copied: ") + why;
        prepared.notCopied = true;
        return prepared;
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

    if (source.trialLoadMs > 0) {
        // Out of process first: a static initializer that crashes or hangs
        // must do it there, not in the application's thread.
        const QString refusal = trialLoad(copyPath, source.trialLoadMs);
        if (!refusal.isEmpty()) {
            prepared.error = QStringLiteral("refused: %1 in a trial load; %2")
                                     .arg(refusal, source.replacesRunning ? QStringLiteral("the running version is kept")
                                                                          : QStringLiteral("it was not loaded"));
            QFile::remove(copyPath);
            return prepared;
        }
    }
    prepared.copyPath = copyPath;
    return prepared;
}

LoadedVersion openVersion(const QString &copyPath, const VersionSource &source, QString *error, bool *outside)
{
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

LoadedVersion loadVersion(std::unique_ptr<PrivateDir> &dir, const VersionSource &source, QString *error,
                          bool *notCopied, bool *outside)
{
    const PreparedCopy prepared = prepareCopy(dir, source);
    if (prepared.copyPath.isEmpty()) {
        *error = prepared.error;
        if (notCopied)
            *notCopied = prepared.notCopied;
        return {};
    }
    return openVersion(prepared.copyPath, source, error, outside);
}

// Objects are followed from before the first version is loaded, so that
// those a version leaves behind are found when it is retired.
Retirement::Retirement() : m_budget(defaultBudget())
{
    followObjects();
}

// Retired copies stay mapped after this: whatever the application kept of
// them (a handler, a timer on qApp, a thread) may run until the process ends,
// and the QLibrary objects going does not unload anything. On Windows their
// files cannot be deleted while loaded; the private directory's cleanup at a
// later start takes them.
Retirement::~Retirement() = default;

qint64 Retirement::defaultBudget()
{
    // See README, "What survives a swap": a day of edits of a typical hot
    // library fits, and so does the soak's memory bound.
    constexpr qint64 Default = qint64(64) * 1024 * 1024;
    const QByteArray value = qgetenv("QHOTRELOAD_RETIRED_BUDGET").trimmed();
    if (value.isEmpty())
        return Default;
    QByteArray digits = value;
    qint64 unit = 1;
    switch (QChar::toUpper(uint(uchar(value.back())))) {
    case 'K': unit = qint64(1) << 10; break;
    case 'M': unit = qint64(1) << 20; break;
    case 'G': unit = qint64(1) << 30; break;
    default: break;
    }
    if (unit != 1)
        digits.chop(1);
    bool ok = false;
    const qint64 number = digits.toLongLong(&ok);
    if (!ok || number < 0 || number > std::numeric_limits<qint64>::max() / unit) {
        qCWarning(lcLoader).noquote() << "QHOTRELOAD_RETIRED_BUDGET:" << QString::fromLocal8Bit(value)
                                      << "is not a size (bytes, or a number with K, M or G); using"
                                      << Default / (1024 * 1024) << "MB";
        return Default;
    }
    return number * unit;
}

std::vector<OldCopy> Retirement::mappedCopies() const
{
    std::vector<OldCopy> copies;
    for (const Retired &retired : m_retired) {
        if (retired.layout.isValid())
            copies.push_back({retired.layout.start, retired.layout.end, retired.number});
    }
    return copies;
}

bool Retirement::Retired::canUnload() const
{
    if (registeredTypes)
        return false;
    for (const QPointer<QThread> &thread : strandedThreads) {
        if (thread)
            return false;
    }
    return true;
}

qint64 Retirement::retiredBytes() const
{
    qint64 total = 0;
    for (const Retired &retired : m_retired)
        total += retired.bytes;
    return total;
}

void Retirement::setBudget(qint64 bytes)
{
    m_budget = qMax<qint64>(0, bytes);
    enforceBudget();
}

// A thread the version made under its root would abort the process
// ("Destroyed while thread is still running") if the root took it down
// running. Ask each to stop; one that does not within the bounded wait is
// taken out from under the root and left running, and its version with it.
std::vector<QPointer<QThread>> Retirement::stopThreads(QObject *root, const QString &libraryPath)
{
    QList<QThread *> running;
    const QList<QThread *> threads = root->findChildren<QThread *>();
    for (QThread *thread : threads) {
        if (thread->isRunning()) {
            thread->requestInterruption();
            thread->quit();
            running << thread;
        }
    }
    std::vector<QPointer<QThread>> stranded;
    if (running.isEmpty())
        return stranded;
    // One deadline for all: the GUI thread waits here at most this long.
    const QDeadlineTimer deadline(ThreadStopMs);
    QStringList names;
    for (QThread *thread : std::as_const(running)) {
        if (thread->wait(deadline))
            continue;
        thread->setParent(nullptr);
        // Its destructor may be the library's: it goes once the thread ends,
        // on this thread, and until then the version stays mapped.
        QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
        if (thread->isFinished())
            thread->deleteLater(); // ended between the wait and the connection
        stranded.emplace_back(thread);
        const QString name = thread->objectName().isEmpty() ? QStringLiteral("(no objectName)")
                                                            : QLatin1Char('\'') + thread->objectName() + QLatin1Char('\'');
        names << QStringLiteral("%1 (%2)").arg(name, QLatin1String(thread->metaObject()->className()));
    }
    if (!names.isEmpty()) {
        qCWarning(lcSwap).noquote()
                << QDir::toNativeSeparators(libraryPath)
                << QStringLiteral(": the thread %1 under versionRoot() did not stop within %2 ms of "
                                  "requestInterruption() and quit(); it was taken out from under the root "
                                  "and keeps running, and its version stays mapped until it ends. Let its "
                                  "loop check QThread::isInterruptionRequested() or run an event loop.")
                           .arg(names.join(QStringLiteral(", ")))
                           .arg(ThreadStopMs);
    }
    return stranded;
}

void Retirement::retire(LoadedVersion &version, const QString &libraryPath, int number)
{
    if (!version)
        return;
    // The version's objects and the connections made with its root as
    // context go first, while their code is still mapped; then the types it
    // registered with Qt, whose descriptions live in it.
    Retired retired;
    if (version.root)
        retired.strandedThreads = stopThreads(version.root.get(), libraryPath);
    version.root.reset();
    const QStringList types = forgetMetaTypesOf(version.copyPath);
    if (!types.isEmpty()) {
        // Qt's type registry can keep names that point into the library even
        // after the types are unregistered: never unload this one.
        retired.registeredTypes = true;
        if (!m_warnedTypes) {
            m_warnedTypes = true;
            qCWarning(lcLoader).noquote()
                    << QDir::toNativeSeparators(libraryPath)
                    << QStringLiteral("registered Qt types (%1); Qt keeps references to them, so each "
                                      "version that does stays mapped until the application ends, beyond "
                                      "the retired-copies budget (its file is deleted). Keep gadgets and "
                                      "other registered types out of the state that crosses versions to "
                                      "avoid it.")
                               .arg(types.join(QStringLiteral(", ")));
        }
    }
    retired.copyPath = version.copyPath;
    retired.bytes = QFileInfo(version.copyPath).size();
    retired.pins = pinsOfFile(version.copyPath);
    // Where it lies and what its functions are called can only be asked
    // while it is mapped; kept for when it is unloaded.
    retired.layout = copyLayout(version.copyPath, version.manifest);
    retired.number = number;
    retired.description = (number > 0 ? QStringLiteral("%1: version %2 (its copy %3)").arg(libraryPath).arg(number)
                                       : QStringLiteral("%1: a version that never went live (its copy %3)")
                                                 .arg(libraryPath))
                                  .arg(QFileInfo(version.copyPath).fileName());
    retired.library = std::move(version.library);
    version = {};
#if !defined(Q_OS_WIN)
    // A mapped file can be unlinked here: the mapping keeps its pages (and
    // its disk blocks) until it is unloaded. Windows refuses to delete a
    // loaded DLL; there the file goes when the copy is unloaded.
    QFile::remove(retired.copyPath);
#endif
    m_retired.push_back(std::move(retired));
    enforceBudget();
}

void Retirement::discard(LoadedVersion &version, const QString &libraryPath)
{
    if (!version)
        return;
    const bool hasThreads = version.root && !version.root->findChildren<QThread *>().isEmpty();
    if (hasThreads) {
        // Its static initializers started threads: treat it as live.
        retire(version, libraryPath, 0);
        return;
    }
    version.root.reset();
    if (!forgetMetaTypesOf(version.copyPath).isEmpty()) {
        retire(version, libraryPath, 0); // kept mapped, as any version that registered types
        return;
    }
    unloadNow(*version.library, version.copyPath, nullptr);
    version = {};
}

// Returns whether the copy is gone from memory.
bool Retirement::unloadNow(QLibrary &library, const QString &copyPath, const Pins *pins)
{
    if (library.isLoaded() && !library.unload())
        qCWarning(lcLoader).noquote() << "cannot unload" << copyPath << ':' << library.errorString();
    const bool gone = !isMapped(copyPath);
    if (!gone)
        qCWarning(lcLoader).noquote() << stillMappedWarning(copyPath, pins ? *pins : pinsOfFile(copyPath));
    QFile::remove(copyPath);
    return gone;
}

void Retirement::enforceBudget()
{
    // Copies that can never go (registered types) or not yet (a thread still
    // runs in them) are outside the budget: counting them would only push
    // out the others.
    qint64 total = 0;
    for (const Retired &retired : m_retired) {
        if (retired.canUnload())
            total += retired.bytes;
    }
    for (auto it = m_retired.begin(); it != m_retired.end() && total > m_budget;) {
        if (!it->canUnload()) {
            ++it;
            continue;
        }
        total -= it->bytes;
        qCDebug(lcLoader).noquote() << "unloading the retired copy" << it->copyPath << "(beyond the budget of"
                                    << m_budget << "bytes)";
        if (unloadNow(*it->library, it->copyPath, &it->pins) && !reserveUnloaded(it->layout, it->description)) {
            qCDebug(lcLoader).noquote() << "the address range of" << it->copyPath
                                        << "could not be reserved; a stale pointer into it will not be named";
        }
        it = m_retired.erase(it);
    }
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
