// SPDX-License-Identifier: MIT
#include "qhotbuilder.h"

#include "qhotlibrary.h"

#include "linkedlibraries_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QFileSystemWatcher>
#include <QtCore/QHash>
#include <QtCore/QLoggingCategory>
#include <QtCore/QMetaMethod>
#include <QtCore/QMetaProperty>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <atomic>

#if defined(Q_OS_UNIX)
#  include <csignal>
#  include <sys/types.h>
#  include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcBuilder, "qhotreload.builder", QtWarningMsg)

namespace {

// Each watched file costs a watch (an inotify watch, a descriptor on some
// systems): a library including thousands of project headers gets the first
// ones watched, not an exhausted watcher.
constexpr int MaxDependencies = 2000;
// Object files named per `ninja -t deps` call, so a long list never meets the
// command line's length limit.
constexpr int NinjaBatch = 200;

bool isUnder(const QString &path, const QString &dir)
{
    return !dir.isEmpty()
        && (path == dir || path.startsWith(dir.endsWith(QLatin1Char('/')) ? dir : dir + QLatin1Char('/')));
}

// What a dependency scan needs, copied so the worker thread shares nothing.
struct DependencyQuery
{
    QString buildDir;
    QString target;
    QString config;
    QStringList sources;
};

struct DependencyAnswer
{
    QStringList files;
    QString whyNone; // set when the build tree told nothing
};

QHash<QString, QString> readCMakeCache(const QString &buildDir)
{
    QHash<QString, QString> values;
    QFile cache(QDir(buildDir).filePath(QStringLiteral("CMakeCache.txt")));
    if (!cache.open(QIODevice::ReadOnly | QIODevice::Text))
        return values;
    const QStringList wanted{QStringLiteral("CMAKE_GENERATOR"), QStringLiteral("CMAKE_MAKE_PROGRAM"),
                             QStringLiteral("CMAKE_HOME_DIRECTORY")};
    while (!cache.atEnd()) {
        const QString line = QString::fromUtf8(cache.readLine()).trimmed();
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (colon <= 0 || equals < colon)
            continue;
        const QString key = line.left(colon);
        if (wanted.contains(key))
            values.insert(key, line.mid(equals + 1));
    }
    return values;
}

// The target's object directories (CMakeFiles/<target>.dir), as both
// generators list them in CMakeFiles/TargetDirectories.txt.
QStringList targetDirectories(const QString &buildDir, const QString &target)
{
    QStringList dirs;
    QFile list(QDir(buildDir).filePath(QStringLiteral("CMakeFiles/TargetDirectories.txt")));
    if (!list.open(QIODevice::ReadOnly | QIODevice::Text))
        return dirs;
    const QString suffix = QStringLiteral("/CMakeFiles/") + target + QStringLiteral(".dir");
    while (!list.atEnd()) {
        const QString line = QDir::fromNativeSeparators(QString::fromUtf8(list.readLine()).trimmed());
        if (line.endsWith(suffix))
            dirs.append(line);
    }
    return dirs;
}

// The files under \a dir whose names end in one of \a suffixes.
QStringList filesEndingIn(const QString &dir, const QStringList &suffixes)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        for (const QString &suffix : suffixes) {
            if (file.endsWith(suffix)) {
                files.append(file);
                break;
            }
        }
    }
    return files;
}

// `ninja -t deps <objects>`: each record is "<output>: #deps N, …" followed
// by one indented dependency per line, relative to the build directory.
QString ninjaDependencies(const QString &ninja, const QString &buildDir, const QString &buildFile,
                          const QStringList &objects, const std::atomic_bool &cancelled,
                          QStringList *files)
{
    const QDir build(buildDir);
    for (qsizetype first = 0; first < objects.size(); first += NinjaBatch) {
        QStringList arguments{QStringLiteral("-C"), buildDir};
        if (!buildFile.isEmpty())
            arguments << QStringLiteral("-f") << buildFile;
        arguments << QStringLiteral("-t") << QStringLiteral("deps");
        for (const QString &object : objects.mid(first, NinjaBatch))
            arguments << build.relativeFilePath(object);
        QProcess process;
        process.start(ninja, arguments);
        if (!process.waitForStarted())
            return QStringLiteral("cannot run %1: %2").arg(ninja, process.errorString());
        // Short waits so a builder destroyed meanwhile is not held up.
        while (!process.waitForFinished(100) && process.state() != QProcess::NotRunning) {
            if (cancelled) {
                process.kill();
                process.waitForFinished();
                return QStringLiteral("cancelled");
            }
        }
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            return QStringLiteral("%1 -t deps failed: %2")
                    .arg(ninja, QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
        }
        const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
        for (const QByteArray &line : lines) {
            if (line.startsWith("    "))
                files->append(QDir::cleanPath(build.absoluteFilePath(QString::fromUtf8(line.trimmed()))));
        }
    }
    return {};
}

