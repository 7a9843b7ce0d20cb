// SPDX-License-Identifier: MIT
#include "hotreloadstatus.h"

#include "hotlibrary.h"

#include <QtCore/QFileInfo>

namespace {

// The first line of a reason, short enough for one line of a status item.
QString oneLine(const QString &reason)
{
    constexpr qsizetype MaxLength = 160;
    QString line = reason.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (line.size() > MaxLength)
        line = line.left(MaxLength - 1) + QChar(0x2026);
    return line;
}

} // namespace

QHotQmlReloadStatus::QHotQmlReloadStatus(QObject *parent) : QObject(parent)
{
    takeLibraryState();
}

QHotQmlReloadStatus::~QHotQmlReloadStatus() = default;

QHotQmlLibrary *QHotQmlReloadStatus::library() const
{
    return m_library.get();
}

void QHotQmlReloadStatus::setLibrary(QHotQmlLibrary *library)
{
    const auto gone = [this] {
        takeLibraryState();
        Q_EMIT libraryChanged();
    };
    if (!m_library.follow(library, this, gone))
        return;
    m_lastReloadMs = -1;
    m_swapClock.invalidate();
    m_restoreFailure.clear();
    if (library) {
        m_library << connect(library, &QHotQmlLibrary::aboutToReload, this, &QHotQmlReloadStatus::onAboutToReload)
                  << connect(library, &QHotQmlLibrary::reloaded, this, &QHotQmlReloadStatus::onReloaded)
                  << connect(library, &QHotQmlLibrary::reloadFailed, this, &QHotQmlReloadStatus::onReloadFailed)
                  << connect(library, &QHotQmlLibrary::stateRestoreFailed, this,
                             &QHotQmlReloadStatus::onStateRestoreFailed)
                  // A first load, an unload, another file: the state is the library's again.
                  << connect(library, &QHotQmlLibrary::loadedChanged, this, &QHotQmlReloadStatus::takeLibraryState)
                  << connect(library, &QHotQmlLibrary::fileNameChanged, this,
                             &QHotQmlReloadStatus::takeLibraryState);
    }
    gone();
}

QHotBuilder *QHotQmlReloadStatus::builder() const
{
    return m_builder.get();
}

void QHotQmlReloadStatus::setBuilder(QHotBuilder *builder)
{
    const auto gone = [this] {
        if (m_state == Building || m_state == BuildFailed)
            takeLibraryState();
        Q_EMIT builderChanged();
    };
    if (!m_builder.follow(builder, this, gone))
        return;
    if (builder) {
        m_builder << connect(builder, &QHotBuilder::buildStarted, this, &QHotQmlReloadStatus::onBuildStarted)
                  << connect(builder, &QHotBuilder::buildFinished, this, &QHotQmlReloadStatus::onBuildFinished)
                  << connect(builder, &QHotBuilder::buildFailed, this, &QHotQmlReloadStatus::onBuildFailed);
        // Set while a build runs, or after one failed: that is the news.
        if (builder->state() == QHotBuilder::Building) {
            onBuildStarted();
        } else if (builder->state() == QHotBuilder::Failed) {
            onBuildFailed(builder->firstError(), builder->output());
        } else if (m_state == Building || m_state == BuildFailed) {
            takeLibraryState();
        }
    } else if (m_state == Building || m_state == BuildFailed) {
        takeLibraryState();
    }
    Q_EMIT builderChanged();
}

QHotQmlReloadStatus::State QHotQmlReloadStatus::state() const
{
    return m_state;
}

bool QHotQmlReloadStatus::isOk() const
{
    return m_state == Watching || m_state == Reloaded;
}

QString QHotQmlReloadStatus::text() const
{
    return m_text;
}

QString QHotQmlReloadStatus::details() const
{
    return m_details;
}

int QHotQmlReloadStatus::lastReloadMs() const
{
    return m_lastReloadMs;
}

int QHotQmlReloadStatus::lastSaveToLiveMs() const
{
    return m_lastSaveToLiveMs;
}

void QHotQmlReloadStatus::setState(State state, const QString &text, const QString &details)
{
    const bool stateDiffers = state != m_state;
    const bool textDiffers = text != m_text || details != m_details;
    m_state = state;
    m_text = text;
    m_details = details;
    if (stateDiffers)
        Q_EMIT stateChanged();
    if (textDiffers)
        Q_EMIT textChanged();
}

