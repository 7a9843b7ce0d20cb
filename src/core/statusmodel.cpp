// SPDX-License-Identifier: MIT
#include "statusmodel_p.h"

#include <QHotReload/qhotbuilder.h>
#include <QHotReload/qhotlibrary.h>

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>

namespace QHotReload::Detail {

namespace {

// The first line of a reason, its leading path cut to the file name, short
// enough for one line of a status.
QString oneLine(const QString &reason, const QString &path, const QString &name)
{
    constexpr qsizetype MaxLength = 160;
    QString line = reason.section(QLatin1Char('\n'), 0, 0).trimmed();
    const QString native = QDir::toNativeSeparators(path);
    if (!path.isEmpty() && line.startsWith(native))
        line = name + line.mid(native.size());
    else if (!path.isEmpty() && line.startsWith(path))
        line = name + line.mid(path.size());
    if (line.size() > MaxLength)
        line = line.left(MaxLength - 1) + QChar(0x2026);
    return line;
}

} // namespace

StatusModel::StatusModel(QObject *parent) : QObject(parent)
{
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    m_clock = [clock] { return clock->elapsed(); };
    m_facts = [] { return LibraryFacts(); };
    takeLibraryState();
}

StatusModel::~StatusModel()
{
    dropLibrary();
    dropBuilder();
}

void StatusModel::dropLibrary()
{
    for (const QMetaObject::Connection &c : std::as_const(m_libraryConnections))
        disconnect(c);
    m_libraryConnections.clear();
    m_library = nullptr;
}

void StatusModel::dropBuilder()
{
    for (const QMetaObject::Connection &c : std::as_const(m_builderConnections))
        disconnect(c);
    m_builderConnections.clear();
    m_builder = nullptr;
}

void StatusModel::setLibrary(QHotLibrary *library)
{
    if (library == m_library)
        return;
    dropLibrary();
    m_library = library;
    m_lastReloadMs = -1;
    m_swapStart = -1;
    m_restoreFailure.clear();
    if (library) {
        m_facts = [library] {
            return LibraryFacts{true, library->isLoaded(), library->version(), library->fileName(),
                                library->errorString()};
        };
        m_libraryConnections
                << connect(library, &QHotLibrary::aboutToReload, this, &StatusModel::aboutToReload)
                << connect(library, &QHotLibrary::reloaded, this, &StatusModel::reloaded)
                << connect(library, &QHotLibrary::reloadFailed, this, &StatusModel::reloadFailed)
                << connect(library, &QHotLibrary::stateRestoreFailed, this, &StatusModel::stateRestoreFailed)
                << connect(library, &QHotLibrary::loadedChanged, this, &StatusModel::loadedChanged)
                << connect(library, &QHotLibrary::fileNameChanged, this, &StatusModel::takeLibraryState)
                << connect(library, &QObject::destroyed, this, [this] {
                       dropLibrary();
                       m_facts = [] { return LibraryFacts(); };
                       takeLibraryState();
                       Q_EMIT libraryGone();
                   });
    } else {
        m_facts = [] { return LibraryFacts(); };
    }
    takeLibraryState();
}

QHotLibrary *StatusModel::library() const
{
    return m_library;
}

void StatusModel::setBuilder(QHotBuilder *builder)
{
    if (builder == m_builder)
        return;
    dropBuilder();
    m_builder = builder;
    m_outOfDate.clear();
    if (builder) {
        m_builderConnections
                << connect(builder, &QHotBuilder::outOfDate, this, &StatusModel::outOfDate)
                << connect(builder, &QHotBuilder::buildStarted, this,
                           [this] { buildStarted(m_builder ? m_builder->msecsSinceSave() : -1); })
                << connect(builder, &QHotBuilder::buildFinished, this, &StatusModel::buildFinished)
                << connect(builder, &QHotBuilder::buildFailed, this, &StatusModel::buildFailed)
                << connect(builder, &QObject::destroyed, this, [this] {
                       dropBuilder();
                       if (m_state == Building || m_state == BuildFailed)
                           takeLibraryState();
                       Q_EMIT builderGone();
                   });
        // A build running or failed now is the news.
        if (builder->state() == QHotBuilder::Building)
            buildStarted(builder->msecsSinceSave());
        else if (builder->state() == QHotBuilder::Failed)
            buildFailed(builder->firstError(), builder->output());
        else if (m_state == Building || m_state == BuildFailed)
            takeLibraryState();
    } else if (m_state == Building || m_state == BuildFailed) {
        takeLibraryState();
    }
}

QHotBuilder *StatusModel::builder() const
{
    return m_builder;
}

void StatusModel::setLibraryFacts(std::function<LibraryFacts()> facts)
{
    m_facts = std::move(facts);
    takeLibraryState();
}

void StatusModel::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
}

StatusModel::LibraryFacts StatusModel::facts() const
{
    return m_facts();
}

qint64 StatusModel::now() const
{
    return m_clock();
}

QString StatusModel::shownName() const
{
    const LibraryFacts f = facts();
    if (f.present)
        return QFileInfo(f.fileName).fileName();
    // A status that follows only a builder names what it builds.
    return m_builder ? m_builder->target() : QString();
}

void StatusModel::setState(State state, const QString &text, const QString &details)
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

void StatusModel::takeLibraryState()
{
    const LibraryFacts f = facts();
    const QString path = QDir::toNativeSeparators(f.fileName);
    if (!f.present) {
        setState(Idle, QStringLiteral("no hot library"), QStringLiteral("No hot library is followed."));
        return;
    }
    if (!f.loaded) {
        const QString why = f.errorString;
        setState(NotLoaded,
                 QStringLiteral("not loaded: %1").arg(why.isEmpty() ? shownName()
                                                                    : oneLine(why, f.fileName, shownName())),
                 why.isEmpty() ? QStringLiteral("%1 is not loaded.").arg(path) : why);
        return;
    }
    setState(Watching, QStringLiteral("watching %1 (v%2)").arg(shownName()).arg(f.version),
             QStringLiteral("Watching %1; version %2 is loaded.").arg(path).arg(f.version));
}

