// SPDX-License-Identifier: MIT
#include "depscan_p.h"

#include "logging_p.h"

#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QProcess>
#include <QtCore/QSet>

namespace QHotReload::Internal {

namespace {

// Each watched file costs a watch (an inotify watch, a descriptor on some
// systems): a library including thousands of project headers gets the first
// ones watched, not an exhausted watcher.
constexpr int MaxDependencies = 2000;
// Object files named per `ninja -t deps` call, so a long list never meets the
// command line's length limit.
constexpr int NinjaBatch = 200;

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

} // namespace

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

BuildCommand buildCommand(const QString &buildDir, const QString &target, const QString &config,
                          const QString &cmake)
{
    BuildCommand command;
    command.program = cmake.isEmpty() ? QStringLiteral("cmake") : cmake;
    command.arguments = QStringList{QStringLiteral("--build"), buildDir, QStringLiteral("--target"), target};
    if (!config.isEmpty())
        command.arguments << QStringLiteral("--config") << config;
    // A cmake named but missing: the tree could not be regenerated either,
    // and `cmake --build` fails saying so.
    if (QDir::isAbsolutePath(command.program) && !QFileInfo(command.program).isExecutable())
        return command;
    const QHash<QString, QString> cache = readCMakeCache(buildDir);
    const QString ninja = cache.value(QStringLiteral("CMAKE_MAKE_PROGRAM"));
    if (cache.value(QStringLiteral("CMAKE_GENERATOR")) != QLatin1String("Ninja") || ninja.isEmpty()
        || !QFileInfo::exists(QDir(buildDir).filePath(QStringLiteral("build.ninja")))) {
        return command;
    }
    command.program = ninja;
    command.arguments = QStringList{QStringLiteral("-C"), buildDir, target};
    return command;
}

} // namespace QHotReload::Internal
