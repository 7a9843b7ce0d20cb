// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_FOLLOWEDLIBRARY_P_H
#define QHOTRELOAD_QML_FOLLOWEDLIBRARY_P_H

#include "hotlibrary.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>
#include <utility>

// The HotLibrary that a HotCall or a HotReloadStatus follows, with the
// connections made to it: all dropped together when another library is set,
// when the follower goes, or when the library is destroyed (then only its
// QObject part is left, and it must not be called again).
class QHotQmlFollowedLibrary
{
public:
    QHotQmlFollowedLibrary() = default;
    ~QHotQmlFollowedLibrary() { drop(); }
    Q_DISABLE_COPY_MOVE(QHotQmlFollowedLibrary)

    QHotQmlLibrary *get() const { return m_library; }
    QHotQmlLibrary *operator->() const { return m_library; }

    // Follows \a library (nullptr: none); \a gone runs on \a receiver's
    // behalf once it is destroyed. Returns false if it was followed already.
    bool follow(QHotQmlLibrary *library, QObject *receiver, std::function<void()> gone)
    {
        if (library == m_library)
            return false;
        drop();
        m_library = library;
        if (library) {
            m_connections << QObject::connect(library, &QObject::destroyed, receiver, [this, gone = std::move(gone)] {
                drop();
                gone();
            });
        }
        return true;
    }

    // Keeps \a connection (to the followed library) to drop it with the rest.
    QHotQmlFollowedLibrary &operator<<(const QMetaObject::Connection &connection)
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
        m_library = nullptr;
    }

    QPointer<QHotQmlLibrary> m_library;
    QList<QMetaObject::Connection> m_connections;
};

#endif // QHOTRELOAD_QML_FOLLOWEDLIBRARY_P_H
