// SPDX-License-Identifier: MIT
#include "hotlibrary.h"

#include "qmllogging_p.h"

#include <QHotReload/qhotlibrary.h>

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
    void loadIfWanted()
    {
        if (!complete || !active || library->isLoaded())
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
        if (fileName == library->fileName() && !fileName.isEmpty())
            return;
        // An earlier complaint about the name given is void with the new one.
        setError(QString());
        library->setFileName(fileName);
        loadIfWanted();
    }

    QHotQmlLibrary *q;
    QHotLibrary *library;
    QUrl source;
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
    return d->library->fileName();
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
    if (active)
        d->loadIfWanted();
    else
        d->library->unload();
    Q_EMIT activeChanged();
}

bool QHotQmlLibrary::isLoaded() const
{
    return d->library->isLoaded();
}

int QHotQmlLibrary::version() const
{
    return d->library->version();
}

QString QHotQmlLibrary::loadedFileName() const
{
    return d->library->loadedFileName();
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

QVariant QHotQmlLibrary::call(const QString &name, const QJSValue &arguments)
{
    // QHotLibrary::call() says why in errorString() and clears it on success:
    // an invalid result alone cannot tell a void function from a failure.
    const QVariant result = d->library->call(name, argumentList(arguments));
    const QString why = d->library->errorString();
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
    if (d->library->fileName().isEmpty()) {
        d->setError(QStringLiteral("HotLibrary: no fileName or source is set"));
        return false;
    }
    return d->library->load();
}

bool QHotQmlLibrary::unload()
{
    return d->library->unload();
}

bool QHotQmlLibrary::reload()
{
    return d->library->reload();
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
