// SPDX-License-Identifier: MIT
#include "readiness_p.h"

#include "bytereader_p.h"

namespace QHotReload::Internal {

namespace {

using Reader = ByteReader;

Readiness ready() { return {Readiness::Ready, {}}; }
Readiness incomplete(const QString &why) { return {Readiness::Incomplete, why}; }
Readiness invalid(const QString &why) { return {Readiness::Invalid, why}; }

// --- ELF (Linux, the BSDs) ---------------------------------------------------

constexpr quint16 ElfTypeShared = 3; // ET_DYN
constexpr quint32 ElfPtLoad = 1;
constexpr quint32 ElfPtDynamic = 2;
constexpr quint32 ElfShtNull = 0;
constexpr quint32 ElfShtStrtab = 3;
constexpr quint32 ElfShtNote = 7;
constexpr quint32 ElfShtNobits = 8;
constexpr quint32 ElfNoteGnuBuildId = 3;

int hostElfMachine()
{
#if defined(__x86_64__) || defined(_M_X64)
    return 62;
#elif defined(__aarch64__) || defined(_M_ARM64)
    return 183;
#elif defined(__i386__) || defined(_M_IX86)
    return 3;
#elif defined(__arm__)
    return 40;
#elif defined(__riscv)
    return 243;
#elif defined(__powerpc64__)
    return 21;
#elif defined(__s390x__)
    return 22;
#else
    return -1; // unknown: do not check
#endif
}

QString elfMachineName(int machine)
{
    switch (machine) {
    case 3: return QStringLiteral("x86 (32-bit)");
    case 40: return QStringLiteral("ARM (32-bit)");
    case 62: return QStringLiteral("x86-64");
    case 183: return QStringLiteral("AArch64");
    case 243: return QStringLiteral("RISC-V");
    case 21: return QStringLiteral("PowerPC 64");
    case 22: return QStringLiteral("s390x");
    default: return QStringLiteral("machine %1").arg(machine);
    }
}

Readiness checkElf(QByteArrayView bytes)
{
    // The identification bytes (class, byte order, …) come before any field
    // that says how long the header is.
    constexpr qsizetype IdentSize = 16;
    if (bytes.size() < IdentSize)
        return incomplete(QStringLiteral("has %1 bytes, fewer than an ELF header").arg(bytes.size()));
    const auto cls = quint8(bytes[4]);
    const auto data = quint8(bytes[5]);
    if (cls != 1 && cls != 2)
        return invalid(QStringLiteral("has an ELF header of unknown class %1").arg(cls));
    if (data != 1 && data != 2)
        return invalid(QStringLiteral("has an ELF header of unknown byte order %1").arg(data));
    const bool is64 = cls == 2;
    const Reader r(bytes, data == 2);
    const quint64 headerSize = is64 ? 64 : 52;
    if (!r.has(0, headerSize))
        return incomplete(QStringLiteral("has %1 bytes, fewer than an ELF header").arg(r.size()));

    if ((sizeof(void *) == 8) != is64)
        return invalid(is64 ? QStringLiteral("is a 64-bit library; this process is 32-bit")
                            : QStringLiteral("is a 32-bit library; this process is 64-bit"));
    const quint16 type = r.get<quint16>(16);
    const quint16 machine = r.get<quint16>(18);
    if (type != ElfTypeShared)
        return invalid(QStringLiteral("is an ELF file of type %1, not a shared library").arg(type));
    if (hostElfMachine() >= 0 && machine != hostElfMachine())
        return invalid(QStringLiteral("is built for %1; this process runs on %2")
                               .arg(elfMachineName(machine), elfMachineName(hostElfMachine())));

    const quint64 phoff = is64 ? r.get<quint64>(32) : r.get<quint32>(28);
    const quint64 shoff = is64 ? r.get<quint64>(40) : r.get<quint32>(32);
    const quint16 phentsize = r.get<quint16>(is64 ? 54 : 42);
    const quint16 phnum = r.get<quint16>(is64 ? 56 : 44);
    const quint16 shentsize = r.get<quint16>(is64 ? 58 : 46);
    const quint16 shnum = r.get<quint16>(is64 ? 60 : 48);
    const quint16 shstrndx = r.get<quint16>(is64 ? 62 : 50);

    // Program headers: every loadable segment's bytes must be in the file.
    if (phnum == 0 || phentsize < (is64 ? 56 : 32))
        return incomplete(QStringLiteral("has no program headers yet"));
    if (!r.has(phoff, quint64(phnum) * phentsize))
        return incomplete(QStringLiteral("is cut short: its program headers end at byte %1 of %2")
                                  .arg(phoff + quint64(phnum) * phentsize).arg(r.size()));
    int loads = 0;
    for (quint64 i = 0; i < phnum; ++i) {
        const quint64 p = phoff + i * phentsize;
        if (r.get<quint32>(p) != ElfPtLoad)
            continue;
        ++loads;
        const quint64 offset = is64 ? r.get<quint64>(p + 8) : r.get<quint32>(p + 4);
        const quint64 filesz = is64 ? r.get<quint64>(p + 32) : r.get<quint32>(p + 16);
        if (!r.has(offset, filesz))
            return incomplete(QStringLiteral("is cut short: a loadable segment ends at byte %1 of %2")
                                      .arg(offset + filesz).arg(r.size()));
    }
    if (loads == 0)
        return incomplete(QStringLiteral("has no loadable segment yet"));

    // A linker that writes its tables before the contents (gold, mold) leaves
    // segments of zeros behind them for a moment: code and data never are.
    const auto allZero = [&](quint64 offset, quint64 size) {
        const char *p = bytes.data() + offset;
        for (quint64 i = 0; i < size; ++i) {
            if (p[i])
                return false;
        }
        return true;
    };
    for (quint64 i = 0; i < phnum; ++i) {
        const quint64 p = phoff + i * phentsize;
        const quint32 segmentType = r.get<quint32>(p);
        const quint64 offset = is64 ? r.get<quint64>(p + 8) : r.get<quint32>(p + 4);
        const quint64 filesz = is64 ? r.get<quint64>(p + 32) : r.get<quint32>(p + 16);
        if (segmentType == ElfPtLoad && filesz >= 64 && allZero(offset, filesz))
            return incomplete(QStringLiteral("has a loadable segment that is not written yet"));
        if (segmentType == ElfPtDynamic) {
            // The dynamic table must be there: DT_STRTAB and DT_SYMTAB, then DT_NULL.
            const quint64 entry = is64 ? 16 : 8;
            bool strtab = false, symtab = false, terminated = false;
            for (quint64 e = offset; e + entry <= offset + filesz && r.has(e, entry); e += entry) {
                const qint64 tag = is64 ? qint64(r.get<quint64>(e)) : qint64(r.get<quint32>(e));
                if (tag == 0) {
                    terminated = true;
                    break;
                }
                strtab = strtab || tag == 5;
                symtab = symtab || tag == 6;
            }
            if (!terminated || !strtab || !symtab)
                return incomplete(QStringLiteral("has a dynamic section that is not written yet"));
        }
    }

    // Section table: linkers write it last, at the end of the file. A file that
    // has one must have all of it, filled in (gold sizes the file first and fills
    // it afterwards, so zeros there mean "not written yet").
    if (shoff == 0 && shnum == 0)
        return ready(); // stripped of its section table: the segments above decide
    if (shentsize < (is64 ? 64 : 40) || shnum == 0)
        return incomplete(QStringLiteral("has no section table yet"));
    if (!r.has(shoff, quint64(shnum) * shentsize))
        return incomplete(QStringLiteral("is cut short: its section table ends at byte %1 of %2")
                                  .arg(shoff + quint64(shnum) * shentsize).arg(r.size()));
    if (shstrndx == 0 || shstrndx >= shnum)
        return incomplete(QStringLiteral("has no section name table yet"));
    for (quint64 i = 1; i < shnum; ++i) {
        const quint64 s = shoff + i * shentsize;
        const quint32 shType = r.get<quint32>(s + 4);
        if (shType == ElfShtNull)
            return incomplete(QStringLiteral("has a section table that is not filled in yet"));
        const quint64 offset = is64 ? r.get<quint64>(s + 24) : r.get<quint32>(s + 16);
        const quint64 size = is64 ? r.get<quint64>(s + 32) : r.get<quint32>(s + 20);
        if (shType != ElfShtNobits && !r.has(offset, size))
            return incomplete(QStringLiteral("is cut short: section %1 ends at byte %2 of %3")
                                      .arg(i).arg(offset + size).arg(r.size()));
        if (i == shstrndx && shType != ElfShtStrtab)
            return incomplete(QStringLiteral("has a section table that is not filled in yet"));
        // GNU ld writes the build-ID note after the section table, as the very
        // last bytes (the ID is a hash of everything else). A note whose header
        // or ID is still zeros is a file that is about to change once more.
        if (shType == ElfShtNote && size >= 12) {
            const quint32 namesz = r.get<quint32>(offset);
            const quint32 descsz = r.get<quint32>(offset + 4);
            const quint32 noteType = r.get<quint32>(offset + 8);
            if (namesz == 0)
                return incomplete(QStringLiteral("has a note section that is not written yet"));
            const quint64 desc = offset + 12 + ((quint64(namesz) + 3) & ~quint64(3));
            if (noteType == ElfNoteGnuBuildId && descsz > 0 && r.has(desc, descsz)) {
                bool allZero = true;
                for (quint64 b = 0; b < descsz && allZero; ++b)
                    allZero = r.get<quint8>(desc + b) == 0;
                if (allZero)
                    return incomplete(QStringLiteral("has no build ID yet (the linker writes it last)"));
            }
        }
    }
    return ready();
}

// --- Mach-O (macOS), 64-bit only --------------------------------------------

Readiness checkMachO(QByteArrayView bytes)
{
    const Reader r(bytes, false);
    if (!r.has(0, 32))
        return incomplete(QStringLiteral("has %1 bytes, fewer than a Mach-O header").arg(r.size()));
    const quint32 ncmds = r.get<quint32>(16);
    const quint32 sizeofcmds = r.get<quint32>(20);
    if (!r.has(32, sizeofcmds))
        return incomplete(QStringLiteral("is cut short: its load commands end at byte %1 of %2")
                                  .arg(32 + quint64(sizeofcmds)).arg(r.size()));
    quint64 p = 32;
    for (quint32 i = 0; i < ncmds; ++i) {
        if (!r.has(p, 8))
            return incomplete(QStringLiteral("has load commands that are not written yet"));
        const quint32 cmd = r.get<quint32>(p);
        const quint32 cmdsize = r.get<quint32>(p + 4);
        if (cmdsize < 8)
            return incomplete(QStringLiteral("has load commands that are not written yet"));
        if (cmd == 0x19 /* LC_SEGMENT_64 */ && r.has(p, 72)) {
            const quint64 fileoff = r.get<quint64>(p + 40);
            const quint64 filesize = r.get<quint64>(p + 48);
            if (!r.has(fileoff, filesize))
                return incomplete(QStringLiteral("is cut short: a segment ends at byte %1 of %2")
                                          .arg(fileoff + filesize).arg(r.size()));
        }
        p += cmdsize;
    }
    return ready();
}

// --- PE (Windows) -----------------------------------------------------------

Readiness checkPe(QByteArrayView bytes)
{
    const Reader r(bytes, false);
    if (!r.has(0, 64))
        return incomplete(QStringLiteral("has %1 bytes, fewer than a DOS header").arg(r.size()));
    const quint32 peOffset = r.get<quint32>(60);
    if (!r.has(peOffset, 24))
        return incomplete(QStringLiteral("is cut short before its PE header"));
    if (r.get<quint32>(peOffset) != 0x00004550)
        return invalid(QStringLiteral("is a DOS program, not a PE library"));
    const quint16 sections = r.get<quint16>(peOffset + 6);
    const quint16 optionalSize = r.get<quint16>(peOffset + 20);
    const quint64 table = quint64(peOffset) + 24 + optionalSize;
    if (!r.has(table, quint64(sections) * 40))
        return incomplete(QStringLiteral("is cut short: its section table is not all there"));
    for (quint64 i = 0; i < sections; ++i) {
        const quint64 s = table + i * 40;
        const quint32 rawSize = r.get<quint32>(s + 16);
        const quint32 rawPointer = r.get<quint32>(s + 20);
        if (rawSize && !r.has(rawPointer, rawSize))
            return incomplete(QStringLiteral("is cut short: a section ends at byte %1 of %2")
                                      .arg(quint64(rawPointer) + rawSize).arg(r.size()));
    }
    return ready();
}

enum class Format { Elf, MachO, Pe };

constexpr Format nativeFormat()
{
#if defined(Q_OS_WIN)
    return Format::Pe;
#elif defined(Q_OS_DARWIN)
    return Format::MachO;
#else
    return Format::Elf;
#endif
}

QString formatName(Format f)
{
    switch (f) {
    case Format::Elf: return QStringLiteral("an ELF file");
    case Format::MachO: return QStringLiteral("a Mach-O file");
    case Format::Pe: return QStringLiteral("a Windows PE file");
    }
    return {};
}

} // namespace

Readiness checkReadiness(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return incomplete(QStringLiteral("is empty"));
    if (bytes.size() < 4)
        return incomplete(QStringLiteral("has only %1 bytes").arg(bytes.size()));

    // gold sizes its output first and fills it in any order: a file that
    // still starts with zeros has its header yet to come.
    if (std::memcmp(bytes.data(), "\0\0\0\0", 4) == 0)
        return incomplete(QStringLiteral("has no header yet (it starts with zeros)"));

    Format format;
    if (std::memcmp(bytes.data(), "\x7f" "ELF", 4) == 0)
        format = Format::Elf;
    else if (std::memcmp(bytes.data(), "\xcf\xfa\xed\xfe", 4) == 0)
        format = Format::MachO;
    else if (std::memcmp(bytes.data(), "MZ", 2) == 0)
        format = Format::Pe;
    else
        return invalid(QStringLiteral("is not a shared library (it is neither ELF, Mach-O nor PE)"));

    if (format != nativeFormat())
        return invalid(QStringLiteral("is %1; this platform loads %2")
                               .arg(formatName(format), formatName(nativeFormat())));
    switch (format) {
    case Format::Elf: return checkElf(bytes);
    case Format::MachO: return checkMachO(bytes);
    case Format::Pe: return checkPe(bytes);
    }
    return invalid(QString());
}

} // namespace QHotReload::Internal