QString QHotQmlReloadStatus::shownName() const
{
    if (m_library.get())
        return QFileInfo(m_library.get()->fileName()).fileName();
    // A status that follows only a builder names what it builds.
    return m_builder.get() ? m_builder->target() : QString();
}

void QHotQmlReloadStatus::takeLibraryState()
{
    if (!m_library.get()) {
        setState(Idle, QStringLiteral("no hot library"), QStringLiteral("No HotLibrary is set."));
        return;
    }
    if (!m_library->isLoaded()) {
        const QString why = m_library->errorString();
        setState(NotLoaded,
                 why.isEmpty() ? QStringLiteral("not loaded: %1").arg(shownName())
                               : QStringLiteral("not loaded: %1").arg(oneLine(why)),
                 why.isEmpty() ? QStringLiteral("%1 is not loaded.").arg(m_library->fileName()) : why);
        return;
    }
    setState(Watching, QStringLiteral("watching %1 (v%2)").arg(shownName()).arg(m_library->version()),
             QStringLiteral("Watching %1; version %2 is loaded.").arg(m_library->fileName()).arg(m_library->version()));
}

void QHotQmlReloadStatus::onAboutToReload()
{
    m_swapClock.start();
    m_saveToLive.aboutToReload();
    setState(Reloading, QStringLiteral("reloading %1…").arg(shownName()),
             QStringLiteral("A new version of %1 passed its checks and is being swapped in.")
                     .arg(m_library->fileName()));
}

void QHotQmlReloadStatus::onReloaded()
{
    // Without a swap timed: the first good file after a failed load, nothing was swapped out.
    qint64 swapMs = -1;
    if (m_swapClock.isValid()) {
        swapMs = m_lastReloadMs = int(m_swapClock.elapsed());
        m_swapClock.invalidate();
    }
    const auto words = m_saveToLive.reloaded(m_library->version(), swapMs, m_library->fileName());
    if (words.saveToLiveMs >= 0)
        m_lastSaveToLiveMs = int(words.saveToLiveMs);
    QString line = words.line;
    QString full = words.details;
    if (!m_restoreFailure.isEmpty()) {
        line += QStringLiteral(" (state not restored)");
        full += QLatin1Char('\n') + m_restoreFailure;
        m_restoreFailure.clear();
    }
    setState(Reloaded, line, full);
}

void QHotQmlReloadStatus::onReloadFailed(const QString &reason)
{
    m_swapClock.invalidate();
    setState(Refused, QStringLiteral("refused: %1").arg(oneLine(reason)),
             reason + QStringLiteral("\nThe running version (v%1) keeps running.").arg(m_library->version()));
}

void QHotQmlReloadStatus::onStateRestoreFailed(const QString &reason)
{
    // Emitted during the swap, before reloaded(): told with what follows.
    m_restoreFailure = reason;
}

void QHotQmlReloadStatus::onBuildStarted()
{
    if (QHotBuilder *builder = m_builder.get())
        m_saveToLive.buildStarted(builder->msecsSinceSave());
    if (m_state != Building) {
        m_stateBeforeBuild = m_state;
        m_textBeforeBuild = m_text;
        m_detailsBeforeBuild = m_details;
    }
    const QString what = m_library.get() ? m_library->fileName() : shownName();
    setState(Building, QStringLiteral("building %1…").arg(shownName()),
             QStringLiteral("A build of %1 is running; the loaded version keeps running.").arg(what));
}

void QHotQmlReloadStatus::onBuildFinished(bool ok, int msecs)
{
    m_saveToLive.buildFinished(ok, msecs);
    // A failure came with buildFailed(); a reload that landed during the
    // build has replaced Building already.
    if (!ok || m_state != Building)
        return;
    if (m_stateBeforeBuild == BuildFailed)
        takeLibraryState(); // this build went through: the old failure is over
    else
        setState(m_stateBeforeBuild, m_textBeforeBuild, m_detailsBeforeBuild);
}

void QHotQmlReloadStatus::onBuildFailed(const QString &firstError, const QString &fullOutput)
{
    QString full = fullOutput.trimmed().isEmpty() ? firstError : fullOutput.trimmed();
    if (m_library.get() && m_library->isLoaded())
        full += QStringLiteral("\nThe running version (v%1) keeps running.").arg(m_library->version());
    // The file:line and the compiler's words first; an item elides the rest to its width.
    setState(BuildFailed, QHotReload::Detail::buildFailedLine(firstError), full);
}
