// SPDX-License-Identifier: MIT
#include "qhotbuilder.h"

#include "qhotlibrary.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QFileSystemWatcher>
#include <QtCore/QHash>
#include <QtCore/QLoggingCategory>
#include <QtCore/QMetaMethod>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTimer>

#if defined(Q_OS_UNIX)
#  include <csignal>
#  include <sys/types.h>
#  include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcBuilder, "qhotreload.builder", QtWarningMsg)

class QHotBuilderPrivate
{
public:
    explicit QHotBuilderPrivate(QHotBuilder *q);

    void rewatch();
    void rearm(const QString &path);
    QByteArray digest(const QString &path) const;
    void checkSources();
    void startBuild();
    void finishBuild(bool ok, const QString &whyNotRun);
    void stopProcess();
    void setState(QHotBuilder::State s);
    void setPending(bool p);
    void tellIndicator(bool failed);

    Q_DECLARE_PUBLIC(QHotBuilder)
    QHotBuilder *q_ptr;
    bool enabled = false;
    QHotBuilder::State state = QHotBuilder::Idle;
    bool pending = false;
    QString target;
    QString buildDir;
    QString config;
    QString cmake;
    QStringList sources;
    int delay = 50;
    QPointer<QObject> indicator;
    QString firstError;
    QString output;
    int buildCount = 0;

    QFileSystemWatcher watcher;
    // Content per source as last seen: a save that leaves the bytes as they
    // were (or a touch, or an editor's backup file in the same directory)
    // starts no build, and mtime granularity cannot hide a quick second save.
    QHash<QString, QByteArray> digests;
    QTimer settle;
    QProcess *process = nullptr;
    QByteArray processOutput;
    QElapsedTimer clock;
};

QHotBuilderPrivate::QHotBuilderPrivate(QHotBuilder *q)
    : q_ptr(q)
{
    settle.setSingleShot(true);
    settle.setInterval(delay);
    QObject::connect(&settle, &QTimer::timeout, q, [this] { checkSources(); });
    QObject::connect(&watcher, &QFileSystemWatcher::fileChanged, q, [this](const QString &path) {
        qCDebug(lcBuilder) << "source changed:" << path;
        rearm(path);
        settle.start();
    });
    QObject::connect(&watcher, &QFileSystemWatcher::directoryChanged, q,
                     [this](const QString &dir) {
                         qCDebug(lcBuilder) << "directory changed:" << dir;
                         // A save by rename replaced the file's inode: its watch
                         // is dead or follows the old file.
                         for (const QString &file : std::as_const(sources)) {
                             if (QFileInfo(file).absolutePath() == dir)
                                 rearm(file);
                         }
                         settle.start();
                     });
}

void QHotBuilderPrivate::rewatch()
{
    settle.stop();
    const QStringList files = watcher.files();
    if (!files.isEmpty())
        watcher.removePaths(files);
    const QStringList dirs = watcher.directories();
    if (!dirs.isEmpty())
        watcher.removePaths(dirs);
    digests.clear();
    if (!enabled)
        return;

    QStringList wantedDirs;
    for (const QString &file : std::as_const(sources)) {
        digests.insert(file, digest(file));
        const QString dir = QFileInfo(file).absolutePath();
        if (!wantedDirs.contains(dir))
            wantedDirs.append(dir);
        if (QFileInfo::exists(file) && !watcher.addPath(file))
            qCWarning(lcBuilder) << "cannot watch" << file;
    }
    for (const QString &dir : std::as_const(wantedDirs)) {
        if (!watcher.addPath(dir))
            qCWarning(lcBuilder) << "cannot watch directory" << dir;
    }
}

void QHotBuilderPrivate::rearm(const QString &path)
{
    if (!enabled || !sources.contains(path))
        return;
    if (watcher.files().contains(path))
        watcher.removePath(path);
    if (QFileInfo::exists(path))
        watcher.addPath(path);
}

QByteArray QHotBuilderPrivate::digest(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(&file);
    return hash.result();
}

void QHotBuilderPrivate::checkSources()
{
    if (!enabled)
        return;
    QStringList saved;
    for (const QString &file : std::as_const(sources)) {
        const QByteArray now = digest(file);
        // Missing: an editor between removing and renaming; when the file is
        // back its content decides.
        if (now.isEmpty())
            continue;
        QByteArray &before = digests[file];
        if (before != now) {
            qCDebug(lcBuilder) << "content changed:" << file;
            before = now;
            saved.append(file);
        }
    }
    if (saved.isEmpty())
        return;
    for (const QString &file : std::as_const(saved))
        Q_EMIT q_ptr->sourceSaved(file);
    q_ptr->build();
}

