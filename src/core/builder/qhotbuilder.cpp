// SPDX-License-Identifier: MIT
#include "qhotbuilder_p.h"

#include "qhotlibrary.h"

#include "logging_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

using QHotReload::Internal::isUnder;

QHotBuilder::QHotBuilder(QObject *parent)
    : QObject(parent)
    , d_ptr(std::make_unique<QHotBuilderPrivate>(this))
{
    // The parts, wired: the source watch (sourcewatch.cpp) tells of a save
    // and of dependencies learned, and knows nothing of what follows.
    Q_D(QHotBuilder);
    d->sourcesSaved = [this] { build(); };
    d->dependenciesLearned = [d] { d->checkOutOfDate(); };
}

QHotBuilder::QHotBuilder(const QHotBuildInfo &info, QObject *parent)
    : QHotBuilder(parent)
{
    setBuildInfo(info);
}

QHotBuilder::~QHotBuilder()
{
    Q_D(QHotBuilder);
    d->enabled = false;
    d->look.stop();
    d->stopScan();
    d->stopProcess();
}

QHotBuilder *QHotBuilder::forLibrary(QHotLibrary *library, const QHotBuildInfo &info)
{
    auto *builder = new QHotBuilder(info, library);
    if (library)
        builder->setLibraryFile(library->fileName());
    // A way to keep the same binary from building itself (CI, a demo run).
    if (qEnvironmentVariable("QHOTRELOAD_BUILD_ON_SAVE") == QLatin1String("0")) {
        qCDebug(lcBuilder) << "build on save is off: QHOTRELOAD_BUILD_ON_SAVE=0";
        return builder;
    }
    builder->setEnabled(true);
    return builder;
}

bool QHotBuilder::isEnabled() const
{
    return d_func()->enabled;
}

void QHotBuilder::setEnabled(bool enabled)
{
    Q_D(QHotBuilder);
    if (d->enabled == enabled)
        return;
    d->enabled = enabled;
    d->rewatch();
    if (enabled) {
        // What the build tree knows already, before the first save.
        d->scanDependencies();
        // Queued: whoever enabled it connects to outOfDate() and sets the
        // sources first.
        d->checkPending = true;
        QMetaObject::invokeMethod(this, [d] { d->checkOutOfDate(); }, Qt::QueuedConnection);
    } else {
        d->stopScan();
        d->setPending(false);
    }
    Q_EMIT enabledChanged();
}

QHotBuilder::State QHotBuilder::state() const
{
    return d_func()->state;
}

bool QHotBuilder::isBuildPending() const
{
    return d_func()->pending;
}

QString QHotBuilder::target() const
{
    return d_func()->target;
}

void QHotBuilder::setTarget(const QString &target)
{
    Q_D(QHotBuilder);
    if (d->target == target)
        return;
    d->target = target;
    d->forgetDependencies();
    if (d->enabled)
        d->updateWatches();
    Q_EMIT buildInfoChanged();
}

QString QHotBuilder::buildDirectory() const
{
    return d_func()->buildDir;
}

void QHotBuilder::setBuildDirectory(const QString &directory)
{
    Q_D(QHotBuilder);
    if (d->buildDir == directory)
        return;
    d->buildDir = directory;
    d->forgetDependencies();
    Q_EMIT buildInfoChanged();
}

QString QHotBuilder::config() const
{
    return d_func()->config;
}

void QHotBuilder::setConfig(const QString &config)
{
    Q_D(QHotBuilder);
    if (d->config == config)
        return;
    d->config = config;
    d->forgetDependencies();
    Q_EMIT buildInfoChanged();
}

QString QHotBuilder::cmakeCommand() const
{
    return d_func()->cmake;
}

void QHotBuilder::setCmakeCommand(const QString &command)
{
    Q_D(QHotBuilder);
    if (d->cmake == command)
        return;
    d->cmake = command;
    Q_EMIT buildInfoChanged();
}

QString QHotBuilder::libraryFile() const
{
    return d_func()->libraryFile;
}

void QHotBuilder::setLibraryFile(const QString &fileName)
{
    Q_D(QHotBuilder);
    if (d->libraryFile == fileName)
        return;
    d->libraryFile = fileName;
    Q_EMIT buildInfoChanged();
}

QStringList QHotBuilder::sources() const
{
    return d_func()->sources;
}

void QHotBuilder::setSources(const QStringList &files)
{
    Q_D(QHotBuilder);
    QStringList absolute;
    for (const QString &file : files) {
        const QString path = QFileInfo(file).absoluteFilePath();
        if (!absolute.contains(path))
            absolute.append(path);
    }
    if (d->sources == absolute)
        return;
    d->sources = absolute;
    if (d->enabled)
        d->updateWatches();
    Q_EMIT sourcesChanged();
}

void QHotBuilder::setBuildInfo(const QHotBuildInfo &info)
{
    setTarget(info.target);
    setBuildDirectory(info.buildDirectory);
    setConfig(info.config);
    setCmakeCommand(info.cmakeCommand);
    setSources(info.sources);
}

int QHotBuilder::delay() const
{
    return d_func()->delay;
}

void QHotBuilder::setDelay(int msecs)
{
    Q_D(QHotBuilder);
    msecs = qMax(0, msecs);
    if (d->delay == msecs)
        return;
    d->delay = msecs;
    d->settle.setQuietMs(msecs);
    Q_EMIT delayChanged();
}

QStringList QHotBuilder::dependencies() const
{
    return d_func()->dependencies;
}

QString QHotBuilder::firstError() const
{
    return d_func()->firstError;
}

QString QHotBuilder::output() const
{
    return d_func()->output;
}

int QHotBuilder::buildCount() const
{
    return d_func()->buildCount;
}

qint64 QHotBuilder::msecsSinceSave() const
{
    Q_D(const QHotBuilder);
    return d->sinceSave.isValid() ? d->sinceSave.elapsed() : -1;
}

int QHotBuilder::compileMsecs() const
{
    return d_func()->compileMs;
}

void QHotBuilder::build()
{
    Q_D(QHotBuilder);
    if (d->state == Building) {
        d->setPending(true);
        return;
    }
    d->startBuild();
}

QStringList QHotReload::Detail::resolveSources(const char *joined, const char *sourceDir,
                                               const char *buildDir)
{
    const QDir source(QString::fromUtf8(sourceDir));
    const QString build = QDir::cleanPath(QString::fromUtf8(buildDir));
    // In an in-source build, sources and generated files share the tree: keep all.
    const bool separateBuild = !isUnder(QDir::cleanPath(source.absolutePath()), build);

    QStringList files;
    QString list = QString::fromUtf8(joined);
    // "@<file>": the list is in that file, one per line (qhot_link_library()
    // writes it there so that a new source of the library rebuilds nothing of
    // the host). Unreadable: no sources, as for an empty list.
    if (list.startsWith(QLatin1Char('@'))) {
        QFile file(list.mid(1));
        list = file.open(QIODevice::ReadOnly | QIODevice::Text) ? QString::fromUtf8(file.readAll()) : QString();
        list.replace(QLatin1Char('\n'), QLatin1Char('|'));
    }
    const QStringList entries = list.split(QLatin1Char('|'), Qt::SkipEmptyParts);
    for (const QString &entry : entries) {
        const QString path = QDir::cleanPath(source.absoluteFilePath(entry));
        if (separateBuild && isUnder(path, build))
            continue;
        // A relative entry missing from the source dir is a generated file in
        // the binary dir.
        if (QFileInfo(entry).isRelative() && !QFileInfo::exists(path))
            continue;
        if (!files.contains(path))
            files.append(path);
    }
    return files;
}
