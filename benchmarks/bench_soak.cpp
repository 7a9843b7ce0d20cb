// SPDX-License-Identifier: MIT
// Soak: a thousand reloads of one hot library, and what they leave behind.
//
// The library (fixture/soak.cpp) has inline function-local statics, a Q_OBJECT
// class adopted by the version root, a lambda connected to a timer of this
// application, and state hooks carrying a counter. Its two builds (version 1
// and 2) are renamed over the watched file in turn; each reload is waited for
// with the event loop. After each one, calls through the QHOT_MODULE callables
// check that the new code is live, the state came through (counter,
// generation, ticks), the statics are the new version's own, the new lambda
// runs, and exactly one ticker is alive.
//
// Figures:
//   extra_mappings  lines of /proc/self/maps naming a file in a QHotReload
//                   private directory that is neither the live copy nor a
//                   retired one (a swapped-out copy kept mapped, its file
//                   deleted): the most seen after any reload, at the end, and
//                   once the QHotLibrary is destroyed.
//   retired_mappings  retired copies still mapped at the end (distinct files)
//   retired_disk_kb   what their files take (deleted, but kept while mapped);
//                   the goal is to stay within the library's retiredBudget.
//   rss_growth_kb   VmRSS at the end minus VmRSS after the warm-up reloads.
//   temp_files_left files in the private directory other than the live copy
//                   and the directory's lock file at the end, plus what is
//                   left of the directory once the QHotLibrary is destroyed.
//
// Usage: bench_soak [--reloads N] [--warmup W] [--gap-ms M]
// Last line: RESULT soak reloads=<n> extra_mappings=<m> rss_growth_kb=<k> temp_files_left=<t>
//            retired_mappings=<r> retired_disk_kb=<d>

#include "benchutil.h"
#include "fixture/soak.h"

#include <QHotReload/QHotModule>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>

#include <exception>
#include <map>
#include <set>

#include <sys/stat.h>

namespace soakbench {

// The module reads its library's path during static initialization, so the
// directory is made then too; the file is put there before the first call.
inline const QTemporaryDir &workDir()
{
    static const QTemporaryDir dir;
    return dir;
}

inline QString watchedPath()
{
    return workDir().filePath(QStringLiteral("watched/libbench_soak.so"));
}

inline const char *watchedPathForModule()
{
    static const QByteArray path = QFile::encodeName(watchedPath());
    return path.constData();
}

} // namespace soakbench

QHOT_MODULE_SCOPED(hot_soak, soakbench::watchedPathForModule(), soak, version, attach, bump, counter, generation,
                   ticks, callsThisVersion);

namespace {

using bench::out;

// Generous: the machine this runs on is a loaded 2-core box.
constexpr int WaitTimeoutMs = 10000;

struct Version
{
    QByteArray bytes;
    int number = 0;
};

// Lines of /proc/self/maps naming a file in a private directory of QHotReload.
struct Mappings
{
    int lines = 0;             // all of them
    int extraLines = 0;        // those naming neither the live copy nor a retired one
    QStringList extraFiles;    // the files of the extra lines
    int retiredFiles = 0;      // retired copies: deleted files still mapped
    qint64 retiredBytes = 0;   // their sizes
};

Mappings privateMappings(const QString &liveCopy)
{
    Mappings result;
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly | QIODevice::Text))
        return result;
    // The private directories are <temp>/qhotreload-<pid>-XXXXXX.
    const QByteArray marker = QFile::encodeName(QDir::tempPath() + QStringLiteral("/qhotreload-"));
    const QByteArray live = QFile::encodeName(liveCopy);
    std::set<QByteArray> files;
    std::map<QByteArray, qint64> retired;
    for (const QByteArray &line : maps.readAll().split('\n')) {
        const qsizetype at = line.indexOf(marker);
        if (at < 0)
            continue;
        ++result.lines;
        QByteArray file = line.mid(at);
        // A deleted file shows as "<path> (deleted)".
        const bool deleted = file.endsWith(" (deleted)");
        if (deleted)
            file.chop(10);
        if (!live.isEmpty() && file == live && !deleted)
            continue;
        if (deleted) {
            // Retired. Its size: the deleted file is still reachable through
            // the mapping's entry in map_files.
            // Looked up once per file: a copy's size does not change.
            static std::map<QByteArray, qint64> sizes;
            auto known = sizes.find(file);
            if (known == sizes.end()) {
                struct stat info;
                const QByteArray range = line.left(line.indexOf(' '));
                const QByteArray entry = QByteArray("/proc/self/map_files/") + range;
                known = sizes.emplace(file, ::stat(entry.constData(), &info) == 0 ? info.st_size : 0).first;
            }
            retired[file] = known->second;
            continue;
        }
        ++result.extraLines;
        files.insert(line.mid(at));
    }
    for (const QByteArray &file : files)
        result.extraFiles << QFile::decodeName(file);
    result.retiredFiles = int(retired.size());
    for (const auto &entry : retired)
        result.retiredBytes += entry.second;
    return result;
}