void QHotBuilderPrivate::setState(QHotBuilder::State s)
{
    // stateChanged also announces firstError, output and buildCount.
    state = s;
    Q_EMIT q_ptr->stateChanged(s);
}

void QHotBuilderPrivate::setPending(bool p)
{
    if (pending == p)
        return;
    pending = p;
    Q_EMIT q_ptr->buildPendingChanged();
}

void QHotBuilderPrivate::tellIndicator(bool failed)
{
    if (!indicator)
        return;
    if (failed) {
        QMetaObject::invokeMethod(indicator, "setBuildFailed", Q_ARG(QString, firstError),
                                  Q_ARG(QString, output));
    } else {
        QMetaObject::invokeMethod(indicator, "setBuilding",
                                  Q_ARG(bool, state == QHotBuilder::Building));
    }
}

void QHotBuilderPrivate::startBuild()
{
    Q_Q(QHotBuilder);
    ++buildCount;
    processOutput.clear();
    clock.start();
    setState(QHotBuilder::Building);
    tellIndicator(false);
    Q_EMIT q->buildStarted();

    if (target.isEmpty() || buildDir.isEmpty()) {
        finishBuild(false, QStringLiteral("build on save: no %1 to build in")
                               .arg(target.isEmpty() ? QStringLiteral("target")
                                                     : QStringLiteral("build directory")));
        return;
    }

    const QString program = cmake.isEmpty() ? QStringLiteral("cmake") : cmake;
    QStringList arguments{QStringLiteral("--build"), buildDir, QStringLiteral("--target"), target};
    if (!config.isEmpty())
        arguments << QStringLiteral("--config") << config;
    qCDebug(lcBuilder) << "running" << program << arguments;

    process = new QProcess(q);
    process->setProcessChannelMode(QProcess::MergedChannels);
#if defined(Q_OS_UNIX)
    // Its own process group, so stopping the build stops the compilers that
    // cmake and the build tool started, not only cmake.
    process->setChildProcessModifier([] { ::setpgid(0, 0); });
#endif
    QObject::connect(process, &QProcess::readyRead, q,
                     [this] { processOutput += process->readAll(); });
    QObject::connect(process, &QProcess::finished, q,
                     [this](int exitCode, QProcess::ExitStatus status) {
                         processOutput += process->readAll();
                         if (status != QProcess::NormalExit)
                             finishBuild(false, QStringLiteral("the build of %1 crashed").arg(target));
                         else if (exitCode != 0)
                             finishBuild(false, QStringLiteral("the build of %1 failed (exit code %2)")
                                                        .arg(target)
                                                        .arg(exitCode));
                         else
                             finishBuild(true, {});
                     });
    QObject::connect(process, &QProcess::errorOccurred, q, [this](QProcess::ProcessError error) {
        // Only a start failure comes without finished().
        if (error == QProcess::FailedToStart) {
            finishBuild(false, QStringLiteral("build on save: cannot run %1: %2")
                                   .arg(process->program(), process->errorString()));
        }
    });
    process->start(program, arguments);
}

void QHotBuilderPrivate::finishBuild(bool ok, const QString &whyFailed)
{
    Q_Q(QHotBuilder);
    const int msecs = int(clock.elapsed());
    if (process) {
        process->disconnect(q);
        process->deleteLater();
        process = nullptr;
    }
    output = QString::fromLocal8Bit(processOutput);
    processOutput.clear();
    if (ok) {
        firstError.clear();
        qCDebug(lcBuilder) << "build of" << target << "succeeded in" << msecs << "ms";
        setState(QHotBuilder::Idle);
        tellIndicator(false);
    } else {
        firstError = QHotBuilder::firstErrorLine(output);
        if (firstError.isEmpty())
            firstError = whyFailed;
        if (output.isEmpty())
            output = whyFailed;
        qCDebug(lcBuilder) << "build of" << target << "failed:" << firstError;
        setState(QHotBuilder::Failed);
        tellIndicator(true);
        Q_EMIT q->buildFailed(firstError, output);
    }
    Q_EMIT q->buildFinished(ok, msecs);

    // Everything saved during that build, in one more build.
    if (pending && state != QHotBuilder::Building && !process) {
        setPending(false);
        startBuild();
    }
}

