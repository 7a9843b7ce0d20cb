// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_STATUSWORDS_P_H
#define QHOTRELOAD_STATUSWORDS_P_H

// What a status line says, shared by the widgets' QHotReloadIndicator and the
// QML HotReloadStatus so that both say the same words: short words first, the
// file without its directory, the time from the save to the new code.
// Not installed; exported for QHotReload's own modules.

#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QString>

namespace QHotReload::Detail {

/*!
    \internal
    The compiler's first error line as a status line shows it:
    "/src/calc/calclogic.cpp:11:22: error: expected ';' before '}' token"
    becomes "calclogic.cpp:11: expected ';' before '}' token". A line that
    names no file:line keeps its words, with a leading path cut to its file
    name.
*/
QHOTRELOAD_CORE_EXPORT QString briefError(const QString &firstError);

//! \internal "build failed · calclogic.cpp:11: expected ';' …"
QHOTRELOAD_CORE_EXPORT QString buildFailedLine(const QString &firstError);

//! \internal "out of date · building liblogic.so…": a build QHotBuilder started at start-up.
QHOTRELOAD_CORE_EXPORT QString outOfDateLine(const QString &fileName);

//! \internal 950 → "950 ms", 2790 → "2.79 s", 2800 → "2.8 s" (a no-break space before the unit).
QHOTRELOAD_CORE_EXPORT QString duration(qint64 msecs);

/*!
    \internal
    Times a reload that a build led to: fed by the builder's buildStarted()
    (with QHotBuilder::msecsSinceSave()) and buildFinished(), and by the
    library's aboutToReload() and reloaded(), each with the time \a now
    (ms of one monotonic clock). A reload that no build of the last few
    seconds led to is told with its swap time alone.
*/
class QHOTRELOAD_CORE_EXPORT SaveToLive
{
public:
    struct Words
    {
        QString line;    //!< "saved → live in 2.8 s (build 2.6 s, link 190 ms, swap 1 ms)" or "v3 live · swap 1 ms"
        QString details; //!< the same in a sentence, with the version and the file
        qint64 saveToLiveMs = -1;
    };

    void buildStarted(qint64 now, qint64 msecsSinceSave);
    void buildFinished(bool ok, int msecs);
    //! The swap starts at \a now; the build's compiling ended \a compileMs after its start (-1: not known).
    void aboutToReload(qint64 now, qint64 compileMs = -1);
    //! The words for a swap of \a swapMs that made \a version of \a file live (-1: no swap timed).
    Words reloaded(int version, qint64 swapMs, const QString &file);

private:
    qint64 m_buildStart = -1;     // when the build started; -1: no build to tell
    qint64 m_saveBeforeBuild = 0; // ms from the save to the build's start; -1: no save
    qint64 m_buildMs = -1;        // the build's own duration, once it ended
    qint64 m_buildPart = -1;      // build start to the swap's start (to the link's, if told), for this reload
    qint64 m_linkPart = -1;       // the link's end of the build part; -1: not told apart
    qint64 m_savedAtSwap = -1;
};

} // namespace QHotReload::Detail

#endif // QHOTRELOAD_STATUSWORDS_P_H
