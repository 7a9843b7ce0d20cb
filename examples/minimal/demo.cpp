// SPDX-License-Identifier: MIT
#include "demo.h"

#include "buildsetup.h"
#include "hotlogic.h"

#include <QHotLibrary>

#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

#include <cstdio>
#include <utility>

namespace {

// A compile and link of one file, generous for a loaded two-core machine.
constexpr int BuildTimeoutMs = 5 * 60 * 1000;
// From the end of a good build to reloaded(): normally a few milliseconds.
constexpr int ReloadTimeoutMs = 30 * 1000;

// The demo's edits are text replacements in logic.cpp, so what gets reloaded
// is what a user would have typed.
struct Replacement
{
    QString before;
    QString after;
};

const QString OriginalGreeting = QStringLiteral("Hello from logic.cpp");
const QString EditedGreeting = QStringLiteral("Hello from the edited logic.cpp");

QList<Replacement> goodEdit()
{
    return {
        { QStringLiteral("return \"") + OriginalGreeting + QStringLiteral("\";"),
          QStringLiteral("return \"") + EditedGreeting + QStringLiteral("\";") },
        { QStringLiteral("return counter + 1;"), QStringLiteral("return counter + 10;") },
    };
}

// Applied on top of goodEdit(): the compiler must refuse it.
QList<Replacement> brokenEdit()
{
    return { { QStringLiteral("return counter + 10;"), QStringLiteral("return counter + ;") } };
}

QString firstErrorLine(const QString &buildOutput)
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

class Demo
{
public:
    explicit Demo(QHotLibrary &library);
    ~Demo();

    bool run();

private:
    struct BuildResult
    {
        bool succeeded = false;
        qint64 startedAt = 0;
        qint64 finishedAt = 0;
        QString output;
    };

    void say(const QString &text);
    bool fail(const QString &text);

    bool readFile(const QString &fileName, QString *text);
    bool writeLiveSource(const QString &text);
    bool edited(QString text, const QList<Replacement> &replacements, QString *result);
    BuildResult build();
    bool loadedIsBuildOutput();
    bool rebuildAndWaitForReload();
    bool expectGreeting(const QString &expected);

    QHotLibrary &m_library;
    HotLogic m_logic;
    QTextStream m_out;
    QElapsedTimer m_clock;

    QString m_pristine; // logic.cpp as in the source tree: where the demo starts and ends
    bool m_havePristine = false;
    int m_counter = 0; // the app's own state, which no reload may touch

    int m_reloads = 0;
    qint64 m_lastReloadAt = 0;
    int m_failures = 0;
    QString m_lastFailure;

    QStringList m_figures; // one per rebuild that reloaded, for the summary
    QList<QMetaObject::Connection> m_connections; // the library outlives this object
};

Demo::Demo(QHotLibrary &library)
    : m_library(library), m_logic(library), m_out(stdout)
{
    m_connections << QObject::connect(&m_library, &QHotLibrary::reloaded, &m_library, [this] {
        ++m_reloads;
        m_lastReloadAt = m_clock.elapsed();
        say(QStringLiteral("   reloaded(): version %1 is live").arg(m_library.version()));
    });
    m_connections << QObject::connect(&m_library, &QHotLibrary::reloadFailed, &m_library,
                                      [this](const QString &reason) {
                                          ++m_failures;
                                          m_lastFailure = reason;
                                          say(QStringLiteral("   reloadFailed(): ") + reason);
                                      });
}

Demo::~Demo()
{
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        QObject::disconnect(connection);

    // After a failed step the copy may still hold an edit; the next build
    // (the next run starts with one) then compiles the original again.
    QString live;
    if (m_havePristine && (!readFile(BuildSetup::liveSourceFile(), &live) || live != m_pristine)
        && writeLiveSource(m_pristine)) {
        say(QStringLiteral("restored %1 to the original").arg(BuildSetup::liveSourceFile()));
    }
}

void Demo::say(const QString &text)
{
    const QString stamp = QStringLiteral("[%1 ms] ").arg(m_clock.elapsed(), 6);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (const QString &line : lines)
        m_out << stamp << line << Qt::endl; // endl flushes: the build shows it as it happens
}

bool Demo::fail(const QString &text)
{
    say(QStringLiteral("FAILED: ") + text);
    return false;
}

bool Demo::readFile(const QString &fileName, QString *text)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString()));
    *text = QString::fromUtf8(file.readAll());
    return true;
}

bool Demo::writeLiveSource(const QString &text)
{
    QSaveFile file(BuildSetup::liveSourceFile());
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit())
        return fail(QStringLiteral("cannot write %1: %2")
                            .arg(BuildSetup::liveSourceFile(), file.errorString()));
    return true;
}

