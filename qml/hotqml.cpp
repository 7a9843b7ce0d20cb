// SPDX-License-Identifier: MIT
#include "hotqml.h"

#include <QHotReload/qhotqmlreloader.h>

#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

QHotQmlElement::QHotQmlElement(QObject *parent) : QObject(parent) { }

QHotQmlElement::~QHotQmlElement() = default;

bool QHotQmlElement::isEnabled() const
{
    return m_reloader ? m_reloader->isEnabled() : m_enabled;
}

void QHotQmlElement::setEnabled(bool enabled)
{
    if (m_enabled == enabled && (!m_reloader || m_reloader->isEnabled() == enabled))
        return;
    m_enabled = enabled;
    if (m_reloader)
        m_reloader->setEnabled(enabled);
    Q_EMIT enabledChanged();
}

QString QHotQmlElement::lastError() const
{
    return m_lastError;
}

int QHotQmlElement::reloadCount() const
{
    return m_reloadCount;
}

void QHotQmlElement::classBegin() { }

void QHotQmlElement::componentComplete()
{
    m_reloader = QHotQmlReloader::forEngine(qmlEngine(this));
    if (!m_reloader)
        return;
    m_reloader->setEnabled(m_enabled);
    // The scene: the top of the object tree this element is in.
    QObject *top = this;
    while (true) {
        if (top->parent() && top->parent() != m_reloader->engine())
            top = top->parent();
        else if (auto *item = qobject_cast<QQuickItem *>(top); item && item->parentItem())
            top = item->parentItem();
        else if (auto *item = qobject_cast<QQuickItem *>(top); item && item->window())
            top = item->window();
        else
            break;
    }
    m_reloader->addRoot(top);
    connect(m_reloader, &QHotQmlReloader::enabledChanged, this, &QHotQmlElement::enabledChanged);
    connect(m_reloader, &QHotQmlReloader::reloaded, this, [this](const QString &file) {
        ++m_reloadCount;
        if (!m_lastError.isEmpty()) {
            m_lastError.clear();
            Q_EMIT lastErrorChanged();
        }
        Q_EMIT reloaded(file);
    });
    connect(m_reloader, &QHotQmlReloader::reloadFailed, this, [this](const QString &file, const QString &message) {
        m_lastError = message;
        Q_EMIT lastErrorChanged();
        Q_EMIT reloadFailed(file, message);
    });
}
