// SPDX-License-Identifier: MIT
#ifndef QHOTEXAMPLES_LIVEDEMO_H
#define QHOTEXAMPLES_LIVEDEMO_H

#include "livebuild.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QMutex>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <functional>

// What the examples' scripted demos share: timestamped output, edits of the
// build's live copies of the library's sources (the checkout is never
// touched), and the real rebuild command, run while the event loop keeps
// going so the library can reload during the build. Needs a QCoreApplication.
class LiveDemo
{
public:
    // A compile and link of one file, generous for a loaded two-core machine.
    static constexpr int BuildTimeoutMs = 5 * 60 * 1000;
    // From the end of a good build to the reload: normally a few milliseconds.
    static constexpr int ReloadTimeoutMs = 30 * 1000;

    // An edit is a text replacement, so what gets reloaded is what a user would type.
    struct Replacement
    {
        QString before;
        QString after;
    };

    struct BuildResult
    {
        bool succeeded = false;
        qint64 startedAt = 0;
        qint64 finishedAt = 0;
        QString output;
    };

    // \a liveFiles: the names (in sourceDir and liveDir) the demo may edit.
    LiveDemo(LiveBuild build, QStringList liveFiles);
    // Puts back every live file the demo left edited (after a failed step).
    ~LiveDemo();
    Q_DISABLE_COPY_MOVE(LiveDemo)

    const LiveBuild &liveBuild() const { return m_build; }
    qint64 elapsed() const { return m_clock.elapsed(); }

    // Prints each line of \a text after the milliseconds since the start. Thread-safe.
    void say(const QString &text);
    // Says "FAILED: text" and returns false.
    bool fail(const QString &text);

    // Makes every live file equal to its source-tree original.
    bool startFromPristine();
    // Applies \a replacements to the live copy of \a name (each `before` must occur once).
    bool edit(const QString &name, const QList<Replacement> &replacements);
    // Puts every live file back to the original.
    bool restoreAll();

    // Runs the rebuild command; the event loop runs meanwhile.
    BuildResult build();
    // build(), saying why on failure.
    bool buildOrFail(BuildResult *result = nullptr);

    // Runs the event loop until \a done() is true or \a timeoutMs pass.
    bool waitUntil(const std::function<bool()> &done, int timeoutMs, const QString &what);

    // "file:line:col: error: ..." (or MSVC's form) from a compiler's output.
    static QString firstErrorLine(const QString &buildOutput);

private:
    bool readFile(const QString &fileName, QString *text);
    bool writeFile(const QString &fileName, const QString &text);

    LiveBuild m_build;
    QStringList m_liveFiles;
    QHash<QString, QString> m_pristine; // name -> source-tree text, read at start
    QElapsedTimer m_clock;
    QMutex m_outputMutex;
};

#endif // QHOTEXAMPLES_LIVEDEMO_H