// Resident set size in kB, -1 where /proc cannot be read.
qint64 rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Entries of the private directory other than the live copy and the lock file.
QStringList strayFiles(const QString &dir, const QString &liveCopy)
{
    QStringList stray;
    const QFileInfoList entries =
            QDir(dir).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo &entry : entries) {
        if (entry.absoluteFilePath() == QFileInfo(liveCopy).absoluteFilePath()
            || entry.fileName() == QLatin1String(".lock"))
            continue;
        stray << entry.fileName();
    }
    return stray;
}

// What QHotReload warned about during the run (e.g. a version kept mapped).
QStringList g_warnings;
int g_warningCount = 0;
QtMessageHandler g_previousHandler = nullptr;

void collectWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type >= QtWarningMsg && context.category && qstrncmp(context.category, "qhotreload", 10) == 0) {
        ++g_warningCount;
        if (g_warnings.size() < 5 && !g_warnings.contains(message))
            g_warnings << message;
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

class Soak
{
public:
    Soak(const Version &a, const Version &b, int gapMs) : m_a(a), m_b(b), m_gapMs(gapMs) {}

    bool run(int reloads, int warmup)
    {
        const QString watched = soakbench::watchedPath();
        const QString staged = soakbench::workDir().filePath(QStringLiteral("staging/libbench_soak.so"));
        // Staged beside the watched directory: only the rename happens where the library looks.
        if (!QDir().mkpath(QFileInfo(watched).absolutePath()) || !QDir().mkpath(QFileInfo(staged).absolutePath())
            || !bench::writeFile(watched, m_a.bytes)) {
            return fail(QStringLiteral("cannot set up ") + soakbench::workDir().path());
        }
        if (!hot_soak::hotModule().load())
            return fail(QStringLiteral("first load: ") + hot_soak::hotModule().errorString());
        QHotLibrary *library = hot_soak::hotModule().library();

        QObject::connect(library, &QHotLibrary::reloaded, library, [this] {
            if (!m_waiting) {
                fail(QStringLiteral("reloaded() while no new file was put in place"));
                return;
            }
            m_reloaded = true;
            m_loop.quit();
        });
        QObject::connect(library, &QHotLibrary::reloadFailed, library, [this](const QString &reason) {
            fail(QStringLiteral("reloadFailed: ") + reason);
            m_loop.quit();
        });
        QObject::connect(library, &QHotLibrary::stateRestoreFailed, library,
                         [this](const QString &reason) { fail(QStringLiteral("stateRestoreFailed: ") + reason); });

        m_hostTimer.setInterval(1);
        m_hostTimer.start();
        if (!checkVersion(m_a, 0))
            return false;
        m_privateDir = QFileInfo(library->loadedFileName()).absolutePath();

        QElapsedTimer clock;
        clock.start();
        const Version *live = &m_a;
        for (int i = 1; i <= reloads; ++i) {
            const Version &next = live == &m_a ? m_b : m_a;
            if (!bench::writeFile(staged, next.bytes))
                return fail(QStringLiteral("cannot stage ") + staged);
            m_reloaded = false;
            m_waiting = true;
            if (!bench::renameOver(staged, watched)) {
                m_waiting = false;
                return fail(QStringLiteral("cannot rename %1 over %2").arg(staged, watched));
            }
            if (!m_reloaded) {
                QTimer timeout;
                timeout.setSingleShot(true);
                QObject::connect(&timeout, &QTimer::timeout, &m_loop, &QEventLoop::quit);
                timeout.start(WaitTimeoutMs);
                m_loop.exec();
            }
            m_waiting = false;
            if (!m_reloaded) {
                return fail(QStringLiteral("reload %1: no reloaded() within %2 ms (version %3)")
                                    .arg(i).arg(WaitTimeoutMs).arg(library->version()));
            }
            live = &next;
            if (!checkVersion(next, i))
                return false;

            const Mappings maps = privateMappings(library->loadedFileName());
            if (maps.extraLines > m_midRunExtra) {
                m_midRunExtra = maps.extraLines;
                m_midRunExtraAt = i;
                m_midRunExtraFiles = maps.extraFiles;
            }
            if (maps.lines == maps.extraLines)
                return fail(QStringLiteral("reload %1: the live copy %2 is not in /proc/self/maps")
                                    .arg(i).arg(library->loadedFileName()));
            if (i == warmup)
                m_rssAfterWarmup = rssKb();
            if (i == reloads / 2)
                m_rssMid = rssKb();
            if (m_problems > 0)
                return false;
            pause(m_gapMs);
        }
        m_elapsedMs = clock.elapsed();
        if (warmup == 0)
            m_rssAfterWarmup = m_rssFirst;
        m_rssEnd = rssKb();

        const QString liveCopy = library->loadedFileName();
        const Mappings atEnd = privateMappings(liveCopy);
        m_endExtra = atEnd.extraLines;
        m_endExtraFiles = atEnd.extraFiles;
        m_retiredAtEnd = atEnd.retiredFiles;
        m_retiredBytesAtEnd = atEnd.retiredBytes;
        m_budget = library->retiredBudget();
        m_strayAtEnd = strayFiles(m_privateDir, liveCopy);

        // Destroying the library unloads the live version and removes the directory.
        delete library;
        const Mappings afterDestroy = privateMappings(QString());
        m_destroyedExtra = afterDestroy.extraLines;
        m_destroyedExtraFiles = afterDestroy.extraFiles;
        m_dirGone = !QFileInfo::exists(m_privateDir);
        if (!m_dirGone) {
            m_leftAfterDestroy = QDir(m_privateDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System
                                                                | QDir::NoDotAndDotDot);
        }
        return m_problems == 0;
    }

    void print(int reloads, int warmup) const
    {
        auto &o = out();
        o << "soak: " << m_done << " of " << reloads << " reloads (rename-over, versions 1 and 2 in turn) in "
          << bench::fixed(double(m_elapsedMs) / 1000.0, 1) << " s; after each one the new code, the state "
          << "(counter " << m_lastCounter << ", generation " << m_lastGeneration << ", ticks " << m_lastTicks
          << "), fresh statics, the new lambda and one live ticker were checked\n";
        o << "    mappings of private copies beyond the live one: " << m_midRunExtra << " lines at most after a reload";
        if (m_midRunExtra > 0)
            o << " (first at reload " << m_midRunExtraAt << ')';
        o << ", " << m_endExtra << " at the end, " << m_destroyedExtra << " once the QHotLibrary is destroyed\n";
        o << "    retired copies (swapped out, file deleted, still mapped) at the end: " << m_retiredAtEnd << ", "
          << m_retiredBytesAtEnd / 1024 << " kB of files, budget " << m_budget / 1024 << " kB\n";
        for (const QStringList *files : {&m_midRunExtraFiles, &m_endExtraFiles, &m_destroyedExtraFiles}) {
            for (qsizetype i = 0; i < qMin<qsizetype>(files->size(), 3); ++i)
                o << "      still mapped: " << files->at(i) << '\n';
            if (files->size() > 3)
                o << "      ... and " << files->size() - 3 << " more files\n";
        }
        o << "    VmRSS: " << m_rssFirst << " kB after the first load, " << m_rssAfterWarmup << " kB after "
          << warmup << " warm-up reloads, " << m_rssMid << " kB halfway, " << m_rssEnd << " kB at the end\n";
        o << "    private directory: " << m_strayAtEnd.size() << " file(s) besides the live copy and its lock at the end";
        if (!m_strayAtEnd.isEmpty())
            o << " (" << m_strayAtEnd.mid(0, 5).join(QStringLiteral(", ")) << ')';
        o << "; after the QHotLibrary is destroyed it is " << (m_dirGone ? "gone" : "STILL THERE");
        if (!m_leftAfterDestroy.isEmpty())
            o << " with " << m_leftAfterDestroy.join(QStringLiteral(", "));
        o << '\n';
        o << "    QHotReload warnings: " << g_warningCount << '\n';
        for (const QString &w : g_warnings)
            o << "      " << w << '\n';
        for (const QString &m : m_messages)
            o << "    ! " << m << '\n';
        o.flush();
    }

    int extraMappings() const { return qMax(m_midRunExtra, qMax(m_endExtra, m_destroyedExtra)); }
    qint64 rssGrowthKb() const { return m_rssEnd - m_rssAfterWarmup; }
    int tempFilesLeft() const
    {
        return int(m_strayAtEnd.size()) + (m_dirGone ? 0 : qMax<int>(1, int(m_leftAfterDestroy.size())));
    }
    int done() const { return m_done; }
    int retiredMappings() const { return m_retiredAtEnd; }
    qint64 retiredDiskKb() const { return m_retiredBytesAtEnd / 1024; }
    bool retiredWithinBudget() const { return m_retiredBytesAtEnd <= m_budget; }

private:
    bool fail(const QString &message)
    {
        ++m_problems;
        if (m_messages.size() < 5)
            m_messages << message;
        return false;
    }

    // Between rebuilds, as an edit-build cycle has. Part of the scenario,
    // not a way to wait for anything.
    void pause(int msecs)
    {
        if (msecs <= 0)
            return;
        QEventLoop loop;
        QTimer::singleShot(msecs, &loop, &QEventLoop::quit);
        loop.exec();
    }

    // After the first load (swap 0) or swap \a swap: calls through the
    // module check the new version, its state and its objects.
    bool checkVersion(const Version &expected, int swap)
    {
        try {
            if (const int got = hot_soak::version(); got != expected.number)
                return fail(QStringLiteral("reload %1: version %2 is live, expected %3").arg(swap).arg(got).arg(expected.number));
            if (const int got = hot_soak::generation(); got != swap)
                return fail(QStringLiteral("reload %1: generation %2, expected %1 (state lost)").arg(swap).arg(got));
            const int ticksBefore = hot_soak::ticks();
            if (ticksBefore < m_lastTicks)
                return fail(QStringLiteral("reload %1: ticks went from %2 to %3 (state lost)").arg(swap).arg(m_lastTicks).arg(ticksBefore));
            hot_soak::attach(&m_hostTimer);
            // The new version's lambda must run: wait for its next tick.
            const QDeadlineTimer deadline(WaitTimeoutMs);
            while (hot_soak::ticks() == ticksBefore && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            m_lastTicks = hot_soak::ticks();
            if (m_lastTicks == ticksBefore)
                return fail(QStringLiteral("reload %1: the new version's lambda did not run within %2 ms").arg(swap).arg(WaitTimeoutMs));
            m_lastCounter = hot_soak::bump();
            if (m_lastCounter != swap + 1)
                return fail(QStringLiteral("reload %1: counter %2, expected %3 (state lost)").arg(swap).arg(m_lastCounter).arg(swap + 1));
            if (const int calls = hot_soak::callsThisVersion(); calls != 1)
                return fail(QStringLiteral("reload %1: the inline static counts %2 calls in a fresh version, expected 1 "
                                           "(statics shared with an earlier version)").arg(swap).arg(calls));
            const int alive = QCoreApplication::instance()->property("soakTickersAlive").toInt();
            if (alive != 1)
                return fail(QStringLiteral("reload %1: %2 tickers alive, expected 1").arg(swap).arg(alive));
            m_lastGeneration = swap;
        } catch (const std::exception &e) {
            return fail(QStringLiteral("reload %1: %2").arg(swap).arg(QString::fromUtf8(e.what())));
        }
        if (swap == 0)
            m_rssFirst = rssKb();
        m_done = swap;
        return true;
    }

    const Version &m_a;
    const Version &m_b;
    int m_gapMs;
    QTimer m_hostTimer;
    QEventLoop m_loop;
    bool m_waiting = false;
    bool m_reloaded = false;
    QString m_privateDir;
    int m_done = 0;
    int m_lastCounter = 0;
    int m_lastGeneration = 0;
    int m_lastTicks = 0;
    qint64 m_elapsedMs = 0;
    qint64 m_rssFirst = -1;
    qint64 m_rssAfterWarmup = -1;
    qint64 m_rssMid = -1;
    qint64 m_rssEnd = -1;
    int m_midRunExtra = 0;
    int m_midRunExtraAt = 0;
    QStringList m_midRunExtraFiles;
    int m_endExtra = 0;
    QStringList m_endExtraFiles;
    int m_destroyedExtra = 0;
    QStringList m_destroyedExtraFiles;
    int m_retiredAtEnd = 0;
    qint64 m_retiredBytesAtEnd = 0;
    qint64 m_budget = 0;
    QStringList m_strayAtEnd;
    bool m_dirGone = false;
    QStringList m_leftAfterDestroy;
    int m_problems = 0;
    QStringList m_messages;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_soak"));
    g_previousHandler = qInstallMessageHandler(collectWarnings);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Reloads a hot library with statics, Qt objects and state many times and measures what stays behind."));
    parser.addHelpOption();
    const QCommandLineOption reloadsOption(QStringLiteral("reloads"), QStringLiteral("Reloads (default 1000)."),
                                           QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption warmupOption(QStringLiteral("warmup"),
                                          QStringLiteral("Reloads before the RSS baseline (default 20, at most N/2)."),
                                          QStringLiteral("W"), QStringLiteral("20"));
    const QCommandLineOption gapOption(QStringLiteral("gap-ms"),
                                       QStringLiteral("Event-loop time between rebuilds (default 0)."),
                                       QStringLiteral("M"), QStringLiteral("0"));
    parser.addOptions({reloadsOption, warmupOption, gapOption});
    parser.process(app);

    bool ok1 = false, ok2 = false, ok3 = false;
    const int reloads = parser.value(reloadsOption).toInt(&ok1);
    int warmup = parser.value(warmupOption).toInt(&ok2);
    const int gapMs = parser.value(gapOption).toInt(&ok3);
    if (!ok1 || !ok2 || !ok3 || reloads < 1 || warmup < 0 || gapMs < 0) {
        out() << "--reloads needs a positive number, --warmup and --gap-ms numbers >= 0\n";
        return 2;
    }
    // The baseline must leave reloads to measure.
    warmup = qMin(warmup, reloads / 2);

    const Version a{bench::readAll(QStringLiteral(BENCH_SOAK_A_FILE)), 1};
    const Version b{bench::readAll(QStringLiteral(BENCH_SOAK_B_FILE)), 2};
    if (a.bytes.isEmpty() || b.bytes.isEmpty()) {
        out() << "cannot read the fixture libraries\n";
        return 2;
    }
    if (!soakbench::workDir().isValid()) {
        out() << "cannot create a temporary directory: " << soakbench::workDir().errorString() << '\n';
        return 2;
    }

    Soak soak(a, b, gapMs);
    const bool passed = soak.run(reloads, warmup) && soak.done() == reloads;
    soak.print(reloads, warmup);
    const int extra = soak.extraMappings();
    const qint64 growth = soak.rssGrowthKb();
    const int left = soak.tempFilesLeft();
    if (passed) {
        const bool goal = extra == 0 && growth < 5120 && left == 0 && soak.retiredWithinBudget();
        out() << (goal ? "    goal met" : "    goal MISSED")
              << ": extra_mappings=0, rss_growth_kb < 5120, temp_files_left=0, retired copies within the budget\n";
    } else {
        out() << "BENCHMARK FAILED: a reload failed, timed out, lost state or left the wrong objects alive\n";
    }
    out() << "RESULT soak reloads=" << soak.done() << " extra_mappings=" << extra << " rss_growth_kb=" << growth
          << " temp_files_left=" << left << " retired_mappings=" << soak.retiredMappings()
          << " retired_disk_kb=" << soak.retiredDiskKb() << '\n';
    out().flush();
    return passed ? 0 : 1;
}