// A gcc/clang depfile (make syntax: "out: in1 in2", lines continued with a
// backslash, spaces escaped), relative names against \a workingDir (where the
// compiler ran).
void depfileDependencies(const QString &path, const QDir &workingDir, QStringList *files)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QString text = QString::fromUtf8(file.readAll());
    QString word;
    bool afterColon = false;
    auto flush = [&] {
        if (!word.isEmpty() && afterColon)
            files->append(QDir::cleanPath(workingDir.absoluteFilePath(word)));
        word.clear();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\\') && i + 1 < text.size()) {
            const QChar next = text.at(i + 1);
            if (next == QLatin1Char(' ') || next == QLatin1Char('#') || next == QLatin1Char('\\')) {
                word += next;
                ++i;
                continue;
            }
            if (next == QLatin1Char('\n') || next == QLatin1Char('\r')) { // a continued line
                flush();
                i += (next == QLatin1Char('\r') && i + 2 < text.size()
                      && text.at(i + 2) == QLatin1Char('\n')) ? 2 : 1;
                continue;
            }
        }
        if (c == QLatin1Char('$') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('$')) {
            word += c;
            ++i;
        } else if (c == QLatin1Char(':') && !afterColon
                   && (i + 1 >= text.size() || text.at(i + 1).isSpace())) {
            word.clear(); // the output's name
            afterColon = true;
        } else if (c == QLatin1Char('\n')) {
            flush();
            afterColon = false; // a new rule (phony targets of -MP)
        } else if (c.isSpace()) {
            flush();
        } else {
            word += c;
        }
    }
    flush();
}

// Runs on a worker thread: which project files the target's objects depend on,
// as the build system recorded them at their last compile.
DependencyAnswer scanDependencies(const DependencyQuery &query, const std::atomic_bool &cancelled)
{
    DependencyAnswer answer;
    const QHash<QString, QString> cache = readCMakeCache(query.buildDir);
    const QString generator = cache.value(QStringLiteral("CMAKE_GENERATOR"));
    const QString sourceDir = QDir::cleanPath(cache.value(QStringLiteral("CMAKE_HOME_DIRECTORY")));
    if (generator.isEmpty() || sourceDir.isEmpty() || sourceDir == QLatin1String(".")) {
        answer.whyNone = QStringLiteral("%1 has no CMakeCache.txt naming its generator and source directory")
                                 .arg(query.buildDir);
        return answer;
    }
    const QStringList dirs = targetDirectories(query.buildDir, query.target);
    if (dirs.isEmpty()) {
        answer.whyNone = QStringLiteral("CMakeFiles/TargetDirectories.txt in %1 does not list %2")
                                 .arg(query.buildDir, query.target);
        return answer;
    }

    QStringList found;
    if (generator.startsWith(QLatin1String("Ninja"))) {
        QStringList objects;
        for (const QString &dir : dirs)
            objects += filesEndingIn(dir, {QStringLiteral(".o"), QStringLiteral(".obj")});
        if (objects.isEmpty()) {
            answer.whyNone = QStringLiteral("%1 has no object files yet").arg(query.target);
            return answer;
        }
        QString ninja = cache.value(QStringLiteral("CMAKE_MAKE_PROGRAM"));
        if (ninja.isEmpty())
            ninja = QStringLiteral("ninja");
        // Ninja Multi-Config writes one build file per configuration.
        QString buildFile;
        if (!query.config.isEmpty()) {
            const QString perConfig = QStringLiteral("build-%1.ninja").arg(query.config);
            if (QFileInfo::exists(QDir(query.buildDir).filePath(perConfig)))
                buildFile = perConfig;
        }
        answer.whyNone = ninjaDependencies(ninja, query.buildDir, buildFile, objects, cancelled, &found);
        if (!answer.whyNone.isEmpty())
            return answer;
    } else if (generator.contains(QLatin1String("Makefiles"))) {
        // The compiler's depfiles stay next to the objects; the compiler ran in
        // the directory holding CMakeFiles/.
        for (const QString &dir : dirs) {
            const QDir workingDir(QFileInfo(QFileInfo(dir).absolutePath()).absolutePath());
            const QStringList depfiles =
                    filesEndingIn(dir, {QStringLiteral(".o.d"), QStringLiteral(".obj.d")});
            for (const QString &depfile : depfiles) {
                if (cancelled)
                    return answer;
                depfileDependencies(depfile, workingDir, &found);
            }
        }
        if (found.isEmpty()) {
            answer.whyNone = QStringLiteral("%1 has no compiler depfiles (*.o.d) yet").arg(query.target);
            return answer;
        }
    } else {
        answer.whyNone = QStringLiteral("dependencies of the %1 generator are not read").arg(generator);
        return answer;
    }

    const QString buildDir = QDir::cleanPath(QDir(query.buildDir).absolutePath());
    QSet<QString> seen(query.sources.cbegin(), query.sources.cend());
    for (const QString &file : std::as_const(found)) {
        // Only what the project's own people edit: not system or Qt headers,
        // not files the build generates (even in a build tree inside the sources).
        if (!isUnder(file, sourceDir) || isUnder(file, buildDir) || seen.contains(file))
            continue;
        seen.insert(file);
        if (!QFileInfo(file).isFile())
            continue;
        if (answer.files.size() >= MaxDependencies) {
            qCDebug(lcBuilder) << query.target << "depends on more than" << MaxDependencies
                               << "project files; the rest are not watched";
            break;
        }
        answer.files.append(file);
    }
    return answer;
}

} // namespace