bool Demo::edited(QString text, const QList<Replacement> &replacements, QString *result)
{
    for (const Replacement &replacement : replacements) {
        // Exactly once, or the edit would not be the one the checks expect.
        if (text.count(replacement.before) != 1) {
            return fail(QStringLiteral("the demo's edit expects the line `%1` once in %2; "
                                       "was examples/minimal/logic.cpp changed?")
                                .arg(replacement.before, BuildSetup::sourceFile()));
        }
        text.replace(replacement.before, replacement.after);
    }
    *result = text;
    return true;
}

Demo::BuildResult Demo::build()
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

    say(QStringLiteral("   $ ") + BuildSetup::buildCommandLine());
    result.startedAt = m_clock.elapsed();
    process.start(BuildSetup::cmakeCommand(), BuildSetup::buildArguments());
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
        result.output = QStringLiteral("cannot start %1: %2")
                                .arg(BuildSetup::cmakeCommand(), process.errorString());
        return result;
    }
    result.succeeded = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    say(QStringLiteral("   build %1 in %2 ms")
                .arg(result.succeeded ? QStringLiteral("succeeded") : QStringLiteral("failed"))
                .arg(result.finishedAt - result.startedAt));
    return result;
}

bool Demo::loadedIsBuildOutput()
{
    QFile built(m_library.fileName());
    QFile loaded(m_library.loadedFileName());
    return built.open(QIODevice::ReadOnly) && loaded.open(QIODevice::ReadOnly)
            && built.readAll() == loaded.readAll();
}

