// SPDX-License-Identifier: MIT
#include "pins_p.h"

#include "bytereader_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>

namespace QHotReload::Internal {

namespace {

constexpr quint32 ElfShtDynsym = 11;
constexpr quint16 ElfShnUndef = 0;
constexpr quint8 ElfStbGnuUnique = 10;

} // namespace

Pins pinsOf(QByteArrayView bytes)
{
    Pins pins;
    if (bytes.size() < 64 || !bytes.startsWith("\x7f" "ELF"))
        return pins;
    const bool is64 = bytes[4] == 2;
    const ByteReader r(bytes, bytes[5] == 2);
    const quint64 shoff = is64 ? r.get<quint64>(40) : r.get<quint32>(32);
    const quint16 shentsize = r.get<quint16>(is64 ? 58 : 46);
    const quint16 shnum = r.get<quint16>(is64 ? 60 : 48);
    if (shentsize < (is64 ? 64 : 40) || !r.has(shoff, quint64(shnum) * shentsize))
        return pins; // no section table (stripped of it): nothing to say
    const auto section = [&](quint64 i) { return shoff + i * shentsize; };
    for (quint64 i = 1; i < shnum; ++i) {
        const quint64 s = section(i);
        if (r.get<quint32>(s + 4) != ElfShtDynsym)
            continue;
        const quint64 offset = is64 ? r.get<quint64>(s + 24) : r.get<quint32>(s + 16);
        const quint64 size = is64 ? r.get<quint64>(s + 32) : r.get<quint32>(s + 20);
        const quint32 link = r.get<quint32>(s + 40 - (is64 ? 0 : 16));
        const quint64 entry = is64 ? r.get<quint64>(s + 56) : r.get<quint32>(s + 36);
        if (link >= shnum || entry < (is64 ? 24 : 16) || !r.has(offset, size))
            return pins;
        const quint64 names = section(link);
        const quint64 namesOffset = is64 ? r.get<quint64>(names + 24) : r.get<quint32>(names + 16);
        const quint64 namesSize = is64 ? r.get<quint64>(names + 32) : r.get<quint32>(names + 20);
        if (!r.has(namesOffset, namesSize))
            return pins;
        const QByteArrayView table(r.data() + namesOffset, qsizetype(namesSize));
        for (quint64 at = offset; at + entry <= offset + size; at += entry) {
            const quint32 name = r.get<quint32>(at);
            const quint8 info = quint8(r.data()[at + (is64 ? 4 : 12)]);
            const quint16 index = r.get<quint16>(at + (is64 ? 6 : 14));
            if (name >= quint64(table.size()))
                continue;
            const QByteArrayView rest = table.sliced(name);
            const QByteArrayView symbol = rest.first(qMax<qsizetype>(0, rest.indexOf('\0')));
            if (index == ElfShnUndef) {
                // What a thread_local with a destructor compiles to (the C++
                // ABI's registration; its glibc implementation, called directly).
                if (symbol == "__cxa_thread_atexit" || symbol == "__cxa_thread_atexit_impl")
                    pins.threadLocalDestructors = true;
            } else if ((info >> 4) == ElfStbGnuUnique) {
                pins.gnuUnique = true;
            }
        }
        break;
    }
    return pins;
}

Pins pinsOfFile(const QString &path)
{
    // Mapped, not read: only the section table and the dynamic symbols are
    // looked at, of a library that may be large.
    QFile file(path);
    Pins pins;
    if (file.open(QIODevice::ReadOnly)) {
        if (const uchar *bytes = file.map(0, file.size()))
            pins = pinsOf(QByteArrayView(bytes, file.size()));
    }
    return pins;
}

QString stillMappedWarning(const QString &copyPath, const Pins &pins)
{
    const QString path = QDir::toNativeSeparators(copyPath);
    if (pins.threadLocalDestructors) {
        // The C library, not QHotReload, holds it: a thread that constructed
        // one of its thread_locals keeps it until that thread exits.
        QString text = QStringLiteral("%1 is still mapped after unloading: the library has a thread_local "
                                      "variable with a destructor, and the C library keeps a library mapped "
                                      "while any thread that used such a variable runs (the GUI thread does "
                                      "until the application quits), so each version that used one stays "
                                      "mapped. Give the hot library's thread_local variables trivial "
                                      "destructors (plain values or pointers), or keep them in the application.")
                               .arg(path);
        if (pins.gnuUnique)
            text += QStringLiteral(" It also has STB_GNU_UNIQUE symbols: build it with qhot_add_library() "
                                   "(it passes -fno-gnu-unique).");
        return text;
    }
    if (pins.gnuUnique) {
        return QStringLiteral("%1 is still mapped after unloading: it has STB_GNU_UNIQUE symbols (inline "
                              "function-local statics compiled by g++), which the C library never unloads; "
                              "the next version may share its statics. Build the library with "
                              "qhot_add_library() (it passes -fno-gnu-unique).")
                .arg(path);
    }
    return QStringLiteral("%1 is still mapped after unloading: something else in the process holds it (another "
                          "dlopen() of the copy, or a library that depends on it); the next version may share "
                          "its statics.")
            .arg(path);
}

} // namespace QHotReload::Internal
