// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_FOLLOWEDLIBRARY_P_H
#define QHOTRELOAD_QML_FOLLOWEDLIBRARY_P_H

#include "hotlibrary.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>
#include <utility>

// The object (a HotLibrary, a HotBuilder) that a HotCall or a
// HotReloadStatus follows, with the connections made to it: all dropped
// together when another one is set, when the follower goes, or when the
// followed object is destroyed (then only its QObject part is left, and it
// must not be called again).
template <typename T>
class QHotQmlFollowed
{
public:
    QHotQmlFollowed() = default;
    ~QHotQmlFollowed() { drop(); }
    Q_DISABLE_COPY_MOVE(QHotQmlFollowed)

    T *get() const { return m_object; }
    T *operator->() const { return m_object; }

    // Follows \a object (nullptr: none); \a gone runs on \a receiver's
    // behalf once it is destroyed. Returns false if it was followed already.
    bool follow(T *object, QObject *receiver, std::function<void()> gone)
    {
        if (object == m_object)
            return false;
        drop();
        m_object = object;
        if (object) {
            m_connections << QObject::connect(object, &QObject::destroyed, receiver, [this, gone = std::move(gone)] {
                drop();
                gone();
            });
        }
        return true;
    }

    // Keeps \a connection (to the followed object) to drop it with the rest.
    QHotQmlFollowed &operator<<(const QMetaObject::Connection &connection)
    {
        m_connections << connection;
        return *this;
    }

private:
    void drop()
    {
        for (const QMetaObject::Connection &connection : std::as_const(m_connections))
            QObject::disconnect(connection);
        m_connections.clear();
        m_object = nullptr;
    }

    QPointer<T> m_object;
    QList<QMetaObject::Connection> m_connections;
};

using QHotQmlFollowedLibrary = QHotQmlFollowed<QHotQmlLibrary>;

#endif // QHOTRELOAD_QML_FOLLOWEDLIBRARY_P_H