void StatusModel::loadedChanged()
{
    // A first load or an unload is the news; a build or a refusal shown now
    // stays until its own end.
    if (!facts().loaded || m_state == NotLoaded || m_state == Idle)
        takeLibraryState();
}

void StatusModel::aboutToReload()
{
    m_swapStart = now();
    m_restoreFailure.clear();
    m_saveToLive.aboutToReload(m_swapStart, m_builder ? m_builder->compileMsecs() : -1);
    setState(Reloading, QStringLiteral("reloading %1…").arg(shownName()),
             QStringLiteral("A new version of %1 passed its checks and is being swapped in.")
                     .arg(QDir::toNativeSeparators(facts().fileName)));
}

void StatusModel::reloaded()
{
    const LibraryFacts f = facts();
    // Without a swap timed: the first good file after a failed load, nothing was swapped out.
    qint64 swapMs = -1;
    if (m_swapStart >= 0) {
        swapMs = m_lastReloadMs = int(now() - m_swapStart);
        m_swapStart = -1;
    }
    const SaveToLive::Words words = m_saveToLive.reloaded(f.version, swapMs, f.fileName);
    if (words.saveToLiveMs >= 0)
        m_lastSaveToLiveMs = int(words.saveToLiveMs);
    QString line = words.line;
    QString full = words.details;
    if (const QDateTime written = QFileInfo(f.fileName).lastModified(); written.isValid()) {
        full += QStringLiteral(" It went live %1 ms after the file was last written.")
                        .arg(qMax<qint64>(0, written.msecsTo(QDateTime::currentDateTime())));
    }
    if (!m_restoreFailure.isEmpty()) {
        line += QStringLiteral(" (state not restored)");
        full += QLatin1Char('\n') + m_restoreFailure;
        m_restoreFailure.clear();
    }
    setState(Reloaded, line, full);
}

void StatusModel::reloadFailed(const QString &reason)
{
    const LibraryFacts f = facts();
    m_swapStart = -1;
    setState(Refused, QStringLiteral("refused: %1").arg(oneLine(reason, f.fileName, shownName())),
             reason + QStringLiteral("\nThe running version (v%1) keeps running.").arg(f.version));
}

void StatusModel::stateRestoreFailed(const QString &reason)
{
    // Emitted during the swap, before reloaded(): told with what follows.
    m_restoreFailure = reason;
}

void StatusModel::outOfDate(const QString &reason)
{
    // Emitted just before the build that brings the library up to date.
    m_outOfDate = reason;
}

void StatusModel::buildStarted(qint64 msecsSinceSave)
{
    m_saveToLive.buildStarted(now(), msecsSinceSave);
    if (m_outOfDate.isEmpty()) {
        setBuilding(true);
        return;
    }
    // Stale code at start: say so while it is being replaced.
    const QString why = m_outOfDate;
    m_outOfDate.clear();
    setBuilding(true);
    setState(Building, outOfDateLine(shownName()),
             why + QStringLiteral("; it is being built, the loaded version runs until then."));
}

void StatusModel::buildFinished(bool ok, int msecs)
{
    m_saveToLive.buildFinished(ok, msecs);
    // A failure came with buildFailed(); a reload that landed during the
    // build has replaced Building already.
    if (ok)
        setBuilding(false);
}

void StatusModel::buildFailed(const QString &firstError, const QString &fullOutput)
{
    const LibraryFacts f = facts();
    const QString first = firstError.section(QLatin1Char('\n'), 0, 0).trimmed();
    QString full = fullOutput.trimmed().isEmpty() ? firstError : fullOutput;
    if (f.loaded)
        full += QStringLiteral("\nThe running version (v%1) keeps running.").arg(f.version);
    setState(BuildFailed, buildFailedLine(first), full);
}

void StatusModel::setBuilding(bool building)
{
    if (building) {
        if (m_state != Building) {
            m_stateBeforeBuild = m_state;
            m_textBeforeBuild = m_text;
            m_detailsBeforeBuild = m_details;
        }
        const LibraryFacts f = facts();
        const QString what = f.present ? QDir::toNativeSeparators(f.fileName) : shownName();
        setState(Building, QStringLiteral("building %1…").arg(shownName()),
                 QStringLiteral("A build of %1 is running; the loaded version keeps running.").arg(what));
    } else if (m_state == Building) {
        if (m_stateBeforeBuild == BuildFailed || m_stateBeforeBuild == Reloading)
            takeLibraryState(); // this build went through: the old failure is over
        else
            setState(m_stateBeforeBuild, m_textBeforeBuild, m_detailsBeforeBuild);
    }
}

void StatusModel::qmlReloaded(const QString &file, int msecs)
{
    // A save of a .qml file and a rebuild of the library are told in one place.
    const QString name = QFileInfo(file).fileName();
    m_lastReloadMs = msecs;
    setState(Reloaded, QStringLiteral("%1 live · %2").arg(name, duration(msecs)),
             QStringLiteral("The objects made from %1 were made again from its saved text in %2.")
                     .arg(QDir::toNativeSeparators(file), duration(msecs)));
}

void StatusModel::qmlReloadFailed(const QString &file, const QString &message)
{
    setState(Refused, QStringLiteral("refused: %1").arg(oneLine(message, file, QFileInfo(file).fileName())),
             message + QStringLiteral("\nThe objects made from %1 stay as they were.").arg(QDir::toNativeSeparators(file)));
}

} // namespace QHotReload::Detail