void QHotBuilderPrivate::stopProcess()
{
    if (!process)
        return;
    process->disconnect(q_ptr);
#if defined(Q_OS_UNIX)
    const qint64 pid = process->processId();
    if (pid > 0)
        ::kill(-pid_t(pid), SIGTERM);
#else
    process->terminate();
#endif
    if (!process->waitForFinished(3000)) {
#if defined(Q_OS_UNIX)
        if (pid > 0)
            ::kill(-pid_t(pid), SIGKILL);
#endif
        process->kill();
        process->waitForFinished(3000);
    }
    delete process;
    process = nullptr;
}

QHotBuilder::QHotBuilder(QObject *parent)
    : QObject(parent)
    , d_ptr(std::make_unique<QHotBuilderPrivate>(this))
{
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
    d->settle.stop();
    d->stopProcess();
}

QHotBuilder *QHotBuilder::forLibrary(QHotLibrary *library, const QHotBuildInfo &info,
                                     QObject *indicator)
{
    auto *builder = new QHotBuilder(info, library);
    builder->setIndicator(indicator);
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
    if (!enabled)
        d->setPending(false);
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
    d->rewatch();
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
    d->settle.setInterval(msecs);
    Q_EMIT delayChanged();
}

QObject *QHotBuilder::indicator() const
{
    return d_func()->indicator;
}

void QHotBuilder::setIndicator(QObject *indicator)
{
    Q_D(QHotBuilder);
    if (d->indicator == indicator)
        return;
    if (indicator) {
        const QMetaObject *meta = indicator->metaObject();
        if (meta->indexOfMethod("setBuilding(bool)") < 0
            || meta->indexOfMethod("setBuildFailed(QString,QString)") < 0) {
            qCWarning(lcBuilder).nospace()
                << "QHotBuilder::setIndicator: " << meta->className()
                << " has no invokable setBuilding(bool) and setBuildFailed(QString,QString); ignored";
            return;
        }
    }
    d->indicator = indicator;
    // A new indicator learns what is going on now.
    if (indicator && d->state == Building)
        d->tellIndicator(false);
    else if (indicator && d->state == Failed)
        d->tellIndicator(true);
    Q_EMIT indicatorChanged();
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

void QHotBuilder::build()
{
    Q_D(QHotBuilder);
    if (d->state == Building) {
        d->setPending(true);
        return;
    }
    d->startBuild();
}

QString QHotBuilder::firstErrorLine(const QString &output)
{
    static const QRegularExpression colour(QStringLiteral("\x1b\\[[0-9;]*[A-Za-z]"));
    static const QRegularExpression msvcError(QStringLiteral("\\berror [A-Z]+[0-9]+"));
    QString text = output;
    text.remove(colour);
    const QStringList lines = text.split(QLatin1Char('\n'));

    auto firstWhere = [&lines](auto matches) -> qsizetype {
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (matches(lines.at(i)))
                return i;
        }
        return -1;
    };
    qsizetype at = firstWhere([](const QString &line) {
        return line.contains(QLatin1String("error:"));
    });
    if (at >= 0 && lines.at(at).trimmed().startsWith(QLatin1String("collect2:"))) {
        // gcc's driver says only that the linker failed; the linker said what.
        qsizetype linker = firstWhere([](const QString &line) {
            return line.contains(QLatin1String("undefined reference"))
                || line.contains(QLatin1String("multiple definition"));
        });
        if (linker < 0)
            linker = firstWhere([](const QString &line) { return line.contains(QLatin1String("ld: ")); });
        if (linker >= 0 && linker < at)
            at = linker;
    }
    if (at < 0)
        at = firstWhere([](const QString &line) { return msvcError.match(line).hasMatch(); });
    if (at < 0)
        at = firstWhere([](const QString &line) { return line.contains(QLatin1String("Error")); });
    if (at >= 0)
        return lines.at(at).trimmed();
    for (qsizetype i = lines.size() - 1; i >= 0; --i) {
        const QString line = lines.at(i).trimmed();
        if (!line.isEmpty())
            return line;
    }
    return {};
}

QStringList QHotReload::Detail::resolveSources(const char *joined, const char *sourceDir,
                                               const char *buildDir)
{
    const QDir source(QString::fromUtf8(sourceDir));
    const QString build = QDir::cleanPath(QString::fromUtf8(buildDir));
    auto isUnder = [](const QString &path, const QString &dir) {
        return !dir.isEmpty()
            && (path == dir || path.startsWith(dir.endsWith(QLatin1Char('/')) ? dir : dir + QLatin1Char('/')));
    };
    // In an in-source build, sources and generated files share the tree: keep all.
    const bool separateBuild = !isUnder(QDir::cleanPath(source.absolutePath()), build);

    QStringList files;
    const QStringList entries = QString::fromUtf8(joined).split(QLatin1Char('|'), Qt::SkipEmptyParts);
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
