// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTRELOADINDICATOR_H
#define QHOTRELOAD_QHOTRELOADINDICATOR_H

#include <QHotReload/qhotreloadwidgets_export.h>

#include <QHotReload/qhotbuilder.h>
#include <QHotReload/qhotlibrary.h>

#include <QtWidgets/QWidget>

#include <cstddef>
#include <memory>

class QHotReloadIndicatorPrivate;

/*!
    \class QHotReloadIndicator
    \brief A one-line status of a hot library: watching, building, reloaded,
    refused, build failed — with the full text on demand.

    Follow a QHotLibrary with setLibrary(); the indicator then tracks its
    signals. Follow a QHotBuilder with setBuilder() (QHOT_BUILD_ON_SAVE() does it
    when given the indicator); another build-on-save driver reports builds
    with setBuilding() and setBuildFailed(). The full text (a refusal's whole
    reason, the compiler's whole output) is the tooltip, details(), and the
    dialog showDetails() opens (also on a click).

    Short words come first, and a file is named without its directory, so
    that what matters is seen in a narrow window: "build failed ·
    calclogic.cpp:11: expected ';' …". A reload that a build of the
    builder led to shows how long the user waited: "saved → live in 2.8 s
    (build 2.6 s, link 190 ms, swap 1 ms)", from the save the builder saw to
    QHotLibrary::reloaded(); any other reload shows the swap alone ("v3 live
    · swap 1 ms"), from QHotLibrary::aboutToReload() to reloaded()
    (blockers, state hooks, unloading the old copy, restoring widgets).

    attachOverlay() shows an indicator in a corner of any window.
*/
class QHOTRELOAD_WIDGETS_EXPORT QHotReloadIndicator : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QHotLibrary *library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(QHotBuilder *builder READ builder WRITE setBuilder NOTIFY builderChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString details READ details NOTIFY textChanged)
    Q_PROPERTY(int lastReloadMs READ lastReloadMs NOTIFY textChanged)
    Q_PROPERTY(int lastSaveToLiveMs READ lastSaveToLiveMs NOTIFY textChanged)
    Q_PROPERTY(int autoHideDelay READ autoHideDelay WRITE setAutoHideDelay NOTIFY autoHideDelayChanged)

public:
    enum State {
        Idle,        //!< no library set
        NotLoaded,   //!< the library is not loaded (details: why)
        Watching,    //!< loaded, waiting for a rebuild
        Building,    //!< a build is running (setBuilding()); "out of date · building …" when the
                     //!< builder found the library older than its sources at start
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
        its \a corner above the other children, and shows it. Should that
        corner cover one of the window's controls (a button, a field, a
        slider, a tab or tool bar), it moves to the first corner that covers
        none (or stays if every corner does). It hides itself
        \l autoHideDelay ms after a success and shows again on the next change;
        failures stay until the next change. Returns the indicator (owned by
        \a window), or nullptr if \a window or \a library is null (no
        library, nothing to tell: with hot reload off a module has none).
    */
    static QHotReloadIndicator *attachOverlay(QWidget *window, QHotLibrary *library,
                                              Qt::Corner corner = Qt::BottomRightCorner);
    /*!
        Hot reload is off (QHOTRELOAD_ENABLED=OFF): \c{hot::hotModule().library()}
        is a std::nullptr_t, and the line written for hot builds,
        \c{attachOverlay(this, hot::hotModule().library())}, makes nothing,
        returns nullptr and links nothing of QHotReload.
    */
    static constexpr QHotReloadIndicator *attachOverlay(QWidget *, std::nullptr_t,
                                                        Qt::Corner = Qt::BottomRightCorner) noexcept
    {
        return nullptr;
    }

    //! The library followed, or nullptr (also once it was destroyed).
    QHotLibrary *library() const;
    //! Follows \a library (not owned; nullptr: none). The state is taken from it at once.
    void setLibrary(QHotLibrary *library);

    //! The builder followed, or nullptr (also once it was destroyed).
    QHotBuilder *builder() const;
    /*!
        Follows the builds of \a builder (not owned; nullptr: none): a build
        running or failed now is shown at once, and a reload after one of its
        builds shows the time from the save to the new code.
    */
    void setBuilder(QHotBuilder *builder);

    //! What the indicator shows now; stateChanged() on each change.
    State state() const;
    //! The one-line summary shown, e.g. "saved → live in 2.8 s (build 2.6 s, link 190 ms, swap 1 ms)" or "refused: …".
    QString text() const;
    //! The full text: a refusal's whole reason, the whole build output.
    QString details() const;
    //! Duration of the last swap in ms (aboutToReload to reloaded), or -1.
    int lastReloadMs() const;

    //! Hide this long after a success; 0 (the default, but 4000 for overlays): never.
    int autoHideDelay() const;
    void setAutoHideDelay(int msecs);

    /*!
        Milliseconds from the save to the new code for the last reload a
        build of builder() led to, or -1.
    */
    int lastSaveToLiveMs() const;

    //! Wide enough for text() on one line, at most 520 px.
    QSize sizeHint() const override;
    //! Returns true: a narrow indicator wraps text() onto a second line.
    bool hasHeightForWidth() const override;
    //! One line's height, or two when text() needs them at \a width.
    int heightForWidth(int width) const override;

    /*!
        What is painted at the indicator's present width: text() wrapped at
        word boundaries onto at most two lines (joined by \c{\n}), the second
        elided with "…" if the whole text needs more. Hover (the tooltip) or
        click (showDetails()) for the whole text.
    */
    QString shownText() const;

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
    void builderChanged();
    void stateChanged(QHotReloadIndicator::State state);
    void textChanged();
    void autoHideDelayChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QStringList shownLines(int width) const;

    Q_DECLARE_PRIVATE(QHotReloadIndicator)
    std::unique_ptr<QHotReloadIndicatorPrivate> d_ptr;
};

#endif // QHOTRELOAD_QHOTRELOADINDICATOR_H
