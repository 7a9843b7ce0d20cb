// SPDX-License-Identifier: MIT
#include "livedemo.h"

#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

#include <cstdio>

LiveDemo::LiveDemo(LiveBuild build, QStringList liveFiles)
    : m_build(std::move(build)), m_liveFiles(std::move(liveFiles))
{
    m_clock.start();
}

LiveDemo::~LiveDemo()
{
    // After a failed step a copy may still hold an edit; the next build then
    // compiles the original again.
    for (const QString &name : std::as_const(m_liveFiles)) {
        const auto pristine = m_pristine.constFind(name);
        if (pristine == m_pristine.cend())
            continue;
        QFile file(m_build.liveFile(name));
        if (file.open(QIODevice::ReadOnly) && QString::fromUtf8(file.readAll()) == *pristine)
            continue;
        file.close();
        if (writeFile(m_build.liveFile(name), *pristine))
            say(QStringLiteral("restored %1 to the original").arg(m_build.liveFile(name)));
    }
}

void LiveDemo::say(const QString &text)
{
    QMutexLocker lock(&m_outputMutex);
    QTextStream out(stdout);
    const QString stamp = QStringLiteral("[%1 ms] ").arg(m_clock.elapsed(), 6);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (const QString &line : lines)
        out << stamp << line << Qt::endl; // endl flushes: ctest and the build show it as it happens
}

bool LiveDemo::fail(const QString &text)
{
    say(QStringLiteral("FAILED: ") + text);
    return false;
}

bool LiveDemo::readFile(const QString &fileName, QString *text)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString()));
    *text = QString::fromUtf8(file.readAll());
    return true;
}

bool LiveDemo::writeFile(const QString &fileName, const QString &text)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString()));
    return true;
}

bool LiveDemo::startFromPristine()
{
    for (const QString &name : std::as_const(m_liveFiles)) {
        QString pristine;
        QString live;
        if (!readFile(m_build.sourceFile(name), &pristine) || !readFile(m_build.liveFile(name), &live))
            return false;
        // A copy the build starts with a #line naming its original
        // (shared/livecopy.cmake) is pristine with that line.
        QString original = m_build.sourceFile(name);
        original.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
        const QString lineMarker = QStringLiteral("#line 1 \"%1\"\n").arg(original);
        if (live.startsWith(lineMarker))
            pristine.prepend(lineMarker);
        m_pristine.insert(name, pristine);
        if (live != pristine) {
            say(QStringLiteral("   the build's copy of %1 differs from the original: copying it again").arg(name));
            if (!writeFile(m_build.liveFile(name), pristine))
                return false;
        }
    }
    return true;
}

bool LiveDemo::edit(const QString &name, const QList<Replacement> &replacements)
{
    QString text;
    if (!readFile(m_build.liveFile(name), &text))
        return false;
    for (const Replacement &replacement : replacements) {
        // Exactly once, or the edit would not be the one the checks expect.
        if (text.count(replacement.before) != 1) {
            return fail(QStringLiteral("the demo's edit expects `%1` once in %2; was %3 changed?")
                                .arg(replacement.before, m_build.liveFile(name), m_build.sourceFile(name)));
        }
        text.replace(replacement.before, replacement.after);
    }
    return writeFile(m_build.liveFile(name), text);
}

bool LiveDemo::restoreAll()
{
    for (const QString &name : std::as_const(m_liveFiles)) {
        // A copy that is already the original is left alone: rewriting it
        // would make the build recompile what did not change.
        QFile live(m_build.liveFile(name));
        if (live.open(QIODevice::ReadOnly) && QString::fromUtf8(live.readAll()) == m_pristine.value(name))
            continue;
        live.close();
        if (!writeFile(m_build.liveFile(name), m_pristine.value(name)))
            return false;
    }
    return true;
}

LiveDemo::BuildResult LiveDemo::build()
{
    BuildResult result;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);

    // An event loop, not waitForFinished(): the library must see the new file
    // and reload while the build is still running.
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::errorOccurred, &loop, [&loop](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            loop.quit();
    });
    QTimer::singleShot(BuildTimeoutMs, &loop, &QEventLoop::quit);

    say(QStringLiteral("   $ ") + m_build.commandLine());
    result.startedAt = m_clock.elapsed();
    process.start(m_build.cmakeCommand, m_build.buildArguments());
    loop.exec();
    result.finishedAt = m_clock.elapsed();

    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
        result.output = QStringLiteral("the build took longer than %1 s").arg(BuildTimeoutMs / 1000);
        return result;
    }
    result.output = QString::fromLocal8Bit(process.readAll());
    if (process.error() == QProcess::FailedToStart) {
        result.output = QStringLiteral("cannot start %1: %2").arg(m_build.cmakeCommand, process.errorString());
        return result;
    }
    result.succeeded = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    say(QStringLiteral("   build %1 in %2 ms")
                .arg(result.succeeded ? QStringLiteral("succeeded") : QStringLiteral("failed"))
                .arg(result.finishedAt - result.startedAt));
    return result;
}

bool LiveDemo::buildOrFail(BuildResult *result)
{
    const BuildResult built = build();
    if (result)
        *result = built;
    if (!built.succeeded)
        return fail(QStringLiteral("the build failed:\n") + built.output);
    return true;
}

bool LiveDemo::waitUntil(const std::function<bool()> &done, int timeoutMs, const QString &what)
{
    if (done())
        return true;
    // What is waited for arrives as signals on this thread (or from a worker
    // thread through queued calls): look after each batch of events.
    QEventLoop loop;
    QTimer look;
    look.setInterval(5);
    QObject::connect(&look, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    look.start();
    loop.exec();
    if (done())
        return true;
    return fail(QStringLiteral("%1 did not happen within %2 s").arg(what).arg(timeoutMs / 1000));
}

QString LiveDemo::firstErrorLine(const QString &buildOutput)
{
    // GCC and Clang say "file:line:col: error: ...", MSVC "file(line): error C1234: ...".
    static const QRegularExpression error(QStringLiteral(R"(\berror( C\d+)?:)"));
    const QStringList lines = buildOutput.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (error.match(line).hasMatch())
            return line.trimmed();
    }
    return QString();
}
