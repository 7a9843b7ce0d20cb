// SPDX-License-Identifier: MIT
#include "statuswords_p.h"

#include <QtCore/QDir>
#include <QtCore/QRegularExpression>

namespace QHotReload::Detail {

namespace {
// A successful build whose library did not change lands no reload: after this
// long, a reload is someone else's (a build from a terminal).
constexpr qint64 BuildToReloadMs = 10000;
} // namespace

QString briefError(const QString &firstError)
{
    const QString line = firstError.section(QLatin1Char('\n'), 0, 0).trimmed();
    // gcc/clang: "<file>:<line>[:<column>]: [fatal ]error: <message>";
    // MSVC: "<file>(<line>[,<column>]): [fatal ]error C1234: <message>".
    static const QRegularExpression located(QStringLiteral(
            "^(.+?)(?::(\\d+)(?::\\d+)?:|\\((\\d+)(?:,\\d+)?\\)\\s*:)\\s*(?:fatal )?error(?: [A-Z]+\\d+)?:\\s*(.*)$"));
    const QRegularExpressionMatch m = located.match(line);
    if (m.hasMatch()) {
        // Either separator: a Windows compiler's path read anywhere.
        const QString path = m.captured(1);
        const QString file = path.mid(qMax(path.lastIndexOf(QLatin1Char('/')), path.lastIndexOf(QLatin1Char('\\'))) + 1);
        const QString number = m.captured(2).isEmpty() ? m.captured(3) : m.captured(2);
        return QStringLiteral("%1:%2: %3").arg(file, number, m.captured(4));
    }
    // "/usr/bin/ld: …/liblogic.so.p/logic.cpp.o: undefined reference …": the
    // first path-like word is cut to its file name.
    static const QRegularExpression path(QStringLiteral("(?:^|\\s)(/[^\\s:]+/)([^/\\s:]+)"));
    QString brief = line;
    const QRegularExpressionMatch p = path.match(brief);
    if (p.hasMatch())
        brief.remove(p.capturedStart(1), p.capturedLength(1));
    return brief;
}

QString buildFailedLine(const QString &firstError)
{
    return QStringLiteral("build failed · %1").arg(briefError(firstError));
}

QString outOfDateLine(const QString &fileName)
{
    return QStringLiteral("out of date · building %1…").arg(fileName);
}

QString duration(qint64 msecs)
{
    // A no-break space: a wrapped line never leaves the unit alone.
    if (msecs < 1000)
        return QStringLiteral("%1\u00a0ms").arg(msecs);
    QString seconds = QString::number(double(msecs) / 1000.0, 'f', 2);
    while (seconds.endsWith(QLatin1Char('0')))
        seconds.chop(1);
    if (seconds.endsWith(QLatin1Char('.')))
        seconds.chop(1);
    return seconds + QStringLiteral("\u00a0s");
}

void SaveToLive::buildStarted(qint64 now, qint64 msecsSinceSave)
{
    m_buildStart = now;
    m_saveBeforeBuild = msecsSinceSave; // -1: no save started it
    m_buildMs = -1;
}

void SaveToLive::buildFinished(bool ok, int msecs)
{
    if (!ok) {
        m_buildStart = -1;
        return;
    }
    m_buildMs = msecs;
}

void SaveToLive::aboutToReload(qint64 now, qint64 compileMs)
{
    m_buildPart = -1;
    m_linkPart = -1;
    m_savedAtSwap = -1;
    if (m_buildStart < 0)
        return;
    const qint64 sinceStart = now - m_buildStart;
    // The linker's output is often taken before the build command returns:
    // the build's part ends where the swap starts, or where the build ended.
    if (m_buildMs >= 0 && sinceStart - m_buildMs > BuildToReloadMs) {
        m_buildStart = -1;
        return;
    }
    m_buildPart = m_buildMs >= 0 ? qMin<qint64>(m_buildMs, sinceStart) : sinceStart;
    // From the end of the compiling to the library taken: the link.
    if (compileMs >= 0 && compileMs <= m_buildPart) {
        m_linkPart = m_buildPart - compileMs;
        m_buildPart = compileMs;
    }
    m_savedAtSwap = qMax<qint64>(0, m_saveBeforeBuild) + sinceStart;
}

SaveToLive::Words SaveToLive::reloaded(int version, qint64 swapMs, const QString &file)
{
    Words words;
    const QString path = QDir::toNativeSeparators(file);
    const QString swap = swapMs >= 0 ? duration(swapMs) : QString();
    // "build 400 ms, link 30 ms" when the link was told apart, else "build 430 ms".
    const QString parts = m_linkPart >= 0
            ? QStringLiteral("build %1, link %2").arg(duration(m_buildPart), duration(m_linkPart))
            : QStringLiteral("build %1").arg(duration(m_buildPart));
    const QString partsSaid = m_linkPart >= 0
            ? QStringLiteral("%1 compiling, %2 linking (until the new library was taken)")
                      .arg(duration(m_buildPart), duration(m_linkPart))
            : QStringLiteral("%1 building (until the new library was taken)").arg(duration(m_buildPart));
    if (m_buildPart >= 0 && swapMs >= 0 && m_saveBeforeBuild < 0) {
        // Built at start (out of date): no save to count from.
        words.line = QStringLiteral("built → live in %1 (%2, swap %3)")
                             .arg(duration(m_savedAtSwap + swapMs), parts, swap);
        words.details = QStringLiteral("Version %1 of %2 is live %3 after the build that brought it up to "
                                       "date started: %4, %5 of swap.")
                                .arg(version)
                                .arg(path, duration(m_savedAtSwap + swapMs), partsSaid, swap);
    } else if (m_buildPart >= 0 && swapMs >= 0) {
        words.saveToLiveMs = m_savedAtSwap + swapMs;
        words.line = QStringLiteral("saved → live in %1 (%2, swap %3)")
                             .arg(duration(words.saveToLiveMs), parts, swap);
        words.details = QStringLiteral("Version %1 of %2 is live %3 after the save that started its build: "
                                       "%4 from the save to the build's start, %5, %6 of swap (from "
                                       "aboutToReload to reloaded: blockers, state hooks, unloading the old "
                                       "copy).")
                                .arg(version)
                                .arg(path, duration(words.saveToLiveMs), duration(m_saveBeforeBuild),
                                     partsSaid, swap);
    } else if (swapMs >= 0) {
        words.line = QStringLiteral("v%1 live · swap %2").arg(version).arg(swap);
        words.details = QStringLiteral("Version %1 of %2 is live. The swap (from aboutToReload to reloaded: "
                                       "blockers, state hooks, unloading the old copy) took %3.")
                                .arg(version)
                                .arg(path, swap);
    } else {
        words.line = QStringLiteral("loaded v%1").arg(version);
        words.details = QStringLiteral("Version %1 of %2 is live.").arg(version).arg(path);
    }
    // No-break spaces are for the wrapped line only.
    words.details.replace(QChar(0xa0), QLatin1Char(' '));
    // Told once: the next reload is timed anew.
    m_buildStart = -1;
    m_buildPart = -1;
    m_linkPart = -1;
    m_savedAtSwap = -1;
    return words;
}

} // namespace QHotReload::Detail
