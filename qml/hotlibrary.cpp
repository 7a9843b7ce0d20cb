// SPDX-License-Identifier: MIT
#include "hotlibrary.h"

#include "qmllogging_p.h"

#include <QHotReload/qhotlibrary.h>

#include "linkedlibraries_p.h"

#include <QtQml/QJSEngine>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>

class QHotQmlLibraryPrivate
{
public:
    explicit QHotQmlLibraryPrivate(QHotQmlLibrary *q) : q(q), library(new QHotLibrary(q)) {}

    void setError(const QString &why)
    {
        if (error == why)
            return;
        error = why;
        Q_EMIT q->errorStringChanged();
    }

    // Loads what is set, if it should be loaded now. Until the component is
    // complete nothing is loaded: autoReload, crashGuard and requiredSymbols
    // may still be set, and they decide how the first load goes.
    // Linked in (\a manifest) or not (nullptr): what loaded, version and
    // loadedFileName say changes with it.
    void setLinked(const QHotReload::Abi::Manifest *manifest)
    {
        if (manifest == linked)
            return;
        linked = manifest;
        Q_EMIT q->linkedInChanged();
        Q_EMIT q->loadedChanged();
        Q_EMIT q->versionChanged();
        Q_EMIT q->loadedFileNameChanged();
    }

    void loadIfWanted()
    {
        if (!complete || !active)
            return;
        if (!linkedName.isEmpty()) {
            setLinked(QHotReload::Detail::linkedLibrary(linkedName));
            return;
        }
        if (library->isLoaded())
            return;
        if (library->fileName().isEmpty()) {
            if (error.isEmpty())
                setError(QStringLiteral("HotLibrary: no fileName or source is set"));
            return;
        }
        if (!library->load()) {
            // Still watched (with autoReload): the next good build is taken with reloaded().
            qCWarning(lcQml).noquote() << "HotLibrary:" << library->errorString();
        }
    }

    void takeFile(const QString &fileName)
    {
        if (fileName == q->fileName() && !fileName.isEmpty())
            return;
        // An earlier complaint about the name given is void with the new one.
        setError(QString());
        const bool wasLinked = !linkedName.isEmpty();
        setLinked(nullptr);
        // Hot reload off: the name of a library linked into the application.
        linkedName = QHotReload::Detail::linkedLibrary(fileName) ? fileName : QString();
        // The QHotLibrary says fileNameChanged when its name changes; a
        // linked-in name leaves it without one, to watch nothing.
        const QString hotName = linkedName.isEmpty() ? fileName : QString();
        if (hotName == library->fileName() && (wasLinked || !linkedName.isEmpty())) {
            Q_EMIT q->fileNameChanged();
            Q_EMIT q->sourceChanged();
        }
        library->setFileName(hotName);
        loadIfWanted();
    }

    QHotQmlLibrary *q;
    QHotLibrary *library;
    QUrl source;
    // Set when the file name names a library linked into the application;
    // linked is its manifest while it is loaded (active).
    QString linkedName;
    const QHotReload::Abi::Manifest *linked = nullptr;
    QString error;
    bool active = true;
    // False between classBegin() and componentComplete(): only QML creation calls them.
    bool complete = true;
};

QHotQmlLibrary::QHotQmlLibrary(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<QHotQmlLibraryPrivate>(this))
{
    QHotLibrary *lib = d->library;
    connect(lib, &QHotLibrary::aboutToReload, this, &QHotQmlLibrary::aboutToReload);
    connect(lib, &QHotLibrary::reloaded, this, &QHotQmlLibrary::reloaded);
    connect(lib, &QHotLibrary::reloadFailed, this, &QHotQmlLibrary::reloadFailed);
    connect(lib, &QHotLibrary::stateRestoreFailed, this, &QHotQmlLibrary::stateRestoreFailed);
    connect(lib, &QHotLibrary::crashed, this, &QHotQmlLibrary::crashed);
    connect(lib, &QHotLibrary::fileNameChanged, this, [this] {
        Q_EMIT fileNameChanged();
        Q_EMIT sourceChanged();
    });
    connect(lib, &QHotLibrary::loadedChanged, this, &QHotQmlLibrary::loadedChanged);
    connect(lib, &QHotLibrary::versionChanged, this, &QHotQmlLibrary::versionChanged);
    connect(lib, &QHotLibrary::loadedFileNameChanged, this, &QHotQmlLibrary::loadedFileNameChanged);
    connect(lib, &QHotLibrary::autoReloadChanged, this, &QHotQmlLibrary::autoReloadChanged);
    connect(lib, &QHotLibrary::crashGuardChanged, this, &QHotQmlLibrary::crashGuardChanged);
    connect(lib, &QHotLibrary::requiredSymbolsChanged, this, &QHotQmlLibrary::requiredSymbolsChanged);
    connect(lib, &QHotLibrary::errorStringChanged, this, [this] { d->setError(d->library->errorString()); });
}

QHotQmlLibrary::~QHotQmlLibrary() = default;

QHotLibrary *QHotQmlLibrary::library() const
{
    return d->library;
}

QString QHotQmlLibrary::fileName() const
{
    return d->linkedName.isEmpty() ? d->library->fileName() : d->linkedName;
}

void QHotQmlLibrary::setFileName(const QString &fileName)
{
    d->source.clear();
    d->takeFile(fileName);
}

QUrl QHotQmlLibrary::source() const
{
    if (!d->source.isEmpty())
        return d->source;
    const QString file = fileName();
    return file.isEmpty() ? QUrl() : QUrl::fromLocalFile(file);
}

