// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTRELOADINDICATOR_H
#define QHOTRELOAD_QHOTRELOADINDICATOR_H

#include <QHotReload/qhotreloadwidgets_export.h>

#include <QHotReload/qhotlibrary.h>

#include <QtWidgets/QWidget>

#include <memory>

class QHotReloadIndicatorPrivate;

/*!
    \class QHotReloadIndicator
    \brief A one-line status of a hot library: watching, building, reloaded,
    refused, build failed — with the full text on demand.

    Follow a QHotLibrary with setLibrary(); the indicator then tracks its
    signals. A build-on-save driver reports builds with setBuilding() and
    setBuildFailed(). The full text (a refusal's whole reason, the compiler's
    whole output) is the tooltip, details(), and the dialog showDetails()
    opens (also on a click).

    The reload time shown ("reloaded v3 in 4 ms") is measured from
    QHotLibrary::aboutToReload() to QHotLibrary::reloaded(): the swap itself
    (blockers, state hooks, unloading the old copy, restoring widgets). The
    checks made before aboutToReload are not in it; details() adds how long
    after the file's last write the new version went live.

    attachOverlay() shows an indicator in a corner of any window.
*/
class QHOTRELOAD_WIDGETS_EXPORT QHotReloadIndicator : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QHotLibrary *library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString details READ details NOTIFY textChanged)
    Q_PROPERTY(int lastReloadMs READ lastReloadMs NOTIFY textChanged)
    Q_PROPERTY(int autoHideDelay READ autoHideDelay WRITE setAutoHideDelay NOTIFY autoHideDelayChanged)

public:
    enum State {
        Idle,        //!< no library set
        NotLoaded,   //!< the library is not loaded (details: why)
        Watching,    //!< loaded, waiting for a rebuild
        Building,    //!< a build is running (setBuilding())
        Reloaded,    //!< a new version went live
        Refused,     //!< a new version was refused; the old one runs
        BuildFailed  //!< the last build failed (setBuildFailed()); the old code runs
    };
    Q_ENUM(State)

    //! An indicator that follows no library yet (state Idle), a child of \a parent.
    explicit QHotReloadIndicator(QWidget *parent = nullptr);
    //! An indicator that follows \a library (see setLibrary()).
    explicit QHotReloadIndicator(QHotLibrary *library, QWidget *parent = nullptr);
    ~QHotReloadIndicator() override;

    /*!
        Creates an indicator for \a library as a child of \a window, kept in
        its \a corner above the other children, and shows it. It hides itself
        \l autoHideDelay ms after a success and shows again on the next change;
        failures stay until the next change. Returns the indicator (owned by
        \a window), or nullptr if \a window is null.
    */
    static QHotReloadIndicator *attachOverlay(QWidget *window, QHotLibrary *library,
                                              Qt::Corner corner = Qt::BottomRightCorner);

    //! The library followed, or nullptr (also once it was destroyed).
    QHotLibrary *library() const;
    //! Follows \a library (not owned; nullptr: none). The state is taken from it at once.
    void setLibrary(QHotLibrary *library);

    //! What the indicator shows now; stateChanged() on each change.
    State state() const;
    //! The one-line summary shown, e.g. "reloaded v3 in 4 ms" or "refused: …".
    QString text() const;
    //! The full text: a refusal's whole reason, the whole build output.
    QString details() const;
    //! Duration of the last swap in ms (aboutToReload to reloaded), or -1.
    int lastReloadMs() const;

    //! Hide this long after a success; 0 (the default, but 4000 for overlays): never.
    int autoHideDelay() const;
    void setAutoHideDelay(int msecs);

    //! Wide enough for text(), at most 520 px.
    QSize sizeHint() const override;

public Q_SLOTS:
    /*!
        A build of the library started (\a building true) or ended without an
        error (false: the indicator returns to what it showed before; the
        reload, if any, follows from the library).
    */
    void setBuilding(bool building);
    /*!
        The last build failed. \a firstError (the compiler's first error line)
        is shown, \a fullText (the whole output) is the detail. The running
        version is untouched.
    */
    void setBuildFailed(const QString &firstError, const QString &fullText);
    //! Opens (or raises) a non-modal dialog with details().
    void showDetails();

Q_SIGNALS:
    void libraryChanged();
    void stateChanged(QHotReloadIndicator::State state);
    void textChanged();
    void autoHideDelayChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    Q_DECLARE_PRIVATE(QHotReloadIndicator)
    std::unique_ptr<QHotReloadIndicatorPrivate> d_ptr;
};

#endif // QHOTRELOAD_QHOTRELOADINDICATOR_H
