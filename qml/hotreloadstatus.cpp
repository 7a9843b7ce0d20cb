// SPDX-License-Identifier: MIT
#include "hotreloadstatus.h"

#include "hotlibrary.h"
#include <QHotReload/qhotqmlreloader.h>

#include <QtQml/QQmlEngine>

using QHotReload::Detail::StatusModel;

// One state machine: the QML names are the model's, in its order.
static_assert(int(QHotQmlReloadStatus::Idle) == int(StatusModel::Idle)
              && int(QHotQmlReloadStatus::NotLoaded) == int(StatusModel::NotLoaded)
              && int(QHotQmlReloadStatus::Watching) == int(StatusModel::Watching)
              && int(QHotQmlReloadStatus::Reloading) == int(StatusModel::Reloading)
              && int(QHotQmlReloadStatus::Reloaded) == int(StatusModel::Reloaded)
              && int(QHotQmlReloadStatus::Refused) == int(StatusModel::Refused)
              && int(QHotQmlReloadStatus::Building) == int(StatusModel::Building)
              && int(QHotQmlReloadStatus::BuildFailed) == int(StatusModel::BuildFailed));

QHotQmlReloadStatus::QHotQmlReloadStatus(QObject *parent) : QObject(parent)
{
    connect(&m_model, &StatusModel::stateChanged, this, &QHotQmlReloadStatus::stateChanged);
    connect(&m_model, &StatusModel::textChanged, this, &QHotQmlReloadStatus::textChanged);
    connect(&m_model, &StatusModel::builderGone, this, &QHotQmlReloadStatus::builderChanged);
}

QHotQmlReloadStatus::~QHotQmlReloadStatus()
{
    m_model.disconnect(this);
}

QHotQmlLibrary *QHotQmlReloadStatus::library() const
{
    return m_library.get();
}

void QHotQmlReloadStatus::setLibrary(QHotQmlLibrary *library)
{
    const auto gone = [this] {
        m_model.setLibrary(nullptr);
        Q_EMIT libraryChanged();
    };
    if (!m_library.follow(library, this, gone))
        return;
    // The QHotLibrary behind the item is the item's for its whole life; the
    // item's own errors (no file set, a source that is not a local file) count too.
    m_model.setLibrary(library ? library->library() : nullptr);
    if (library) {
        // Linked in (hot reload off): there is nothing to follow, as with no library.
        m_model.setLibraryFacts([library] {
            if (library->isLinkedIn())
                return StatusModel::LibraryFacts();
            return StatusModel::LibraryFacts{true, library->isLoaded(), library->version(), library->fileName(),
                                             library->errorString()};
        });
        m_library << connect(library, &QHotQmlLibrary::linkedInChanged, this, [this] { m_model.takeLibraryState(); });
    }
    Q_EMIT libraryChanged();
}

QHotBuilder *QHotQmlReloadStatus::builder() const
{
    return m_model.builder();
}

void QHotQmlReloadStatus::setBuilder(QHotBuilder *builder)
{
    if (builder == m_model.builder())
        return;
    m_model.setBuilder(builder);
    Q_EMIT builderChanged();
}

QHotQmlReloadStatus::State QHotQmlReloadStatus::state() const
{
    return State(m_model.state());
}

bool QHotQmlReloadStatus::isOk() const
{
    return m_model.isOk();
}

QString QHotQmlReloadStatus::text() const
{
    return m_model.text();
}

QString QHotQmlReloadStatus::details() const
{
    return m_model.details();
}

int QHotQmlReloadStatus::lastReloadMs() const
{
    return m_model.lastReloadMs();
}

int QHotQmlReloadStatus::lastSaveToLiveMs() const
{
    return m_model.lastSaveToLiveMs();
}

void QHotQmlReloadStatus::classBegin() { }

void QHotQmlReloadStatus::componentComplete()
{
    QHotQmlReloader *reloader = QHotQmlReloader::forEngine(qmlEngine(this));
    if (!reloader)
        return;
    connect(reloader, &QHotQmlReloader::reloaded, this,
            [this, reloader](const QString &file) { m_model.qmlReloaded(file, reloader->lastReloadMs()); });
    connect(reloader, &QHotQmlReloader::reloadFailed, this,
            [this](const QString &file, const QString &message) { m_model.qmlReloadFailed(file, message); });
}
