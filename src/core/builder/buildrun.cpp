// SPDX-License-Identifier: MIT
// QHotBuilder's build run: starting and stopping the build, its state and
// timings, and a library found out of date (or a build cut short) at start.
#include "qhotbuilder_p.h"

#include "logging_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

#if defined(Q_OS_UNIX)
#  include <csignal>
#  include <sys/types.h>
#  include <unistd.h>
#endif

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

// Written when a build starts and removed when it ends: one left behind
// means the application quit (or crashed) during that build.
QString QHotBuilderPrivate::markerPath() const
{
    if (buildDir.isEmpty() || target.isEmpty())
        return {};
    QString name = target;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    return QDir(buildDir).filePath(QStringLiteral(".qhotbuilder-%1.building").arg(name));
}

void QHotBuilderPrivate::checkOutOfDate()
{
    if (!enabled || !checkPending || state == QHotBuilder::Building || process || nothingToBuild())
        return;
    QString reason;
    const QString marker = markerPath();
    QFile markerFile(marker);
    if (!marker.isEmpty() && markerFile.open(QIODevice::ReadOnly)) {
        const qint64 pid = markerFile.readLine().trimmed().toLongLong();
        bool running = false;
#if defined(Q_OS_UNIX)
        // Another process building the same target now is not a build cut short.
        running = pid > 0 && pid != QCoreApplication::applicationPid() && ::kill(pid_t(pid), 0) == 0;
#endif
        if (!running) {
            reason = QStringLiteral("the last build of %1 was cut short (the application quit or crashed "
                                    "during it): %2 was left behind")
                             .arg(target, QDir::toNativeSeparators(marker));
        }
    }
    if (reason.isEmpty() && !libraryFile.isEmpty()) {
        const QFileInfo library(libraryFile);
        if (!library.exists()) {
            reason = QStringLiteral("%1 does not exist").arg(QDir::toNativeSeparators(libraryFile));
        } else {
            const QDateTime built = library.lastModified();
            QStringList files = sources;
            files += dependencies;
            for (const QString &file : std::as_const(files)) {
                const QFileInfo info(file);
                if (info.exists() && info.lastModified() > built) {
                    reason = QStringLiteral("%1 is older than %2, which it is built from")
                                     .arg(library.fileName(), QDir::toNativeSeparators(file));
                    break;
                }
            }
        }
    }
    if (reason.isEmpty())
        return;
    checkPending = false;
    qCDebug(lcBuilder).noquote() << "out of date:" << reason;
    Q_EMIT q_ptr->outOfDate(reason);
    // No save started it: the save-to-live figure has no save to start from.
    noSave = true;
    startBuild();
}

void QHotBuilderPrivate::startBuild()
{
    Q_Q(QHotBuilder);
    ++buildCount;
    checkPending = false;
    processOutput.clear();
    clock.start();
    if (const QString marker = markerPath(); !marker.isEmpty()) {
        QSaveFile file(marker);
        const QByteArray pid = QByteArray::number(QCoreApplication::applicationPid()) + '\n';
        if (!file.open(QIODevice::WriteOnly) || file.write(pid) < 0 || !file.commit())
            qCDebug(lcBuilder) << "cannot write" << marker << file.errorString();
    }
    // A build(): its own call is the save.
    if (noSave)
        sinceSave.invalidate();
    else
        sinceSave = nextSave.isValid() ? nextSave : clock;
    nextSave.invalidate();
    noSave = false;
    setState(QHotBuilder::Building);
    Q_EMIT q->buildStarted();

    if (target.isEmpty() || buildDir.isEmpty()) {
        finishBuild(false, QStringLiteral("build on save: no %1 to build in")
                               .arg(target.isEmpty() ? QStringLiteral("target")
                                                     : QStringLiteral("build directory")));
        return;
    }

    const QHotReload::Internal::BuildCommand command =
            QHotReload::Internal::buildCommand(buildDir, target, config, cmake);
    compileMs = -1;
    lineStart = 0;
    qCDebug(lcBuilder) << "running" << command.program << command.arguments;

    process = new QProcess(q);
    process->setProcessChannelMode(QProcess::MergedChannels);
#if defined(Q_OS_UNIX)
    // Its own process group, so stopping the build stops the compilers that
    // cmake and the build tool started, not only cmake.
    process->setChildProcessModifier([] { ::setpgid(0, 0); });
#endif
    QObject::connect(process, &QProcess::readyRead, q, [this] {
        processOutput += process->readAll();
        takeSteps();
    });
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
    process->start(command.program, command.arguments);
}

// Ninja, not on a terminal, prints "[3/4] Building CXX object …" as each
// step ends (also under `cmake --build`): the last step before the link
// ended when the compiling did. Other build tools' lines do not match.
void QHotBuilderPrivate::takeSteps()
{
    qsizetype end;
    while ((end = processOutput.indexOf('\n', lineStart)) >= 0) {
        const QByteArray line = processOutput.mid(lineStart, end - lineStart);
        lineStart = end + 1;
        static const QRegularExpression step(QStringLiteral("^\\[\\d+/\\d+\\] "));
        const QString text = QString::fromLocal8Bit(line);
        if (step.match(text).hasMatch() && !text.contains(QLatin1String(" Linking ")))
            compileMs = int(clock.elapsed());
    }
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
    if (const QString marker = markerPath(); !marker.isEmpty())
        QFile::remove(marker);
    output = QString::fromLocal8Bit(processOutput);
    processOutput.clear();
    if (ok) {
        firstError.clear();
        qCDebug(lcBuilder) << "build of" << target << "succeeded in" << msecs << "ms";
        setState(QHotBuilder::Idle);
        // The build may have changed which headers the objects include.
        scanDependencies();
    } else {
        firstError = QHotBuilder::firstErrorLine(output);
        if (firstError.isEmpty())
            firstError = whyFailed;
        if (output.isEmpty())
            output = whyFailed;
        qCDebug(lcBuilder) << "build of" << target << "failed:" << firstError;
        setState(QHotBuilder::Failed);
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