bool Demo::rebuildAndWaitForReload()
{
    const int versionBefore = m_library.version();
    const int reloadsBefore = m_reloads;
    const int failuresBefore = m_failures;
    const BuildResult result = build();
    if (!result.succeeded)
        return fail(QStringLiteral("the build failed:\n") + result.output);

    // The library often reloads before cmake has even exited. Done means the
    // loaded copy is, byte for byte, what the build left behind.
    while (m_failures == failuresBefore && !(m_reloads > reloadsBefore && loadedIsBuildOutput())) {
        const int reloads = m_reloads;
        QEventLoop loop;
        QObject::connect(&m_library, &QHotLibrary::reloaded, &loop, &QEventLoop::quit);
        QObject::connect(&m_library, &QHotLibrary::reloadFailed, &loop, &QEventLoop::quit);
        QTimer::singleShot(ReloadTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        if (m_reloads == reloads && m_failures == failuresBefore) {
            return fail(QStringLiteral("the build's library was not loaded within %1 s of the build")
                                .arg(ReloadTimeoutMs / 1000));
        }
    }
    if (m_failures != failuresBefore)
        return fail(QStringLiteral("the new library was refused: ") + m_lastFailure);
    if (m_library.version() != versionBefore + (m_reloads - reloadsBefore))
        return fail(QStringLiteral("version() does not count the reloads"));
    if (m_reloads - reloadsBefore > 1) {
        // One build should make one version: say so when it did not.
        say(QStringLiteral("   note: %1 reloads for one build (a version was taken before "
                           "the linker had finished the file)")
                    .arg(m_reloads - reloadsBefore));
    }

    const qint64 buildMs = result.finishedAt - result.startedAt;
    const qint64 afterBuild = m_lastReloadAt - result.finishedAt;
    const QString when = afterBuild >= 0
            ? QStringLiteral("%1 ms after cmake exited").arg(afterBuild)
            : QStringLiteral("%1 ms before cmake exited").arg(-afterBuild);
    say(QStringLiteral("   new code live %1 ms after the build started (%2)")
                .arg(m_lastReloadAt - result.startedAt)
                .arg(when));
    m_figures << QStringLiteral("build %1 ms, live %2").arg(buildMs).arg(when);
    return true;
}

bool Demo::expectGreeting(const QString &expected)
{
    const QString greeting = m_logic.greeting();
    say(QStringLiteral("   version %1: greeting() = \"%2\"").arg(m_library.version()).arg(greeting));
    if (greeting != expected)
        return fail(QStringLiteral("expected greeting() = \"%1\"").arg(expected));
    return true;
}

bool Demo::run()
{
    m_clock.start();
    say(QStringLiteral("minimal: the scripted QHotReload demo (no display, or --demo)"));
    say(QStringLiteral("   hot library: ") + m_library.fileName());
    say(QStringLiteral("   compiled from %1, a copy of %2")
                .arg(BuildSetup::liveSourceFile(), BuildSetup::sourceFile()));

    // 1. Start from the source tree's logic.cpp, whatever an earlier run left.
    say(QStringLiteral("1. Build minimal_logic from logic.cpp (usually up to date already)"));
    QString live;
    if (!readFile(BuildSetup::sourceFile(), &m_pristine))
        return false;
    m_havePristine = true;
    if (!readFile(BuildSetup::liveSourceFile(), &live))
        return false;
    if (live != m_pristine) {
        say(QStringLiteral("   the build's copy differs from logic.cpp: copying it again"));
        if (!writeLiveSource(m_pristine))
            return false;
    }
    const BuildResult first = build();
    if (!first.succeeded)
        return fail(QStringLiteral("the build failed:\n") + first.output);

    // 2. Load version 1.
    say(QStringLiteral("2. Load the library"));
    m_library.setRequiredSymbols(HotLogic::symbols());
    if (!m_library.load())
        return fail(m_library.errorString());
    if (m_library.version() != 1)
        return fail(QStringLiteral("version() is %1 after load(), expected 1").arg(m_library.version()));
    if (!expectGreeting(OriginalGreeting))
        return false;

    // 3. The app's state, advanced by the library's code.
    say(QStringLiteral("3. Advance the app's own counter with step() of version 1"));
    QStringList steps = { QString::number(m_counter) };
    for (int i = 0; i < 3; ++i) {
        m_counter = m_logic.step(m_counter);
        steps << QString::number(m_counter);
    }
    say(QStringLiteral("   counter: ") + steps.join(QStringLiteral(" -> ")));
    if (m_counter != 3)
        return fail(QStringLiteral("expected the counter at 3"));

    // 4.-5. A real edit, a real build, and the new code in the same process.
    say(QStringLiteral("4. Edit the build's copy of logic.cpp: a new greeting, and step() adds 10"));
    QString goodSource;
    if (!edited(m_pristine, goodEdit(), &goodSource) || !writeLiveSource(goodSource))
        return false;
    say(QStringLiteral("5. Rebuild; the running app picks the new library up"));
    if (!rebuildAndWaitForReload() || !expectGreeting(EditedGreeting))
        return false;
    say(QStringLiteral("   counter kept across the reload: %1").arg(m_counter));
    if (m_counter != 3)
        return fail(QStringLiteral("the counter changed in the reload"));
    const int afterEdit = m_logic.step(m_counter);
    say(QStringLiteral("   step(%1) = %2 with the new code").arg(m_counter).arg(afterEdit));
    if (afterEdit != 13)
        return fail(QStringLiteral("expected step(3) = 13 from the edited step()"));
    m_counter = afterEdit;

    // 6. An edit that does not compile: the build says why, the app carries on.
    say(QStringLiteral("6. Break it: a syntax error in step()"));
    QString brokenSource;
    if (!edited(goodSource, brokenEdit(), &brokenSource) || !writeLiveSource(brokenSource))
        return false;
    const int reloadsBefore = m_reloads;
    const int versionBefore = m_library.version();
    const BuildResult broken = build();
    if (broken.succeeded)
        return fail(QStringLiteral("the broken edit built"));
    const QString error = firstErrorLine(broken.output);
    if (error.isEmpty())
        return fail(QStringLiteral("the build failed without a compiler error:\n") + broken.output);
    say(QStringLiteral("   compiler: ") + error);
    if (m_reloads != reloadsBefore || m_library.version() != versionBefore)
        return fail(QStringLiteral("a failed build changed the loaded library"));
    if (!expectGreeting(EditedGreeting))
        return false;
    const int stillRunning = m_logic.step(m_counter);
    say(QStringLiteral("   the old code still answers: step(%1) = %2").arg(m_counter).arg(stillRunning));
    if (stillRunning != m_counter + 10)
        return fail(QStringLiteral("expected the edited step() to answer"));
    m_counter = stillRunning;

    // 7. Back to the start, so the next run begins where this one did.
    say(QStringLiteral("7. Put the original logic.cpp back and rebuild"));
    if (!writeLiveSource(m_pristine) || !rebuildAndWaitForReload() || !expectGreeting(OriginalGreeting))
        return false;
    say(QStringLiteral("   counter kept across the reload: %1; step(%1) = %2 again")
                .arg(m_counter)
                .arg(m_logic.step(m_counter)));
    if (m_logic.step(m_counter) != m_counter + 1)
        return fail(QStringLiteral("expected the original step()"));

    say(QStringLiteral("PASSED: 2 edits live without a restart (%1), 1 broken edit refused while "
                       "the old code kept answering, the app's counter kept throughout (%2); "
                       "logic.cpp is back to the original")
                .arg(m_figures.join(QStringLiteral("; ")))
                .arg(m_counter));
    return true;
}

} // namespace

int runScriptedDemo(QHotLibrary &library)
{
    Demo demo(library);
    return demo.run() ? 0 : 1;
}