class QHotBuilderPrivate
{
public:
    explicit QHotBuilderPrivate(QHotBuilder *q);

    bool nothingToBuild() const;
    void rewatch();
    void updateWatches();
    void rearm(const QString &path);
    void scanDependencies();
    void takeDependencies(int generation, const DependencyAnswer &answer);
    void forgetDependencies();
    void stopScan();
    QByteArray digest(const QString &path) const;
    void checkSources();
    void startBuild();
    void finishBuild(bool ok, const QString &whyNotRun);
    void stopProcess();
    void setState(QHotBuilder::State s);
    void setPending(bool p);
    QString markerPath() const;
    void checkOutOfDate();

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
    // Project headers the objects included at their last build (not in sources).
    QStringList dependencies;
    int delay = 50;
    QString firstError;
    QString output;
    int buildCount = 0;

    QFileSystemWatcher watcher;
    // Content per source as last seen: a save that leaves the bytes as they
    // were (or a touch, or an editor's backup file in the same directory)
    // starts no build, and mtime granularity cannot hide a quick second save.
    // Every watched file (sources and dependencies) is a key.
    QHash<QString, QByteArray> digests;
    // Files a notification named since the last check: only they are hashed
    // again, so hundreds of watched headers cost nothing per save.
    QSet<QString> dirty;
    QTimer settle;
    // The dependency scan runs on a thread of its own: it may run ninja and
    // read hundreds of depfiles.
    QThread *scan = nullptr;
    std::atomic_bool scanCancelled{false};
    bool rescan = false;
    // Which scan's answer is awaited: one from a scan stopped since is stale.
    int scanGeneration = 0;
    QProcess *process = nullptr;
    QByteArray processOutput;
    QElapsedTimer clock;
    // Started at the first change seen since the last build started: the
    // save the next build answers. sinceSave is that of the running build.
    QElapsedTimer nextSave;
    QElapsedTimer sinceSave;
    QString libraryFile;
    // Whether the library may still be found out of date: from enabling until
    // a build starts.
    bool checkPending = false;
    // The next build answers no save (it was found out of date).
    bool noSave = false;
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
        dirty.insert(path);
        if (!nextSave.isValid())
            nextSave.start();
        settle.start();
    });
    QObject::connect(&watcher, &QFileSystemWatcher::directoryChanged, q,
                     [this](const QString &dir) {
                         qCDebug(lcBuilder) << "directory changed:" << dir;
                         // A save by rename replaced the file's inode: its watch
                         // is dead or follows the old file.
                         for (auto it = digests.cbegin(); it != digests.cend(); ++it) {
                             if (QFileInfo(it.key()).absolutePath() == dir)
                                 dirty.insert(it.key());
                         }
                         for (const QString &file : std::as_const(dirty))
                             rearm(file);
                         if (!nextSave.isValid())
                             nextSave.start();
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
    dirty.clear();
    if (enabled)
        updateWatches();
}

// Watches sources and dependencies, adding and dropping only what changed: a
// file watched already keeps the content last seen, so a save made while the
// set changes is not taken for the state before it.
// No target (QHOT_BUILD_INFO() with hot reload off), or one linked into
// this application (hot reload off, QML's HotBuilder { target: … }): a save
// could only start a build that fails or one whose output nothing loads.
bool QHotBuilderPrivate::nothingToBuild() const
{
    return target.isEmpty() || QHotReload::Detail::linkedLibrary(target);
}

void QHotBuilderPrivate::updateWatches()
{
    // Nothing to build: nothing wanted, so every watch and digest is dropped below.
    QStringList wanted;
    if (!nothingToBuild()) {
        wanted = sources;
        for (const QString &file : std::as_const(dependencies)) {
            if (!sources.contains(file))
                wanted.append(file);
        }
    }
    const QSet<QString> wantedSet(wanted.cbegin(), wanted.cend());

    QStringList dropped;
    for (auto it = digests.cbegin(); it != digests.cend(); ++it) {
        if (!wantedSet.contains(it.key()))
            dropped.append(it.key());
    }
    const QStringList watchedFiles = watcher.files();
    for (const QString &file : std::as_const(dropped)) {
        digests.remove(file);
        dirty.remove(file);
        if (watchedFiles.contains(file))
            watcher.removePath(file);
    }

    QStringList wantedDirs;
    for (const QString &file : std::as_const(wanted)) {
        const QString dir = QFileInfo(file).absolutePath();
        if (!wantedDirs.contains(dir))
            wantedDirs.append(dir);
        if (digests.contains(file))
            continue;
        digests.insert(file, digest(file));
        if (QFileInfo::exists(file) && !watcher.addPath(file))
            qCWarning(lcBuilder) << "cannot watch" << file;
    }
    const QStringList watchedDirs = watcher.directories();
    for (const QString &dir : watchedDirs) {
        if (!wantedDirs.contains(dir))
            watcher.removePath(dir);
    }
    for (const QString &dir : std::as_const(wantedDirs)) {
        if (!watchedDirs.contains(dir) && !watcher.addPath(dir))
            qCWarning(lcBuilder) << "cannot watch directory" << dir;
    }
}

void QHotBuilderPrivate::rearm(const QString &path)
{
    if (!enabled || !digests.contains(path))
        return;
    if (watcher.files().contains(path))
        watcher.removePath(path);
    if (QFileInfo::exists(path))
        watcher.addPath(path);
}

void QHotBuilderPrivate::scanDependencies()
{
    if (!enabled || nothingToBuild() || buildDir.isEmpty())
        return;
    if (scan) {
        rescan = true; // the running scan may have read the build tree too early
        return;
    }
    const DependencyQuery query{buildDir, target, config, sources};
    scanCancelled = false;
    const int generation = ++scanGeneration;
    scan = QThread::create([this, query, generation] {
        const DependencyAnswer answer = ::scanDependencies(query, scanCancelled);
        // Queued to the builder's thread; dropped if the builder is gone.
        QMetaObject::invokeMethod(
                q_ptr, [this, generation, answer] { takeDependencies(generation, answer); },
                Qt::QueuedConnection);
    });
    scan->setObjectName(QStringLiteral("QHotBuilder dependency scan"));
    scan->start(QThread::LowPriority);
}

void QHotBuilderPrivate::takeDependencies(int generation, const DependencyAnswer &answer)
{
    if (generation != scanGeneration)
        return;
    if (scan) {
        scan->wait();
        delete scan;
        scan = nullptr;
    }
    if (rescan) {
        rescan = false;
        scanDependencies();
        return;
    }
    if (!enabled)
        return;
    if (!answer.whyNone.isEmpty()) {
        // Keep what was learned before: the sources are watched in any case.
        qCDebug(lcBuilder).noquote() << "headers of" << target << "not learned:" << answer.whyNone
                                     << "- watching its listed sources only";
    } else if (answer.files != dependencies) {
        qCDebug(lcBuilder) << target << "depends on" << answer.files.size() << "project files";
        dependencies = answer.files;
        updateWatches();
        Q_EMIT q_ptr->dependenciesChanged();
    }
    // At start, a header newer than the library counts as much as a source;
    // once checked with what the build tree knows, the check is done.
    checkOutOfDate();
    checkPending = false;
}

void QHotBuilderPrivate::stopScan()
{
    rescan = false;
    if (!scan)
        return;
    scanCancelled = true;
    scan->wait();
    delete scan;
    scan = nullptr;
    ++scanGeneration;
}

// The target or its build tree changed: what was learned is someone else's.
void QHotBuilderPrivate::forgetDependencies()
{
    stopScan();
    if (!dependencies.isEmpty()) {
        dependencies.clear();
        if (enabled)
            updateWatches();
        Q_EMIT q_ptr->dependenciesChanged();
    }
    scanDependencies();
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
    // In watching order, so sources come first.
    QStringList changed;
    for (const QString &file : std::as_const(sources)) {
        if (dirty.contains(file))
            changed.append(file);
    }
    for (const QString &file : std::as_const(dependencies)) {
        if (dirty.contains(file) && !changed.contains(file))
            changed.append(file);
    }
    dirty.clear();
    for (const QString &file : std::as_const(changed)) {
        if (!digests.contains(file))
            continue;
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
    d->settle.setInterval(msecs);
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
