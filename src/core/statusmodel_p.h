// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_STATUSMODEL_P_H
#define QHOTRELOAD_STATUSMODEL_P_H

// The one status of a hot library and its builder, as both indicators show
// it: the widgets' QHotReloadIndicator and the QML HotReloadStatus present a
// StatusModel and add nothing to what it says. Not installed; exported for
// QHotReload's own modules.

#include <QHotReload/qhotreloadcore_export.h>

#include "statuswords_p.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>

#include <functional>

class QHotBuilder;
class QHotLibrary;

namespace QHotReload::Detail {

/*!
    \internal
    The state machine of a hot library's status (watching, building, reloading,
    reloaded, refused, build failed), the words it is told in, and the timings
    (the swap, the save to the new code).

    Its inputs are plain functions, named after the signals that call them
    when a QHotLibrary (setLibrary()) and a QHotBuilder (setBuilder()) are
    followed; a test or another build driver calls them directly. What it
    knows of the library (loaded, version, file, error) it reads through
    setLibraryFacts(), which setLibrary() sets; times come from setClock()
    (a monotonic clock by default).
*/
class QHOTRELOAD_CORE_EXPORT StatusModel : public QObject
{
    Q_OBJECT

public:
    enum State { Idle, NotLoaded, Watching, Reloading, Reloaded, Refused, Building, BuildFailed };
    Q_ENUM(State)

    //! What the status needs to know of the library, read when it changes.
    struct LibraryFacts
    {
        bool present = false; //!< false: no library followed (Idle)
        bool loaded = false;
        int version = 0;
        QString fileName;
        QString errorString;
    };

    explicit StatusModel(QObject *parent = nullptr);
    ~StatusModel() override;

    //! Follows \a library's signals (not owned; nullptr: none) and reads its facts.
    void setLibrary(QHotLibrary *library);
    QHotLibrary *library() const;
    //! Follows \a builder's signals (not owned; nullptr: none); a build running or failed now is shown at once.
    void setBuilder(QHotBuilder *builder);
    QHotBuilder *builder() const;

    //! Where the library's facts come from without a QHotLibrary (tests); setLibrary() replaces it.
    void setLibraryFacts(std::function<LibraryFacts()> facts);
    //! Milliseconds of a monotonic clock; a test gives a fake one.
    void setClock(std::function<qint64()> clock);

    State state() const { return m_state; }
    //! True in Watching and Reloaded: the library's newest code is what runs.
    bool isOk() const { return m_state == Watching || m_state == Reloaded; }
    //! One line, short words first: "build failed · logic.cpp:12: expected ';' …".
    QString text() const { return m_text; }
    //! The whole text: a refusal's reason, a build's output.
    QString details() const { return m_details; }
    //! The last swap's duration (aboutToReload to reloaded), or -1.
    int lastReloadMs() const { return m_lastReloadMs; }
    //! Save to new code for the last reload a build led to, or -1.
    int lastSaveToLiveMs() const { return m_lastSaveToLiveMs; }
    //! The library's file name without its directory, else the builder's target.
    QString shownName() const;

    // Inputs: what the followed objects' signals call.
    void takeLibraryState();
    void loadedChanged();
    void aboutToReload();
    void reloaded();
    void reloadFailed(const QString &reason);
    void stateRestoreFailed(const QString &reason);
    void outOfDate(const QString &reason);
    //! A build started, \a msecsSinceSave after the save it answers (-1: none).
    void buildStarted(qint64 msecsSinceSave);
    void buildFinished(bool ok, int msecs);
    void buildFailed(const QString &firstError, const QString &fullOutput);
    //! A build started (true) or ended well (false), told by a driver that times nothing.
    void setBuilding(bool building);
    //! Live QML: the objects made from the QML or JS file \a file were made again, in \a msecs.
    void qmlReloaded(const QString &file, int msecs);
    //! Live QML: \a file could not be used ("file:line: message" in \a message); the old objects stay.
    void qmlReloadFailed(const QString &file, const QString &message);

Q_SIGNALS:
    void stateChanged();
    void textChanged();
    //! The followed library or builder was destroyed (then it is followed no more).
    void libraryGone();
    void builderGone();

private:
    void setState(State state, const QString &text, const QString &details);
    LibraryFacts facts() const;
    qint64 now() const;
    void dropLibrary();
    void dropBuilder();

    QPointer<QHotLibrary> m_library;
    QList<QMetaObject::Connection> m_libraryConnections;
    QPointer<QHotBuilder> m_builder;
    QList<QMetaObject::Connection> m_builderConnections;
    std::function<LibraryFacts()> m_facts;
    std::function<qint64()> m_clock;

    State m_state = Idle;
    QString m_text;
    QString m_details;
    // What was shown when a build started: shown again when it ends well.
    State m_stateBeforeBuild = Idle;
    QString m_textBeforeBuild;
    QString m_detailsBeforeBuild;
    QString m_restoreFailure; // from stateRestoreFailed(), told with the reloaded() that follows
    QString m_outOfDate;      // from outOfDate(), told with the build that follows
    qint64 m_swapStart = -1;
    int m_lastReloadMs = -1;
    int m_lastSaveToLiveMs = -1;
    SaveToLive m_saveToLive;
};

} // namespace QHotReload::Detail

#endif // QHOTRELOAD_STATUSMODEL_P_H
