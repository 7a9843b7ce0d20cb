// SPDX-License-Identifier: MIT
#ifndef MINIMAL_HOTLOGIC_H
#define MINIMAL_HOTLOGIC_H

#include <QHotLibrary>

#include <QtCore/QString>
#include <QtCore/QStringList>

// The one place that knows the hot library's functions: names and signatures
// must match logic.cpp. Each call resolves its symbol again because an address
// is only valid until the next reload; a lookup is cheap next to a redraw.
// (A later QHotReload generates wrappers of the same signature instead.)
class HotLogic
{
public:
    explicit HotLogic(const QHotLibrary &library) : m_library(library) { }

    // Set as QHotLibrary::requiredSymbols: a version missing one is refused,
    // so the calls below cannot come up empty while a version is loaded.
    static QStringList symbols()
    {
        return { QStringLiteral("greeting"), QStringLiteral("step") };
    }

    // Empty while nothing is loaded.
    QString greeting() const
    {
        using Function = const char *(*)();
        if (const auto function = reinterpret_cast<Function>(m_library.resolve("greeting")))
            return QString::fromUtf8(function());
        return QString();
    }

    // Leaves the counter as it is while nothing is loaded.
    int step(int counter) const
    {
        using Function = int (*)(int);
        if (const auto function = reinterpret_cast<Function>(m_library.resolve("step")))
            return function(counter);
        return counter;
    }

private:
    const QHotLibrary &m_library;
};

#endif // MINIMAL_HOTLOGIC_H