void QHotQmlLibrary::setSource(const QUrl &source)
{
    // Relative to the document that says it, as an Image's source is.
    const QQmlContext *context = qmlContext(this);
    const QUrl resolved = context && !source.isEmpty() ? context->resolvedUrl(source) : source;
    if (resolved == d->source)
        return;
    d->source = resolved;
    if (resolved.isEmpty()) {
        d->takeFile(QString());
        Q_EMIT sourceChanged();
        return;
    }
    if (resolved.isLocalFile() || resolved.isRelative()) {
        d->takeFile(resolved.isLocalFile() ? resolved.toLocalFile() : resolved.path());
    } else {
        // qrc:, http:, ...: the loader needs a file the build writes and the watcher can see.
        d->library->unload();
        d->setError(QStringLiteral("HotLibrary: source '%1' is not a local file; a hot library must be "
                                   "a file on disk (file: URL or path)")
                            .arg(source.toString()));
        qCWarning(lcQml).noquote() << d->error;
    }
    Q_EMIT sourceChanged();
}

bool QHotQmlLibrary::isActive() const
{
    return d->active;
}

void QHotQmlLibrary::setActive(bool active)
{
    if (active == d->active)
        return;
    d->active = active;
    if (active) {
        d->loadIfWanted();
    } else {
        d->setLinked(nullptr);
        d->library->unload();
    }
    Q_EMIT activeChanged();
}

bool QHotQmlLibrary::isLoaded() const
{
    return d->linked || d->library->isLoaded();
}

bool QHotQmlLibrary::isLinkedIn() const
{
    return d->linked;
}

int QHotQmlLibrary::version() const
{
    return d->linked ? 1 : d->library->version();
}

QString QHotQmlLibrary::loadedFileName() const
{
    return d->linked ? d->linkedName : d->library->loadedFileName();
}

bool QHotQmlLibrary::autoReload() const
{
    return d->library->autoReload();
}

void QHotQmlLibrary::setAutoReload(bool enabled)
{
    d->library->setAutoReload(enabled);
}

bool QHotQmlLibrary::crashGuard() const
{
    return d->library->crashGuard();
}

void QHotQmlLibrary::setCrashGuard(bool enabled)
{
    if (!d->library->setCrashGuard(enabled) && enabled) {
        d->setError(QStringLiteral("HotLibrary: the crash guard is not available on this platform"));
        qCWarning(lcQml).noquote() << d->error;
    }
}

QStringList QHotQmlLibrary::requiredSymbols() const
{
    return d->library->requiredSymbols();
}

void QHotQmlLibrary::setRequiredSymbols(const QStringList &symbols)
{
    d->library->setRequiredSymbols(symbols);
}

QString QHotQmlLibrary::errorString() const
{
    return d->error;
}

QVariant QHotQmlLibrary::tryCall(const QString &name, const QVariantList &arguments, QString *error)
{
    if (d->linkedName.isEmpty()) {
        // QHotLibrary::call() says why in errorString() and clears it on success:
        // an invalid result alone cannot tell a void function from a failure.
        const QVariant result = d->library->call(name, arguments);
        *error = d->library->errorString();
        return error->isEmpty() ? result : QVariant();
    }
    using namespace QHotReload::Detail;
    const QHotReload::Abi::FunctionInfo *function = d->linked ? listedFunction(*d->linked, name) : nullptr;
    QVariant result;
    if (!d->linked)
        *error = QStringLiteral("%1 (linked in) is not loaded; cannot call '%2'").arg(d->linkedName, name);
    else if (!function)
        *error = QStringLiteral("%1 (linked in) has no hot function '%2'").arg(d->linkedName, name);
    else
        result = callListed(*function, arguments, error);
    if (!error->isEmpty())
        qCWarning(lcQml).noquote() << "HotLibrary:" << *error;
    d->setError(*error);
    return error->isEmpty() ? result : QVariant();
}

QVariant QHotQmlLibrary::call(const QString &name, const QJSValue &arguments)
{
    QString why;
    const QVariant result = tryCall(name, argumentList(arguments), &why);
    if (why.isEmpty())
        return result;
    if (QJSEngine *engine = qjsEngine(this))
        engine->throwError(QStringLiteral("HotLibrary.call('%1'): %2").arg(name, why));
    return QVariant();
}

QVariantList QHotQmlLibrary::argumentList(const QJSValue &arguments)
{
    if (arguments.isArray())
        return arguments.toVariant().toList();
    if (arguments.isUndefined())
        return {};
    return { arguments.toVariant() };
}

bool QHotQmlLibrary::load()
{
    if (!d->linkedName.isEmpty()) {
        d->setLinked(QHotReload::Detail::linkedLibrary(d->linkedName));
        return d->linked;
    }
    if (d->library->fileName().isEmpty()) {
        d->setError(QStringLiteral("HotLibrary: no fileName or source is set"));
        return false;
    }
    return d->library->load();
}

bool QHotQmlLibrary::unload()
{
    if (d->linked) {
        d->setLinked(nullptr);
        return true;
    }
    return d->library->unload();
}

bool QHotQmlLibrary::reload()
{
    // Linked in: there is no other version to take.
    return d->linkedName.isEmpty() && d->library->reload();
}

void QHotQmlLibrary::classBegin()
{
    d->complete = false;
}

void QHotQmlLibrary::componentComplete()
{
    d->complete = true;
    d->loadIfWanted();
}
