// SPDX-License-Identifier: MIT
#include "metatypes_p.h"

#include "logging_p.h"

#include <QtCore/QAssociativeIterable>
#include <QtCore/QFile>
#include <QtCore/QMetaType>
#include <QtCore/QSequentialIterable>
#include <QtCore/QStringList>

#include <utility>
#include <vector>

#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
#include <link.h>
#define QHOTRELOAD_HAVE_PHDR
#endif

namespace QHotReload::Internal {

#if defined(QHOTRELOAD_HAVE_PHDR)
namespace {

struct Ranges
{
    QByteArray path;
    std::vector<std::pair<quintptr, quintptr>> ranges; // [begin, end) of each loaded segment
};

int collectRanges(dl_phdr_info *info, size_t, void *data)
{
    auto *wanted = static_cast<Ranges *>(data);
    if (!info->dlpi_name || wanted->path != info->dlpi_name)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr) &segment = info->dlpi_phdr[i];
        if (segment.p_type != PT_LOAD)
            continue;
        const quintptr begin = quintptr(info->dlpi_addr + segment.p_vaddr);
        wanted->ranges.emplace_back(begin, begin + segment.p_memsz);
    }
    return 1;
}

} // namespace
#endif

QStringList forgetMetaTypesOf(const QString &libraryPath)
{
#if defined(QHOTRELOAD_HAVE_PHDR)
    Ranges library;
    library.path = QFile::encodeName(libraryPath);
    dl_iterate_phdr(collectRanges, &library);
    if (library.ranges.empty())
        return {};
    const auto inLibrary = [&](const void *p) {
        const quintptr address = quintptr(p);
        for (const auto &[begin, end] : library.ranges) {
            if (address >= begin && address < end)
                return true;
        }
        return false;
    };
    QStringList removed;
    int unused = 0;
    // Custom ids are handed out upwards from User; a long run of free ids
    // means we are past the last one.
    for (int id = QMetaType::User; unused < 256; ++id) {
        if (!QMetaType::isRegistered(id)) {
            ++unused;
            continue;
        }
        unused = 0;
        const QMetaType type(id);
        if (!inLibrary(type.iface()))
            continue;
        qCDebug(lcLoader) << "forgetting metatype" << type.name() << "registered by" << libraryPath;
        // Qt registered conversions and views for containers the library
        // used (QList<Gadget> to QSequentialIterable, ...); their functions
        // are the library's code.
        for (const QMetaType &to : {QMetaType::fromType<QIterable<QMetaSequence>>(),
                                    QMetaType::fromType<QIterable<QMetaAssociation>>(),
                                    QMetaType::fromType<QSequentialIterable>(), QMetaType::fromType<QAssociativeIterable>(),
                                    QMetaType::fromType<QVariantList>(), QMetaType::fromType<QVariantMap>(),
                                    QMetaType::fromType<QVariantHash>(), QMetaType::fromType<QObject *>()}) {
            QMetaType::unregisterConverterFunction(type, to);
            QMetaType::unregisterMutableViewFunction(type, to);
        }
        removed.append(QString::fromLatin1(type.name()));
        QMetaType::unregisterMetaType(type);
    }
    return removed;
#else
    // Elsewhere (macOS: dyld image ranges, Windows: GetModuleInformation) the
    // same walk needs the module's address range; not done yet.
    Q_UNUSED(libraryPath);
    return {};
#endif
}

void registerSharedMetaTypes()
{
    // QMetaType::fromType<QSequentialIterable>() in a hot library would
    // otherwise register the library's copy of the description, if it were the
    // first to ask (qhotstate.h does for lists of gadgets).
    qRegisterMetaType<QSequentialIterable>();
    qRegisterMetaType<QAssociativeIterable>();
    // What Qt registers container views against (QList<T> -> QIterable<...>):
    // once QtCore has cached an id for these, it must never change.
    qRegisterMetaType<QIterable<QMetaSequence>>();
    qRegisterMetaType<QIterable<QMetaAssociation>>();
}

} // namespace QHotReload::Internal
